import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { capturingLog } from "../support/capturing-log.ts";
import { type Echo, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway } from "../support/gateway.ts";

// A collector that cannot be reached costs the traced requests nothing: they are served, the trace
// is still passed on, the gateway shuts down as usual, and the failed export is a warning in its log.

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

test("spans that cannot be exported are a warning in the log, and the request is served", async () => {
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${await closedPort()}/v1/traces`;
  // Nothing is exported before the gateway shuts down: the export at shutdown is the one that fails.
  process.env.OTEL_BSP_SCHEDULE_DELAY = "600000";
  // The exporter retries until its timeout: a short one gives up soon.
  process.env.OTEL_EXPORTER_OTLP_TIMEOUT = "300";
  const backend = await startEchoBackend();
  const captured = capturingLog();
  const gw = await startTestGateway({}, captured.log);
  try {
    const apiId = await gw.deployRest(
      `
openapi: 3.0.1
info: { title: Unreachable collector, version: "1" }
paths:
  /proxy:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/p" }
`,
      "prod",
    );
    await gw.portico.control.changeRestStage(apiId, "prod", (stage) => {
      stage!.tracingEnabled = true;
      return stage!;
    });
    await captured.until("spans of stages with tracingEnabled are exported");
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const r = await gw.call(apiId, "/prod/proxy", {
      headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` },
    });
    assert.equal(r.status, 200);
    assert.match(String((JSON.parse(r.text) as Echo).headers.traceparent), new RegExp(`^00-${trace}-`));
  } finally {
    // Shutting down exports the queued spans; that failing does not fail the shutdown.
    await gw.close();
    await backend.close();
  }
  const warning = captured.lines.find((l) => l.includes("ECONNREFUSED"));
  assert.ok(warning, captured.lines.join("\n"));
  assert.equal(JSON.parse(warning).level, 40);
  assert.match(JSON.parse(warning).msg, /^tracing: /);
});
