import assert from "node:assert/strict";
import { registerHooks } from "node:module";
import { after, before, describe, test } from "node:test";

// With tracing off — no stage traces, or no exporter configured — nothing of OpenTelemetry is
// loaded, and the trace headers pass as they do today (docs/tracing.md). Every module this
// process resolves is recorded, so whether the SDK was loaded is seen, not assumed.
const resolved: string[] = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    resolved.push(specifier);
    return nextResolve(specifier, context);
  },
});
// prom-client (metrics) imports OpenTelemetry's API facade for exemplars, so `@opentelemetry/api` is
// there either way; what tracing must not load is the SDK, the exporter and the tracer behind them.
const otel = () =>
  resolved.filter(
    (s) => (s.startsWith("@opentelemetry/") && s !== "@opentelemetry/api") || s.endsWith("otel-tracer.ts"),
  );

for (const name of Object.keys(process.env)) if (name.startsWith("OTEL_")) delete process.env[name];

// Imported after the hook, so their imports are seen too.
const { capturingLog } = await import("../support/capturing-log.ts");
const { startEchoBackend } = await import("../support/echo-backend.ts");
const { startTestGateway } = await import("../support/gateway.ts");
const { startOtlpReceiver } = await import("../support/otlp-receiver.ts");
const { APIGatewayClient, CreateDeploymentCommand, GetStageCommand, UpdateStageCommand } = await import(
  "@aws-sdk/client-api-gateway"
);
const { adminClientConfig } = await import("../support/gateway.ts");
type Echo = import("../support/echo-backend.ts").Echo;

const API = (backend: string) => `
openapi: 3.0.1
info: { title: Untraced, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /proxy:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/proxied" }
`;

const HTTP_API = (backend: string) => `
openapi: 3.0.1
info: { title: Untraced HTTP API, version: "1" }
paths:
  /proxy:
    get:
      x-amazon-apigateway-integration:
        { type: http_proxy, httpMethod: GET, uri: "${backend}/proxied", payloadFormatVersion: "1.0" }
`;

const CLIENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

async function enableTracing(gw: Awaited<ReturnType<typeof startTestGateway>>, apiId: string) {
  const client = new APIGatewayClient(adminClientConfig(gw));
  await client.send(
    new UpdateStageCommand({
      restApiId: apiId,
      stageName: "prod",
      patchOperations: [{ op: "replace", path: "/tracingEnabled", value: "true" }],
    }),
  );
  client.destroy();
}

describe("tracing off", () => {
  let backend: Awaited<ReturnType<typeof startEchoBackend>>;
  before(async () => {
    backend = await startEchoBackend();
  });
  after(() => backend.close());

  test("a traced stage without an exporter loads nothing and passes the headers on as today", async () => {
    const captured = capturingLog();
    const gw = await startTestGateway({}, captured.log);
    try {
      const apiId = await gw.deployRest(API(backend.url), "prod");
      await enableTracing(gw, apiId);
      const r = await gw.call(apiId, "/prod/proxy", {
        headers: { traceparent: CLIENT, tracestate: "vendor=abc", "x-amzn-trace-id": XRAY },
      });
      assert.equal(r.status, 200);
      const seen = JSON.parse(r.text) as Echo;
      assert.equal(seen.headers.traceparent, CLIENT);
      assert.equal(seen.headers.tracestate, "vendor=abc");
      // AWS's own rule: the client's Root, Parent and Sampled go on (AWS-BEHAVIOUR.md §12.10).
      assert.equal(seen.headers["x-amzn-trace-id"], XRAY);
      assert.deepEqual(otel(), []);
      assert.ok(captured.lines.some((l) => l.includes("no OpenTelemetry exporter is configured")));
    } finally {
      await gw.close();
    }
  });

  test("an HTTP API (which X-Ray does not trace) passes a client's traceparent to its backend", async () => {
    const gw = await startTestGateway();
    try {
      const apiId = await gw.deployHttp(HTTP_API(backend.url));
      const r = await gw.call(apiId, "/proxy", {
        headers: { traceparent: CLIENT, tracestate: "vendor=abc" },
      });
      assert.equal(r.status, 200);
      const seen = JSON.parse(r.text) as Echo;
      assert.equal(seen.headers.traceparent, CLIENT);
      assert.equal(seen.headers.tracestate, "vendor=abc");
    } finally {
      await gw.close();
    }
  });

  test("an exporter without a traced stage loads nothing and exports nothing; a traced stage then loads it", async () => {
    const receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    const captured = capturingLog();
    const gw = await startTestGateway({}, captured.log);
    try {
      const apiId = await gw.deployRest(API(backend.url), "prod");
      const r = await gw.call(apiId, "/prod/proxy", { headers: { traceparent: CLIENT } });
      assert.equal((JSON.parse(r.text) as Echo).headers.traceparent, CLIENT);
      assert.deepEqual(otel(), []);
      // The same gateway, once a stage traces (here by CreateDeployment's tracingEnabled, which a
      // later deployment that does not say keeps): the SDK is loaded (the hook above does see it).
      const client = new APIGatewayClient(adminClientConfig(gw));
      await client.send(
        new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod", tracingEnabled: true }),
      );
      await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod" }));
      assert.equal(
        (await client.send(new GetStageCommand({ restApiId: apiId, stageName: "prod" }))).tracingEnabled,
        true,
      );
      client.destroy();
      await captured.until("spans of stages with tracingEnabled are exported");
      assert.ok(otel().includes("@opentelemetry/sdk-trace"), `resolved: ${otel().join(", ")}`);
    } finally {
      await gw.close();
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      await receiver.close();
    }
    assert.equal(receiver.spans.length, 0);
  });
});
