import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (title: string, type: string, backend: string) => `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [${type}] }
paths:
  /see:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/see"
        requestParameters: { integration.request.header.X-Seen-Via: method.request.header.Via }
`;

let gw: TestGateway;
let backend: EchoBackend;
before(async () => {
  backend = await startEchoBackend();
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
  await backend.close();
});

const seen = async (id: string, headers: Record<string, string> = {}) =>
  (JSON.parse((await gw.call(id, "/prod/see", { headers })).text) as Echo).headers;

// AWS's sample Lambda proxy events for edge-optimised APIs carry CloudFront's request headers.
test("EDGE APIs: the backend sees CloudFront's headers; a client cannot supply its own", async () => {
  const id = await gw.deployRest(api("Edge", "EDGE", backend.url), "prod");
  const desktop = await seen(id, {
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "cloudfront-is-desktop-viewer": "false",
  });
  // The viewer reached CloudFront over HTTPS, as it must on AWS, whatever Portico's listener speaks.
  assert.equal(desktop["cloudfront-forwarded-proto"], "https");
  assert.equal(desktop["x-forwarded-proto"], "http");
  assert.equal(desktop["cloudfront-is-desktop-viewer"], "true", "the client's value was replaced");
  assert.equal(desktop["cloudfront-is-mobile-viewer"], "false");
  // The request carries CloudFront's Via (a mapping reads it), but REST APIs never pass a Via on
  // to an HTTP backend (recorded).
  // The viewer's HTTP version, then the edge server that took this request.
  assert.match(String(desktop["x-seen-via"]), /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
  assert.equal(desktop.via, undefined);
  assert.match(String(desktop["x-amz-cf-id"]), /^[A-Za-z0-9_-]{56}$/);
  const phone = await seen(id, {
    "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile",
  });
  assert.equal(phone["cloudfront-is-mobile-viewer"], "true");
  assert.equal(phone["cloudfront-is-desktop-viewer"], "false");
  assert.notEqual(phone["x-amz-cf-id"], desktop["x-amz-cf-id"], "one CloudFront id per request");
  assert.notEqual(phone["x-seen-via"], desktop["x-seen-via"], "one edge server per request");
});

test("REGIONAL APIs: no CloudFront headers", async () => {
  const id = await gw.deployRest(api("Regional", "REGIONAL", backend.url), "prod");
  const headers = await seen(id);
  for (const name of Object.keys(headers)) assert.doesNotMatch(name, /^cloudfront-|^via$|^x-amz-cf-id$/);
  assert.ok(headers["x-forwarded-for"], "X-Forwarded-* are still set for proxies");
});
