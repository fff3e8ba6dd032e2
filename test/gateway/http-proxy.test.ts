import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { rawExchange } from "../support/raw-http.ts";

const api = (backend: string) => `
openapi: "3.0.1"
info: { title: Proxy, version: "1" }
paths:
  /items/{itemId}:
    get:
      parameters: [{ name: itemId, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "http://\${stageVariables.host}/v/\${stageVariables.version}/things/{id}"
        requestParameters:
          integration.request.path.id: method.request.path.itemId
          integration.request.header.x-mapped: "'static-value'"
          integration.request.querystring.stage: context.stage
  /{proxy+}:
    x-amazon-apigateway-any-method:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: "${backend}/{proxy}"
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
  /slow:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/slow/2000"
        timeoutInMillis: 300
  /down:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:1/nothing" }
  /plain/{code}:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend}/status/{code}"
        requestParameters:
          integration.request.path.code: method.request.path.code
          integration.request.querystring.q: method.request.querystring.q
        responses:
          "4\\\\d{2}":
            statusCode: "400"
            responseParameters: { method.response.header.X-Kind: "'client-error'" }
          default:
            statusCode: "200"
            responseParameters: { method.response.header.X-From-Backend: integration.response.header.x-backend }
`;

const echoOf = (r: { text: string }): Echo => JSON.parse(r.text) as Echo;

describe("HTTP_PROXY and HTTP integrations", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    id = await gw.deployRest(api(backend.url), "dev", { host: `127.0.0.1:${backend.port}`, version: "2" });
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("path parameters and stage variables are substituted into the integration URI", async () => {
    const r = await gw.call(id, "/dev/items/abc-1?x=1");
    assert.equal(r.status, 200, r.text);
    const echo = echoOf(r);
    assert.equal(echo.url, "/v/2/things/abc-1?x=1&stage=dev");
    assert.equal(echo.headers["x-mapped"], "static-value");
  });

  test("a greedy path, the query string with repeated keys, and the method pass through", async () => {
    const r = await gw.call(id, "/dev/a/b%20c/d?tag=1&tag=2&q=a+b", { method: "DELETE" });
    const echo = echoOf(r);
    assert.equal(echo.method, "DELETE");
    assert.equal(echo.url, "/a/b%20c/d?tag=1&tag=2&q=a+b");
  });

  test("request headers pass through with duplicates; hop-by-hop are dropped; X-Forwarded-* are set", async () => {
    const r = await gw.call(id, "/dev/h", {
      headers: {
        "x-multi": ["one", "two"],
        "x-forwarded-for": "203.0.113.9",
        te: "trailers",
        "x-custom": "kept",
      },
    });
    const echo = echoOf(r);
    const raw = echo.rawHeaders;
    const values = (name: string) =>
      raw.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [raw[i + 1]] : []));
    assert.deepEqual(values("x-multi"), ["one", "two"]);
    assert.deepEqual(values("x-custom"), ["kept"]);
    assert.deepEqual(values("te"), []);
    assert.deepEqual(values("x-forwarded-for"), ["203.0.113.9, 127.0.0.1"]);
    assert.deepEqual(values("x-forwarded-proto"), ["http"]);
    assert.deepEqual(values("x-forwarded-port"), [String(gw.port)]);
    assert.deepEqual(values("host"), [`127.0.0.1:${backend.port}`]);
    assert.deepEqual(values("x-amzn-apigateway-api-id"), [id]);
  });

  test("a body's Content-Length reaches the backend as the client sent it (the body is streamed)", async () => {
    const r = await gw.call(id, "/dev/sized", { method: "POST", body: "0123456789" });
    const echo = echoOf(r);
    assert.equal(echo.headers["content-length"], "10");
    assert.equal(echo.headers["transfer-encoding"], undefined);
  });

  test("binary request and response bodies pass through byte for byte", async () => {
    const body = Buffer.alloc(70_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 256;
    const r = await gw.call(id, "/dev/upload", {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(Buffer.from(echoOf(r).bodyBase64, "base64").compare(body), 0);
    const bin = await gw.call(id, "/dev/binary");
    assert.equal(bin.body.length, 256);
    for (let i = 0; i < 256; i++) assert.equal(bin.body[i], i);
  });

  test("multi-value response headers come back; Date/Server/Connection are remapped", async () => {
    const r = await gw.call(id, "/dev/headers");
    assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"]);
    assert.deepEqual(r.headers["x-multi"], ["one", "two"]);
    assert.ok(r.headers["x-amzn-remapped-date"]);
    assert.ok(r.headers["x-amzn-requestid"]);
    assert.equal(r.headers["x-backend"], "echo");
  });

  test("backend status codes pass through a proxy", async () => {
    const r = await gw.call(id, "/dev/status/418");
    assert.equal(r.status, 418);
  });

  test("a backend slower than timeoutInMillis gives 504 Endpoint request timed out", async () => {
    const r = await gw.call(id, "/dev/slow");
    assert.equal(r.status, 504);
    assert.equal(r.text, '{"message":"Endpoint request timed out"}');
    assert.ok(r.headers["x-amzn-requestid"]);
  });

  test("an unreachable backend gives 500 Internal server error", async () => {
    const r = await gw.call(id, "/dev/down");
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
  });

  test("a declared body over 10 MB is refused with 413 before reaching the backend", async () => {
    const head =
      `POST /dev/upload HTTP/1.1\r\nHost: ${id}.execute-api.us-east-1.localhost\r\n` +
      `Content-Length: ${10 * 1024 * 1024 + 1}\r\n\r\n`;
    const answer = await rawExchange(gw.port, head);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\{"message":"Request Too Long"\}/);
  });

  test("a chunked body that grows past 10 MB is refused with 413", async () => {
    const head = `POST /dev/upload HTTP/1.1\r\nHost: ${id}.execute-api.us-east-1.localhost\r\nTransfer-Encoding: chunked\r\n\r\n`;
    async function* chunks() {
      const mb = Buffer.alloc(1024 * 1024, 65);
      for (let i = 0; i < 12; i++)
        yield Buffer.concat([Buffer.from(`${mb.length.toString(16)}\r\n`), mb, Buffer.from("\r\n")]);
      yield Buffer.from("0\r\n\r\n");
    }
    const answer = await rawExchange(gw.port, head, chunks);
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  test("HTTP (non-proxy) maps only declared parameters and selects the integration response by status", async () => {
    const ok = await gw.call(id, "/dev/plain/200?q=hello&other=dropped", {
      headers: { "x-custom": "dropped" },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["x-from-backend"], "echo");
    const echo = echoOf(ok);
    assert.equal(echo.url, "/status/200?q=hello");
    assert.equal(echo.headers["x-custom"], undefined);
    assert.equal(echo.headers.accept, "application/json");
    assert.equal(echo.headers["user-agent"], `AmazonAPIGateway_${id}`);
    const bad = await gw.call(id, "/dev/plain/404");
    assert.equal(bad.status, 400);
    assert.equal(bad.headers["x-kind"], "client-error");
  });

  test("the gateway stays healthy after all of the above", async () => {
    const r = await gw.call(id, "/dev/items/again");
    assert.equal(r.status, 200);
  });
});
