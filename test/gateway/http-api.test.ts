import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (backend: string) => `
openapi: "3.0.1"
info: { title: HttpProxy, version: "1" }
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration:
        { type: http_proxy, httpMethod: GET, uri: "http://\${stageVariables.host}/animals/{id}", payloadFormatVersion: "1.0" }
  /files/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, uri: "${backend}/store/{proxy}", payloadFormatVersion: "1.0" }
  /slow:
    get:
      x-amazon-apigateway-integration:
        { type: http_proxy, httpMethod: GET, uri: "${backend}/slow/2000", payloadFormatVersion: "1.0", timeoutInMillis: 300 }
  /$default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, uri: "${backend}/fallback", payloadFormatVersion: "1.0" }
`;

describe("HTTP APIs over HTTP_PROXY", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    id = await gw.deployHttp(api(backend.url), "$default", { host: `127.0.0.1:${backend.port}` });
    await gw.portico.control.deployHttpApi(id, {
      stageName: "beta",
      variables: { host: `127.0.0.1:${backend.port}` },
    });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  const echo = (r: { text: string }) => JSON.parse(r.text) as Echo;

  test("the $default stage serves at the root; route variables fill the integration URI by name", async () => {
    const r = await gw.call(id, "/pets/7?x=1&x=2");
    assert.equal(r.status, 200, r.text);
    assert.equal(echo(r).url, "/animals/7?x=1&x=2");
    assert.ok(r.headers["apigw-requestid"]);
    assert.equal(r.headers["x-amzn-remapped-date"], undefined, "HTTP APIs do not remap backend headers");
  });

  test("a named stage is selected by the first path segment", async () => {
    const r = await gw.call(id, "/beta/pets/8");
    assert.equal(echo(r).url, "/animals/8");
  });

  test("a greedy route passes the rest of the path, any method", async () => {
    const r = await gw.call(id, "/files/a/b.txt", { method: "PUT", body: "hello" });
    const e = echo(r);
    assert.equal(e.method, "PUT");
    assert.equal(e.url, "/store/a/b.txt");
    assert.equal(Buffer.from(e.bodyBase64, "base64").toString(), "hello");
  });

  test("$default catches what no route matches", async () => {
    const r = await gw.call(id, "/not/a/route", { method: "DELETE" });
    assert.equal(r.status, 200);
    assert.equal(echo(r).url, "/fallback");
  });

  test("an integration timeout answers 503 Service Unavailable, as HTTP APIs do", async () => {
    const r = await gw.call(id, "/slow");
    assert.equal(r.status, 503);
    assert.equal(r.text, '{"message":"Service Unavailable"}');
  });
});

describe("HTTP API parameter mapping on HTTP_PROXY", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    id = await gw.deployHttp(
      `openapi: 3.0.1
info: { title: Mapping, version: "1" }
paths:
  /users/{id}:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/ignored"
        payloadFormatVersion: "1.0"
        requestParameters:
          overwrite:path: "/v2/accounts/$request.path.id"
          overwrite:header.x-user: "user-\${request.path.id}"
          append:header.x-trace: "$context.requestId"
          remove:header.x-secret: "''"
          overwrite:querystring.page: "1"
          remove:querystring.debug: "''"
          append:querystring.stage: "$context.stage"
  /mapped-response:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/headers"
        payloadFormatVersion: "1.0"
        responseParameters:
          "200":
            overwrite:statuscode: "202"
            overwrite:header.x-backend: "gateway-$context.stage"
            append:header.x-copied: "from-$response.header.x-backend"
            remove:header.x-multi: "''"
`,
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("overwrite/append/remove on headers, querystring and path", async () => {
    const r = await gw.call(id, "/users/42?page=9&debug=1&keep=yes", {
      headers: { "x-user": "client", "x-secret": "s3cr3t", "x-trace": "client-trace" },
    });
    assert.equal(r.status, 200, r.text);
    const echo = JSON.parse(r.text) as Echo;
    assert.equal(echo.url, "/v2/accounts/42?keep=yes&page=1&stage=%24default");
    assert.equal(echo.headers["x-user"], "user-42");
    assert.equal(echo.headers["x-secret"], undefined);
    assert.equal(echo.headers["x-trace"], `client-trace, ${r.headers["apigw-requestid"]}`);
  });

  test("response mapping per backend status: status code, overwrite, append and remove headers", async () => {
    const r = await gw.call(id, "/mapped-response");
    assert.equal(r.status, 202);
    assert.equal(r.headers["x-backend"], "gateway-$default");
    assert.equal(r.headers["x-copied"], "from-echo");
    assert.equal(r.headers["x-multi"], undefined);
    assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"], "unmapped headers pass through");
  });
});
