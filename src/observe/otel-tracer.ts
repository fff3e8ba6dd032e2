import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import pkg from "../../package.json" with { type: "json" };
import type { RequestContext } from "../gateway/context.ts";
import type { SamplerSetting, TracingSettings } from "./otel-env.ts";
import { subscribeRequestSpans } from "./request-spans.ts";
import { TraceIds } from "./trace-ids.ts";

/** The tracer Portico reports spans with (instrumentation scope). */
const SCOPE = "portico";
const VERSION: string = pkg.version;

export interface RunningTracer {
  /** Stops making spans and exports those still queued. */
  close(): Promise<void>;
}

/**
 * The OpenTelemetry SDK, set up from the OTEL_* settings: a tracer provider of its own (the global
 * one is left alone), spans batched to the OTLP/HTTP exporter (JSON) or written to the console,
 * the sampler named by OTEL_TRACES_SAMPLER, service `portico` unless OTEL_SERVICE_NAME or
 * OTEL_RESOURCE_ATTRIBUTES say otherwise. Loaded by dynamic import only when some stage traces.
 */
export function startOtelTracer(
  settings: TracingSettings,
  owns: (ctx: RequestContext) => boolean,
): RunningTracer {
  const ids = new TraceIds();
  const processors: SpanProcessor[] = settings.exporters.map((name) =>
    name === "otlp"
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...definedOnly(settings.batch) })
      : new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }),
  );
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SCOPE, [ATTR_SERVICE_VERSION]: VERSION }))
      .merge(detectResources({ detectors: [envDetector] })),
    sampler: sampler(settings.sampler),
    idGenerator: ids,
    spanProcessors: processors,
  });
  const unsubscribe = subscribeRequestSpans(provider.getTracer(SCOPE, VERSION), ids, owns);
  return {
    async close() {
      unsubscribe();
      await provider.shutdown();
    },
  };
}

function sampler(setting: SamplerSetting): Sampler {
  switch (setting.kind) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(setting.ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(setting.ratio) });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
