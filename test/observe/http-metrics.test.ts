import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiGatewayV2Client, UpdateStageCommand } from "@aws-sdk/client-apigatewayv2";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { scrape } from "../support/prometheus.ts";

// HTTP APIs' metrics as AWS names them (Count, 4xx, 5xx, Latency, IntegrationLatency, DataProcessed)
// with ApiId and Stage, plus Route (the route key) only for routes with detailedMetricsEnabled.

const api = (backend: string) => `
openapi: 3.0.1
info: { title: ObservedHttp, version: "1" }
paths:
  /ok:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/ok", payloadFormatVersion: "1.0" }
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: "${backend}/ok", payloadFormatVersion: "1.0" }
  /status/{code}:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/status/{code}", payloadFormatVersion: "1.0" }
`;

describe("HTTP API metrics", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let v2: ApiGatewayV2Client;
  let id: string;
  const metrics = () => scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    id = await gw.deployHttp(api(backend.url));
  });
  after(async () => {
    v2.destroy();
    await gw.close();
    await backend.close();
  });

  test("per stage: Count, 4xx, 5xx, Latency, IntegrationLatency, DataProcessed (request and response bodies)", async () => {
    const calls = [
      await gw.call(id, "/ok"),
      await gw.call(id, "/ok", { method: "POST", body: "hello", headers: { "content-type": "text/plain" } }),
      await gw.call(id, "/status/404"),
      await gw.call(id, "/status/500"),
      await gw.call(id, "/nowhere"),
    ];
    assert.deepEqual(
      calls.map((c) => c.status),
      [200, 200, 404, 500, 404],
    );
    const m = await metrics();
    const stage = { ApiId: id, Stage: "$default" };
    assert.equal(m.value("portico_http_count_total", stage), 5);
    assert.equal(m.value("portico_http_4xx_total", stage), 2, "the backend's 404 and no route's");
    assert.equal(m.value("portico_http_5xx_total", stage), 1);
    assert.equal(m.count("portico_http_latency_milliseconds", stage), 5);
    assert.equal(m.count("portico_http_integration_latency_milliseconds", stage), 4);
    const bodies = calls.reduce((n, c) => n + c.body.length, 0);
    assert.equal(m.value("portico_http_data_processed_bytes_total", stage), bodies + "hello".length);
    assert.deepEqual(
      m.samples("portico_http_count_total", { ApiId: id }).filter((s) => s.labels?.Route !== undefined),
      [],
      "no Route label without detailedMetricsEnabled",
    );
  });

  test("detailedMetricsEnabled on a route: that route counts per Route; the others per stage", async () => {
    await v2.send(
      new UpdateStageCommand({
        ApiId: id,
        StageName: "$default",
        RouteSettings: { "GET /status/{code}": { DetailedMetricsEnabled: true } },
      }),
    );
    const before = await metrics();
    assert.equal((await gw.call(id, "/status/404")).status, 404);
    assert.equal((await gw.call(id, "/status/201")).status, 201);
    assert.equal((await gw.call(id, "/ok")).status, 200);
    const m = await metrics();
    const route = { ApiId: id, Stage: "$default", Route: "GET /status/{code}" };
    assert.equal(m.value("portico_http_count_total", route), 2);
    assert.equal(m.value("portico_http_4xx_total", route), 1);
    assert.equal(m.count("portico_http_integration_latency_milliseconds", route), 2);
    const stage = { ApiId: id, Stage: "$default" };
    assert.equal(
      m.value("portico_http_count_total", stage) - before.value("portico_http_count_total", stage),
      1,
    );
  });

  test("DefaultRouteSettings.DetailedMetricsEnabled: every route by its key", async () => {
    await v2.send(
      new UpdateStageCommand({
        ApiId: id,
        StageName: "$default",
        DefaultRouteSettings: { DetailedMetricsEnabled: true },
      }),
    );
    assert.equal((await gw.call(id, "/ok", { method: "POST", body: "x" })).status, 200);
    const m = await metrics();
    assert.equal(m.value("portico_http_count_total", { ApiId: id, Stage: "$default", Route: "POST /ok" }), 1);
  });
});
