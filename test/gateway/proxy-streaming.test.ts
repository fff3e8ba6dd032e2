import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { eventually } from "../support/snippets.ts";

// HTTP_PROXY streams the backend's body to the client. When the backend breaks off mid-body the
// client's response breaks too; when the client goes away mid-body the backend's response is
// abandoned (its connection closed); either way the gateway keeps serving.

let backend: Server;
let backendUrl: string;
let gw: TestGateway;
let apiId: string;
/** Set when the slow stream's connection to the backend was closed before the stream finished. */
let abandoned = false;

const api = () => `
openapi: "3.0.1"
info: { title: Streaming, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /{proxy+}:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backendUrl}/{proxy}"
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
`;

describe("HTTP_PROXY streaming", () => {
  before(async () => {
    backend = createServer((req, res) => {
      if (req.url === "/broken") {
        // Promises 1000 bytes, sends 10, then drops the connection.
        res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
        res.write("0123456789");
        setTimeout(() => res.socket?.destroy(), 50);
      } else if (req.url === "/endless") {
        res.writeHead(200, { "content-type": "text/plain" });
        const timer = setInterval(() => res.write("tick\n"), 10);
        res.on("close", () => {
          clearInterval(timer);
          if (!res.writableFinished) abandoned = true;
        });
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("whole");
      }
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    gw = await startTestGateway();
    apiId = await gw.deployRest(api(), "test");
  });
  after(async () => {
    await gw?.close();
    backend?.closeAllConnections();
    await new Promise((ok) => backend?.close(ok));
  });

  test("a backend that breaks off mid-body breaks the client's response; the gateway keeps serving", async () => {
    const r = await request(`http://127.0.0.1:${gw.port}/test/broken`, {
      headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
    });
    assert.equal(r.statusCode, 200);
    await assert.rejects(r.body.text());
    const next = await gw.call(apiId, "/test/whole");
    assert.equal(next.status, 200);
    assert.equal(next.text, "whole");
  });

  test("a client that goes away mid-body makes the gateway abandon the backend's response", async () => {
    const controller = new AbortController();
    const r = await request(`http://127.0.0.1:${gw.port}/test/endless`, {
      headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      signal: controller.signal,
    });
    assert.equal(r.statusCode, 200);
    for await (const _chunk of r.body) break;
    controller.abort();
    assert.ok(await eventually(async () => abandoned), "the backend response was not abandoned");
    const next = await gw.call(apiId, "/test/whole");
    assert.equal(next.text, "whole");
  });
});
