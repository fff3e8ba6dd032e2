import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RequestContext } from "../../src/gateway/context.ts";
import { setTraceContext, traceparentOf, xrayHeaderOf } from "../../src/gateway/trace-context.ts";
import { tracingSettings } from "../../src/observe/otel-env.ts";

// Which OTEL_* settings turn tracing on, and how a span is written towards the next hop.

describe("OTEL_* settings", () => {
  test("no exporter configured: tracing stays off", () => {
    assert.equal(tracingSettings({}), undefined);
    assert.equal(tracingSettings({ OTEL_SERVICE_NAME: "x", OTEL_TRACES_SAMPLER: "always_on" }), undefined);
  });

  test("an OTLP endpoint turns the OTLP exporter on; the traces endpoint wins", () => {
    const s = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" });
    assert.deepEqual(s?.exporters, ["otlp"]);
    assert.equal(s?.endpoint, "http://collector:4318/v1/traces");
    assert.deepEqual(s?.sampler, { kind: "parentbased_always_on" });
    assert.deepEqual(s?.warnings, []);
    const t = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://jaeger:4318/v1/traces",
    });
    assert.equal(t?.endpoint, "http://jaeger:4318/v1/traces");
  });

  test("OTEL_TRACES_EXPORTER names the exporters; none and OTEL_SDK_DISABLED turn tracing off", () => {
    assert.deepEqual(tracingSettings({ OTEL_TRACES_EXPORTER: "console" })?.exporters, ["console"]);
    assert.deepEqual(tracingSettings({ OTEL_TRACES_EXPORTER: "otlp, console" })?.exporters, [
      "otlp",
      "console",
    ]);
    assert.equal(
      tracingSettings({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" }),
      undefined,
    );
    assert.equal(
      tracingSettings({ OTEL_SDK_DISABLED: "TRUE", OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" }),
      undefined,
    );
    const unknown = tracingSettings({ OTEL_TRACES_EXPORTER: "zipkin,otlp" });
    assert.deepEqual(unknown?.exporters, ["otlp"]);
    assert.match(unknown?.warnings[0] ?? "", /zipkin/);
    assert.equal(tracingSettings({ OTEL_TRACES_EXPORTER: "zipkin" }), undefined);
  });

  test("samplers, their ratio and the batch settings; bad values are warned about, not fatal", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" };
    assert.deepEqual(
      tracingSettings({ ...env, OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" })
        ?.sampler,
      {
        kind: "traceidratio",
        ratio: 0.25,
      },
    );
    const bad = tracingSettings({
      ...env,
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "2",
      OTEL_BSP_SCHEDULE_DELAY: "soon",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    assert.deepEqual(bad?.sampler, { kind: "parentbased_traceidratio", ratio: 1 });
    assert.equal(bad?.batch.maxQueueSize, 100);
    assert.equal(bad?.batch.scheduledDelayMillis, undefined);
    assert.equal(bad?.warnings.length, 3);
    assert.deepEqual(tracingSettings({ ...env, OTEL_TRACES_SAMPLER: "xray" })?.sampler, {
      kind: "parentbased_always_on",
    });
    assert.deepEqual(tracingSettings({ ...env, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })?.warnings, []);
  });
});

describe("a span towards the next hop", () => {
  const span = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", sampled: true };

  test("traceparent and the X-Ray form name the same trace and parent", () => {
    assert.equal(traceparentOf(span), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert.equal(traceparentOf({ ...span, sampled: false }).slice(-3), "-00");
    assert.equal(
      xrayHeaderOf(span),
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1",
    );
  });

  test("a traced request's headers carry the open step's span in place of any other", () => {
    const ctx = {
      traceSpan: span,
      stepSpan: { ...span, spanId: "b7ad6b7169203331", traceState: "vendor=abc" },
    } as unknown as RequestContext;
    const headers = ["Accept", "*/*", "TraceParent", "00-x", "tracestate", "other=1", "X-Other", "1"];
    setTraceContext(ctx, headers);
    assert.deepEqual(headers, [
      "Accept",
      "*/*",
      "X-Other",
      "1",
      "traceparent",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01",
      "tracestate",
      "vendor=abc",
    ]);
  });

  test("an untraced request's headers are left as they are", () => {
    const headers = ["traceparent", "00-client", "tracestate", "a=1"];
    setTraceContext({} as RequestContext, headers);
    assert.deepEqual(headers, ["traceparent", "00-client", "tracestate", "a=1"]);
  });
});
