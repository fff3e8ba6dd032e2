import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateRestApiCommand, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { apiNameDimension } from "../../src/observe/rest-metrics.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type Scraped, scrape } from "../support/prometheus.ts";
import { mockIntegration } from "../support/snippets.ts";

// REST APIs' metrics as AWS names them (Count, 4XXError, 5XXError, Latency, IntegrationLatency,
// CacheHitCount, CacheMissCount) with AWS's dimensions as labels: ApiName and Stage, plus Resource
// and Method only where the stage's method settings have metricsEnabled. Read back from /metrics
// with a Prometheus text parser after known traffic.

const api = (backend: string) => `
openapi: 3.0.1
info: { title: ObservedRest, version: "1" }
paths:
  /mock:
    get:${mockIntegration('{"ok":true}')}
  /limited:
    get:${mockIntegration('{"limited":true}')}
  /backend/{code}:
    get:
      parameters: [{ name: code, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backend}/status/{code}
        requestParameters: { integration.request.path.code: method.request.path.code }
`;

describe("REST API metrics", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: APIGatewayClient;
  let id: string;
  const metrics = () => scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);
  const patchStage = (stageName: string, ...ops: [string, string][]) =>
    client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName,
        patchOperations: ops.map(([path, value]) => ({ op: "replace", path, value })),
      }),
    );
  const statuses = async (paths: string[]) => {
    const out: number[] = [];
    for (const p of paths) out.push((await gw.call(id, p)).status);
    return out;
  };

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(api(backend.url), "prod");
    // /limited admits one request, then (refilling a token every 1000 s) refuses.
    await patchStage(
      "prod",
      ["/~1limited/GET/throttling/rateLimit", "0.001"],
      ["/~1limited/GET/throttling/burstLimit", "1"],
    );
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("without metricsEnabled: per stage only — Count, 4XXError, 5XXError, Latency, IntegrationLatency, throttles", async () => {
    const got = await statuses([
      "/prod/mock",
      "/prod/mock",
      "/prod/backend/404",
      "/prod/backend/503",
      "/prod/nowhere",
      "/prod/limited",
      "/prod/limited",
    ]);
    assert.deepEqual(got, [200, 200, 404, 503, 403, 200, 429]);
    const m = await metrics();
    const stage = { ApiName: "ObservedRest", Stage: "prod" };
    assert.equal(m.value("portico_rest_count_total", stage), 7);
    assert.equal(m.value("portico_rest_4xx_error_total", stage), 3, "404, the 403 of no route, the 429");
    assert.equal(m.value("portico_rest_5xx_error_total", stage), 1);
    assert.equal(m.count("portico_rest_latency_milliseconds", stage), 7);
    assert.equal(m.count("portico_rest_integration_latency_milliseconds", stage), 2, "the backend's two");
    assert.equal(m.value("portico_throttled_total", { ApiId: id, Stage: "prod" }), 1);
    assert.equal(m.value("portico_quota_exceeded_total", { ApiId: id, Stage: "prod" }), 0);
    assert.equal(m.family("portico_rest_latency_milliseconds").type, "HISTOGRAM");
    assert.deepEqual(perMethodSeries(m, "ObservedRest"), [], "no Resource/Method without metricsEnabled");
    const buckets = m.buckets("portico_rest_latency_milliseconds", stage);
    assert.equal([...buckets.keys()][0], "1", "buckets start at 1 ms");
    assert.ok(buckets.has("30000"), "and reach 30 s");
    assert.equal(buckets.get("+Inf"), 7);
  });

  test("a stage cache: CacheHitCount and CacheMissCount", async () => {
    await gw.portico.control.deployRestApi(id, { stageName: "cached" });
    await patchStage("cached", ["/cacheClusterEnabled", "true"]);
    assert.deepEqual(await statuses(["/cached/mock", "/cached/mock", "/cached/mock"]), [200, 200, 200]);
    const m = await metrics();
    const stage = { ApiName: "ObservedRest", Stage: "cached" };
    assert.equal(m.value("portico_rest_cache_miss_count_total", stage), 1);
    assert.equal(m.value("portico_rest_cache_hit_count_total", stage), 2);
    assert.equal(m.value("portico_rest_count_total", stage), 3);
    assert.equal(
      m.value("portico_rest_cache_hit_count_total", { ApiName: "ObservedRest", Stage: "prod" }),
      0,
    );
    assert.equal(
      m.exact("portico_rest_cache_hit_count_total", { ApiName: "ObservedRest", Stage: "prod" }),
      undefined,
    );
  });

  test("metricsEnabled (*/*, with a method turned off): per Resource template and Method; no route counts per stage", async () => {
    await gw.portico.control.deployRestApi(id, { stageName: "detailed" });
    await patchStage(
      "detailed",
      ["/*/*/metrics/enabled", "true"],
      ["/~1limited/GET/metrics/enabled", "false"],
    );
    const got = await statuses([
      "/detailed/mock",
      "/detailed/backend/200",
      "/detailed/backend/500",
      "/detailed/nowhere",
      "/detailed/limited",
    ]);
    assert.deepEqual(got, [200, 200, 500, 403, 200]);
    const m = await metrics();
    const method = (Resource: string) => ({
      ApiName: "ObservedRest",
      Stage: "detailed",
      Resource,
      Method: "GET",
    });
    assert.equal(m.value("portico_rest_count_total", method("/mock")), 1);
    assert.equal(
      m.value("portico_rest_count_total", method("/backend/{code}")),
      2,
      "the template, not /backend/200",
    );
    assert.equal(m.value("portico_rest_5xx_error_total", method("/backend/{code}")), 1);
    assert.equal(m.count("portico_rest_integration_latency_milliseconds", method("/backend/{code}")), 2);
    assert.equal(m.value("portico_rest_4xx_error_total", method("/mock")), 0);
    const stage = { ApiName: "ObservedRest", Stage: "detailed" };
    assert.equal(m.value("portico_rest_count_total", stage), 2, "no route, and /limited (turned off)");
    assert.equal(m.value("portico_rest_4xx_error_total", stage), 1);
    assert.deepEqual(perMethodSeries(m, "ObservedRest").sort(), [
      "detailed /backend/{code} GET",
      "detailed /mock GET",
    ]);
  });

  test("ApiName follows a rename (UpdateRestApi) without a redeploy", async () => {
    await client.send(
      new UpdateRestApiCommand({
        restApiId: id,
        patchOperations: [{ op: "replace", path: "/name", value: "Renamed" }],
      }),
    );
    assert.equal((await gw.call(id, "/prod/mock")).status, 200);
    const m = await metrics();
    assert.equal(m.value("portico_rest_count_total", { ApiName: "Renamed", Stage: "prod" }), 1);
    assert.equal(m.value("portico_rest_count_total", { ApiName: "ObservedRest", Stage: "prod" }), 7);
  });

  test("ApiName keeps ASCII only, and is the API id when nothing is left (AWS)", () => {
    assert.equal(apiNameDimension("Pets ✓ API", "abc123defg"), "Pets  API");
    assert.equal(apiNameDimension("ペット", "abc123defg"), "abc123defg");
    assert.equal(apiNameDimension(undefined, "abc123defg"), "abc123defg");
  });
});

/** `Stage Resource Method` of every per-method series of an API's Count. */
function perMethodSeries(m: Scraped, apiName: string): string[] {
  return m
    .samples("portico_rest_count_total", { ApiName: apiName })
    .filter((s) => s.labels?.Resource !== undefined || s.labels?.Method !== undefined)
    .map((s) => `${s.labels?.Stage} ${s.labels?.Resource} ${s.labels?.Method}`);
}
