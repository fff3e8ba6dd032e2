import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

/**
 * `$context.requestOverride` / `$context.responseOverride` set in mapping templates, applied by the
 * gateway after rendering
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html;
 * corpus cases vtl-mock-*-override-*).
 */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const arn = (name: string) => invocationArn(name);

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Overrides, version: "1" }
paths:
  /mock/status-from-request:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #set($context.responseOverride.status = 444)
            #set($context.responseOverride.header.foo = "bar")
            {"statusCode": 200}
        responses: { "2\\\\d{2}": { statusCode: "200" } }
  /mock/read/{b64}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #set($context.requestOverride.path.body = $util.base64Decode($input.params('b64')))
            #set($context.responseOverride.custom = "kept")
            {"statusCode": 200}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: |
                #set($b = $util.parseJson($context.requestOverride.path.body))
                {"message": "$b.message", "custom": "$context.responseOverride.custom"}
  /mock/status-from-response:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseParameters: { method.response.header.X-Kind: "'static'" }
            responseTemplates:
              application/json: |
                #set($context.responseOverride.status = "418")
                #set($context.responseOverride.header.X-Kind = "overridden")
                {"teapot": true}
  /mock/twice:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #set($context.responseOverride.status = 400)
            #set($context.responseOverride.status = 401)
            {"statusCode": 200}
        responses: { default: { statusCode: "200" } }
  /http/{id}:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/items/{id}"
        requestParameters:
          integration.request.path.id: method.request.path.id
          integration.request.header.x-mapped: "'from-mapping'"
          integration.request.querystring.kind: "'mapped'"
        requestTemplates:
          application/json: |
            #set($o = $input.path('$'))
            #set($context.requestOverride.header.x-mapped = "from-template")
            #set($context.requestOverride.header['X-Extra'] = "$o.extra")
            #set($context.requestOverride.querystring.kind = $o.kind)
            $!context.requestOverride.querystring.put("added", "a b")
            #if($o.id)#set($context.requestOverride.path.id = $o.id)#end
            {"sent": true}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: |
                #set($context.responseOverride.status = 201)
                #set($context.responseOverride.header.Location = "/items/$input.path('$.url')")
                $input.body
  /lambda:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("raw")}"
        requestTemplates:
          application/json: |
            #set($context.responseOverride.header.X-From-Request = "yes")
            {"n": 1}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: |
                #if($input.path('$.got.n') == 1)#set($context.responseOverride.status = 202)#end
                $input.json('$.got')
`;

describe("request and response overrides in mapping templates", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({ functions: { raw: { handler: join(FIXTURES, "handlers.raw") } } });
    id = await gw.deployRest(api(backend.url), "prod");
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("MOCK: responseOverride set in the request template is the answer, with no response template", async () => {
    const r = await gw.call(id, "/prod/mock/status-from-request");
    assert.equal(r.status, 444);
    assert.equal(r.headers.foo, "bar");
    assert.equal(r.text, "");
  });

  test("MOCK: what the request template sets under requestOverride (any key) the response template reads", async () => {
    const b64 = Buffer.from('{"message": "path1"}').toString("base64");
    const r = await gw.call(id, `/prod/mock/read/${b64}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { message: "path1", custom: "kept" });
  });

  test("MOCK: a response template's overrides replace the integration response's status and mapped header", async () => {
    const r = await gw.call(id, "/prod/mock/status-from-response");
    assert.equal(r.status, 418);
    assert.equal(r.headers["x-kind"], "overridden");
    assert.deepEqual(JSON.parse(r.text), { teapot: true });
  });

  test("overriding one parameter twice answers 500, and the next request is served", async () => {
    const r = await gw.call(id, "/prod/mock/twice");
    assert.equal(r.status, 500);
    assert.deepEqual(JSON.parse(r.text), { message: "Internal server error" });
    assert.equal((await gw.call(id, "/prod/mock/status-from-request")).status, 444);
  });

  test("HTTP: header, querystring and path overrides reach the backend after the parameter mappings", async () => {
    const r = await gw.call(id, "/prod/http/orig", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"extra": "e1", "kind": "templated", "id": "new-id"}',
    });
    assert.equal(r.status, 201, r.text);
    const echo = JSON.parse(r.text) as Echo;
    assert.equal(echo.url, "/items/new-id?kind=templated&added=a%20b");
    assert.equal(echo.headers["x-mapped"], "from-template");
    assert.equal(echo.headers["x-extra"], "e1");
    assert.equal(r.headers.location, `/items/${echo.url}`);
    assert.equal(Buffer.from(echo.bodyBase64, "base64").toString().trim(), '{"sent": true}');
  });

  test("HTTP: without a path override the mapped path stays; an override cannot walk the backend path", async () => {
    const r = await gw.call(id, "/prod/http/orig", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"extra": "e2", "kind": "k"}',
    });
    assert.equal((JSON.parse(r.text) as Echo).url, "/items/orig?kind=k&added=a%20b");
    const walk = await gw.call(id, "/prod/http/orig", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"extra": "e3", "kind": "k", "id": "../../admin"}',
    });
    assert.equal(walk.status, 400);
    assert.deepEqual(JSON.parse(walk.text), { message: "Bad Request" });
  });

  test("AWS (Lambda): overrides from the request and the response template both apply", async () => {
    const r = await gw.call(id, "/prod/lambda", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.headers["x-from-request"], "yes");
    assert.deepEqual(JSON.parse(r.text), { n: 1 });
  });
});
