import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

let backend: EchoBackend;
let gw: TestGateway;
let id: string;
const BYTES = Buffer.from([0, 1, 2, 253, 254, 255]);

before(async () => {
  backend = await startEchoBackend();
  gw = await startTestGateway();
  const http = (path: string, extra: string, response = 'default: { statusCode: "200" }') => `
  ${path}:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend.url}/echo"
${extra}
        responses: { ${response} }`;
  id = await gw.deployRest(
    `openapi: 3.0.1
info: { title: ContentHandling, version: "1" }
x-amazon-apigateway-binary-media-types: [application/octet-stream]
paths:${http("/to-text", "        contentHandling: CONVERT_TO_TEXT")}${http("/to-binary", "        contentHandling: CONVERT_TO_BINARY")}${http("/template", '        requestTemplates: { application/octet-stream: \'{"b64": "$input.body"}\' }')}
  /binary-out:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend.url}/binary"
        responses: { default: { statusCode: "200", contentHandling: CONVERT_TO_TEXT } }
`,
    "prod",
  );
});
after(async () => {
  await gw.close();
  await backend.close();
});

const received = (r: { text: string }) => Buffer.from((JSON.parse(r.text) as Echo).bodyBase64, "base64");

test("CONVERT_TO_TEXT: a binary request body reaches the backend base64-encoded", async () => {
  const r = await gw.call(id, "/prod/to-text", {
    method: "POST",
    body: BYTES,
    headers: { "content-type": "application/octet-stream" },
  });
  assert.equal(received(r).toString(), BYTES.toString("base64"));
});

test("CONVERT_TO_BINARY: a base64 text body reaches the backend as bytes", async () => {
  const r = await gw.call(id, "/prod/to-binary", {
    method: "POST",
    body: BYTES.toString("base64"),
    headers: { "content-type": "text/plain" },
  });
  assert.deepEqual([...received(r)], [...BYTES]);
});

test("a request template sees a binary body as base64 in $input.body", async () => {
  const r = await gw.call(id, "/prod/template", {
    method: "POST",
    body: BYTES,
    headers: { "content-type": "application/octet-stream" },
  });
  assert.deepEqual(JSON.parse(received(r).toString()), { b64: BYTES.toString("base64") });
});

test("an integration response with CONVERT_TO_TEXT base64-encodes a binary backend body", async () => {
  const r = await gw.call(id, "/prod/binary-out");
  const expected = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) expected[i] = i;
  assert.equal(r.text, expected.toString("base64"));
});
