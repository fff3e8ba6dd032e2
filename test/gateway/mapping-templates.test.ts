import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Templates, version: "1" }
paths:
  /mock/{code}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": $input.params("code")}'
        responses:
          "4\\\\d{2}":
            statusCode: "404"
            responseTemplates: { application/json: '{"error": "no such thing", "stage": "$context.stage"}' }
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"ok": true, "requestId": "$context.requestId", "colour": "$stageVariables.colour"}'
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/backend/orders"
        passthroughBehavior: never
        requestTemplates:
          application/json: |
            #set($o = $input.path('$'))
            #set($total = $o.count * 2)
            {"sku": "$o.item.toUpperCase()", "qty": $o.count, "total": $total}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: |
                #set($r = $util.parseJson($util.base64Decode($input.path('$.bodyBase64'))))
                {"received": $r.qty, "total": $r.total, "sku": "$r.sku", "method": "$input.path('$.method')"}
  /from-body:
    post:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: "${backend}/echo"
        requestParameters:
          integration.request.header.x-order: method.request.body.order.id
          integration.request.querystring.kind: method.request.body.kind
  /broken:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: 'not json at all' }
        responses: { default: { statusCode: "200" } }
  /lenient/{code}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: "{statusCode: $input.params('code'), note: 'CDK style'}" }
        responses:
          "4\\\\d{2}": { statusCode: "404" }
          default: { statusCode: "200" }
  /no-status:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"status": 200}' }
        responses: { default: { statusCode: "200" } }
  /nulls:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: >-
                {"stage": "$stageVariables.missing", "param": "$input.params('nope')",
                "principal": "$context.authorizer.principalId", "quiet": "$!nothing", "plain": "$nothing",
                "put": "#set($m = {})$m.put('k', 1)", "isNull": #if($nothing == "")true#{else}false#end}
  /body:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/echo"
        requestTemplates:
          application/json: '{"raw": "$input.body", "json": $input.json(''$''), "encoded": "$util.urlEncode($input.body)"}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: >-
                {"received": $util.base64Decode($input.path('$.bodyBase64')),
                "rawHeaders": $input.path('$.rawHeaders'),
                "headersAsJava": #if($input.path('$.headers').toString().matches("\\{[a-z-]+=.*\\}"))true#{else}false#end}
`;

describe("mapping templates through the gateway", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    id = await gw.deployRest(api(backend.url), "prod", { colour: "green" });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("MOCK: the request template picks the integration response; response templates see $context and $stageVariables", async () => {
    const ok = await gw.call(id, "/prod/mock/200");
    assert.equal(ok.status, 200);
    const body = JSON.parse(ok.text);
    assert.equal(body.requestId, ok.headers["x-amzn-requestid"]);
    assert.equal(body.colour, "green");
    const missing = await gw.call(id, "/prod/mock/404");
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { error: "no such thing", stage: "prod" });
  });

  test("HTTP: request and response templates transform both bodies", async () => {
    const r = await gw.call(id, "/prod/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"item": "widget", "count": 3}',
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { received: 3, total: 6, sku: "WIDGET", method: "POST" });
  });

  test("passthroughBehavior NEVER: a content type without a template is 415", async () => {
    const r = await gw.call(id, "/prod/orders", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    assert.equal(r.status, 415);
    assert.equal(r.text, '{"message":"Unsupported Media Type"}');
  });

  test("a template whose output is not what the integration needs answers 500, and the gateway stays up", async () => {
    const r = await gw.call(id, "/prod/broken");
    assert.equal(r.status, 500);
    assert.equal((await gw.call(id, "/prod/mock/200")).status, 200);
  });

  test("MOCK: the status is read leniently (CDK's unquoted keys); no integer statusCode answers 500", async () => {
    assert.equal((await gw.call(id, "/prod/lenient/200")).status, 200);
    const notFound = await gw.call(id, "/prod/lenient/404");
    assert.equal(notFound.status, 404);
    assert.equal(notFound.text, "", "no response template: an empty body");
    const none = await gw.call(id, "/prod/no-status");
    assert.equal(none.status, 500);
    assert.deepEqual(JSON.parse(none.text), { message: "Internal server error" });
  });

  test("null and unresolved references print as nothing, and equal the empty string", async () => {
    const r = await gw.call(id, "/prod/nulls");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), {
      stage: "",
      param: "",
      principal: "",
      quiet: "",
      plain: "",
      put: "",
      isNull: true,
    });
  });

  test("HTTP: an empty request body is {} to the template; $input.path's lists print as JSON, maps as Java's", async () => {
    const r = await gw.call(id, "/prod/body", {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 200, r.text);
    const out = JSON.parse(r.text);
    assert.deepEqual(out.received, { raw: "{}", json: {}, encoded: "%7B%7D" });
    assert.ok(Array.isArray(out.rawHeaders) && out.rawHeaders.includes("X-Amzn-Apigateway-Api-Id"), r.text);
    assert.equal(out.headersAsJava, true);
  });

  test("mapping sources from the request body (method.request.body.JSONPath); the body still reaches the backend", async () => {
    const body = '{"order": {"id": "o-17"}, "kind": "rush"}';
    const r = await gw.call(id, "/prod/from-body", {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 200, r.text);
    const echo = JSON.parse(r.text) as Echo;
    assert.equal(echo.headers["x-order"], "o-17");
    assert.equal(echo.url, "/echo?kind=rush");
    assert.equal(Buffer.from(echo.bodyBase64, "base64").toString(), body);
  });
});
