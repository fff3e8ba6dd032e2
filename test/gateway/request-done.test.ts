import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { after, before, describe, test } from "node:test";
import type { RequestDoneMessage } from "../../src/gateway/channels.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// The data plane publishes each finished request on `portico:request` — what metrics, access logs
// and execution logs are made from: the API and stage when known, the matched route, status, body
// bytes, latency, the integration's latency and status, and the gateway's own answer when it gave one.

describe("portico:request", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let apiId: string;
  const seen: RequestDoneMessage[] = [];
  const on = (m: unknown) => seen.push(m as RequestDoneMessage);
  before(async () => {
    subscribe("portico:request", on);
    backend = await startEchoBackend();
    gw = await startTestGateway();
    apiId = await gw.deployRest(
      `openapi: 3.0.1
info: { title: Observed, version: "1" }
paths:
  /mock:
    get:${mockIntegration('{"ok":true}')}
  /backend/{code}:
    get:
      parameters: [{ name: code, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backend.url}/status/{code}
        requestParameters: { integration.request.path.code: method.request.path.code }
  /slow:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backend.url}/slow/300
`,
      "prod",
    );
  });
  after(async () => {
    unsubscribe("portico:request", on);
    await gw.close();
    await backend.close();
  });

  const last = async (requestId: string) => {
    for (let i = 0; i < 100 && !seen.some((m) => m.requestId === requestId); i++)
      await new Promise((r) => setTimeout(r, 10));
    return seen.find((m) => m.requestId === requestId)!;
  };

  test("a MOCK method: its route, 200, the body's bytes, a latency; no integration call, no gateway answer", async () => {
    const r = await gw.call(apiId, "/prod/mock");
    const m = await last(String(r.headers["x-amzn-requestid"]));
    assert.equal(m.statusCode, 200);
    assert.equal(m.responseBytes, r.body.length);
    assert.deepEqual(m.api, { apiId, apiType: "REST", stageName: "prod" });
    assert.equal(m.ctx?.route.resourcePath, "/mock");
    assert.equal(m.ctx?.route.httpMethod, "GET");
    assert.ok(m.latencyMs >= 0);
    assert.equal(m.gatewayResponse, undefined);
    assert.equal(m.aborted, false);
  });

  test("an HTTP backend: its status and latency as the integration's", async () => {
    const r = await gw.call(apiId, "/prod/backend/418");
    assert.equal(r.status, 418);
    const m = await last(String(r.headers["x-amzn-requestid"]));
    assert.equal(m.statusCode, 418);
    assert.equal(m.ctx?.integration?.status, 418);
    assert.ok((m.ctx?.integration?.latencyMs ?? -1) >= 0);
    assert.ok(m.ctx!.integration!.latencyMs! <= m.latencyMs);
  });

  test("no route on a known stage: the API and stage, no route, the gateway's 403 answer", async () => {
    const r = await gw.call(apiId, "/prod/nowhere");
    assert.equal(r.status, 403);
    const m = await last(String(r.headers["x-amzn-requestid"]));
    assert.deepEqual(m.api, { apiId, apiType: "REST", stageName: "prod" });
    assert.equal(m.ctx, undefined);
    assert.equal(m.gatewayResponse?.statusCode, 403);
    assert.equal(m.responseBytes, r.body.length);
  });

  test("a client that goes away before the answer: published as aborted, and the gateway keeps serving", async () => {
    const before = seen.length;
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_/slow`, {
      signal: controller.signal,
    }).catch((err: Error) => err);
    setTimeout(() => controller.abort(), 50);
    assert.ok((await pending) instanceof Error);
    for (let i = 0; i < 200 && !seen.slice(before).some((m) => m.aborted); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(seen.slice(before).some((m) => m.aborted && m.ctx?.route.resourcePath === "/slow"));
    // The backend's answer still arrives and is relayed into a closed response: nothing breaks.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await gw.call(apiId, "/prod/mock")).status, 200);
  });
});
