import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { rawExchange } from "../support/raw-http.ts";

const API = `
openapi: 3.0.1
info: { title: Hardened, version: "1" }
paths:
  /items/{id}:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '{"id": "$input.params(''id'')", "q": "$util.escapeJavaScript($input.params(''q''))"}' }
`;

let gw: TestGateway;
let id: string;
before(async () => {
  gw = await startTestGateway();
  id = await gw.deployRest(API, "prod");
});
after(() => gw.close());

const host = () => `${id}.execute-api.us-east-1.localhost`;

test("malformed HTTP is answered 400 by the parser, oversized headers 431, and the gateway keeps serving", async () => {
  const garbage = await rawExchange(gw.port, "THIS IS NOT HTTP\r\n\r\n", undefined, 2000);
  assert.match(garbage, /^HTTP\/1\.1 400/);
  const huge = await rawExchange(
    gw.port,
    `GET /prod/items/1 HTTP/1.1\r\nHost: ${host()}\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    undefined,
    2000,
  );
  assert.match(huge, /^HTTP\/1\.1 431/);
  const badVersion = await rawExchange(
    gw.port,
    `GET /prod/items/1 HTTP/9.9\r\nHost: ${host()}\r\n\r\n`,
    undefined,
    2000,
  );
  assert.match(badVersion, /^HTTP\/1\.1 (400|505)/);
  const ok = await gw.call(id, "/prod/items/1", { method: "POST" });
  assert.equal(ok.status, 200);
});

test("hostile paths, queries and bodies get answers, never crashes", async () => {
  const cases: [string, string, string | undefined][] = [
    ["POST", "/prod/items/%E0%A4%A", undefined],
    ["POST", "/prod/items/..%2f..%2fetc%2fpasswd", undefined],
    ["POST", "/prod/items/1?q=%ZZ&q=%&&=&q", undefined],
    ["POST", "/prod/items/1?q=" + encodeURIComponent("\"}'; $util.base64Decode(x) #set($a=1)"), undefined],
    ["POST", "/prod/items/1", "{not json"],
    ["POST", `/prod/items/${"x".repeat(4000)}`, undefined],
    ["GET", "/prod/items/1/../../../", undefined],
    ["POST", "/restapis/../../x", undefined],
    ["POST", "/restapis/%00/prod/_user_request_/items/1", undefined],
  ];
  for (const [method, path, body] of cases) {
    const r = await gw.call(id, path, {
      method,
      body,
      headers: body ? { "content-type": "application/json" } : {},
    });
    assert.ok(r.status >= 200 && r.status < 500, `${method} ${path} → ${r.status} ${r.text}`);
    assert.ok(r.headers["x-amzn-requestid"], path);
  }
  // A query value is data in the template, never template code.
  const injected = await gw.call(id, `/prod/items/1?q=${encodeURIComponent("#set($x = 1)$x")}`, {
    method: "POST",
  });
  assert.equal(JSON.parse(injected.text).q, "#set($x = 1)$x");
});
