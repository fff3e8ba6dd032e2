/**
 * The OpenTelemetry settings Portico reads, from the standard OTEL_* variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). Plain
 * parsing, no OpenTelemetry package: whether tracing can run at all is decided before any of them
 * is loaded. The exporter itself reads its endpoint, headers, timeout, compression and TLS files
 * (OTEL_EXPORTER_OTLP_*), and the resource detector OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
 */

export type SpanExporterName = "otlp" | "console";

export type SamplerSetting =
  | { readonly kind: "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" }
  | { readonly kind: "traceidratio" | "parentbased_traceidratio"; readonly ratio: number };

export interface TracingSettings {
  readonly exporters: readonly SpanExporterName[];
  /** Where OTLP spans go (what the exporter will use), for the log. */
  readonly endpoint: string;
  readonly sampler: SamplerSetting;
  readonly batch: {
    readonly scheduledDelayMillis?: number;
    readonly exportTimeoutMillis?: number;
    readonly maxQueueSize?: number;
    readonly maxExportBatchSize?: number;
  };
  /** Settings that were ignored, and why: logged at start. */
  readonly warnings: readonly string[];
}

const SAMPLERS = new Set([
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
]);

const set = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t === undefined || t === "" ? undefined : t;
};

/**
 * The tracing settings, or undefined when no exporter is configured: OTEL_SDK_DISABLED=true,
 * OTEL_TRACES_EXPORTER=none, or neither OTEL_TRACES_EXPORTER nor an OTLP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set. Spans are exported as OTLP
 * over HTTP with JSON bodies.
 */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === "true") return undefined;
  const warnings: string[] = [];
  const tracesEndpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const endpoint = set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const named = set(env.OTEL_TRACES_EXPORTER);
  let exporters: SpanExporterName[];
  if (named === undefined) {
    if (tracesEndpoint === undefined && endpoint === undefined) return undefined;
    exporters = ["otlp"];
  } else {
    const names = named.split(",").map((n) => n.trim().toLowerCase());
    if (names.includes("none")) return undefined;
    exporters = [];
    for (const name of names) {
      if (name === "otlp" || name === "console") {
        if (!exporters.includes(name)) exporters.push(name);
      } else if (name !== "")
        warnings.push(`OTEL_TRACES_EXPORTER: "${name}" is not supported (otlp, console)`);
    }
    if (exporters.length === 0) return undefined;
  }
  const protocol = set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (exporters.includes("otlp") && protocol !== undefined && protocol !== "http/json")
    warnings.push(`OTLP protocol "${protocol}" is not supported: spans are sent as http/json`);
  return {
    exporters,
    endpoint:
      tracesEndpoint ??
      (endpoint === undefined
        ? "http://localhost:4318/v1/traces"
        : `${endpoint.replace(/\/$/, "")}/v1/traces`),
    sampler: samplerSetting(env, warnings),
    batch: {
      scheduledDelayMillis: positive(env, "OTEL_BSP_SCHEDULE_DELAY", warnings, true),
      exportTimeoutMillis: positive(env, "OTEL_BSP_EXPORT_TIMEOUT", warnings),
      maxQueueSize: positive(env, "OTEL_BSP_MAX_QUEUE_SIZE", warnings),
      maxExportBatchSize: positive(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", warnings),
    },
    warnings,
  };
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG; the default is parentbased_always_on. */
function samplerSetting(env: NodeJS.ProcessEnv, warnings: string[]): SamplerSetting {
  const name = set(env.OTEL_TRACES_SAMPLER)?.toLowerCase() ?? "parentbased_always_on";
  if (!SAMPLERS.has(name)) {
    warnings.push(`OTEL_TRACES_SAMPLER: "${name}" is not supported; using parentbased_always_on`);
    return { kind: "parentbased_always_on" };
  }
  if (name !== "traceidratio" && name !== "parentbased_traceidratio")
    return { kind: name as "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" };
  const arg = set(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    warnings.push(`OTEL_TRACES_SAMPLER_ARG: "${arg}" is not a ratio between 0 and 1; using 1`);
    return { kind: name, ratio: 1 };
  }
  return { kind: name, ratio };
}

function positive(
  env: NodeJS.ProcessEnv,
  name: string,
  warnings: string[],
  zeroAllowed = false,
): number | undefined {
  const raw = set(env[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && (n > 0 || (zeroAllowed && n === 0))) return n;
  warnings.push(`${name}: "${raw}" is not a ${zeroAllowed ? "non-negative" : "positive"} integer; ignored`);
  return undefined;
}
