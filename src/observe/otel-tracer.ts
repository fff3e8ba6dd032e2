import { DiagLogLevel, diag } from "@opentelemetry/api";
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
import type { Logger } from "../logger.ts";
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
  log: Logger,
): RunningTracer {
  reportDiagnostics(log);
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
      // The last export failing (the collector gone) is worth a warning, never a failed shutdown.
      await provider.shutdown().catch((err: unknown) => {
        log.warn({ err }, "tracing: the spans still queued could not be exported");
      });
    },
  };
}

const noop = () => undefined;

/**
 * OpenTelemetry tells of its own failures (an export the collector refused or never answered, a
 * setting it could not use) through its process-wide `diag` logger, silent unless set: its errors
 * and warnings go to the gateway's log as warnings, since a tracing failure never fails a request.
 */
function reportDiagnostics(log: Logger): void {
  const warn = (message: string, ...args: unknown[]) =>
    log.warn({ detail: args.length === 0 ? undefined : args.map(String) }, `tracing: ${readable(message)}`);
  diag.setLogger(
    { error: warn, warn, info: noop, debug: noop, verbose: noop },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

/** OpenTelemetry's error handler hands errors over as JSON text: their message is what reads. */
function readable(message: string): string {
  if (!message.startsWith("{")) return message;
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : message;
  } catch {
    return message;
  }
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
