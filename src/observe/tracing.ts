import { type ApiInstalledMessage, apisInstalled } from "../gateway/channels.ts";
import type { CompiledApi, RequestContext } from "../gateway/context.ts";
import type { Logger } from "../logger.ts";
import { tracingSettings } from "./otel-env.ts";
import type { RunningTracer } from "./otel-tracer.ts";

export interface Tracing {
  /** Resolves once a tracer being loaded runs (or could not be loaded); at once when none is. */
  ready(): Promise<void>;
  /** Stops tracing and exports the spans still queued. */
  close(): Promise<void>;
}

export interface TracingOptions {
  readonly log: Logger;
  /** Whether a request is this gateway's (the channels are process-wide). */
  readonly owns: (ctx: RequestContext) => boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Whether an API has a stage (or a stage's canary) with `tracingEnabled`. */
const traces = (api: CompiledApi): boolean =>
  [...api.stages.values()].some(
    (s) => s.tracingEnabled === true || s.canary?.release.tracingEnabled === true,
  );

/**
 * Traces the requests of stages with `tracingEnabled`, into OpenTelemetry spans exported as the
 * OTEL_* variables say (otel-env.ts). Nothing of OpenTelemetry is loaded, and nothing subscribes
 * to the request channels, until both hold: an exporter is configured and a traced stage is
 * installed (the SDK is then imported, once). Requests that arrive while it loads are not traced;
 * `ready` waits for it (the gateway does before it listens).
 */
export function traceRequests(options: TracingOptions): Tracing {
  const { log, owns } = options;
  const settings = tracingSettings(options.env);
  if (settings === undefined) {
    // A traced stage with nowhere to send spans is worth one line in the log, and nothing more.
    const onInstall = (message: unknown) => {
      if (!traces((message as ApiInstalledMessage).api)) return;
      apisInstalled.unsubscribe(onInstall);
      log.info(
        "tracing: a stage has tracingEnabled but no OpenTelemetry exporter is configured " +
          "(OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER): no spans are made",
      );
    };
    apisInstalled.subscribe(onInstall);
    return {
      ready: async () => undefined,
      close: async () => {
        apisInstalled.unsubscribe(onInstall);
      },
    };
  }
  for (const warning of settings.warnings) log.warn(`tracing: ${warning}`);
  let loading: Promise<RunningTracer | undefined> | undefined;
  const onInstall = (message: unknown) => {
    if (loading !== undefined || !traces((message as ApiInstalledMessage).api)) return;
    apisInstalled.unsubscribe(onInstall);
    loading = import("./otel-tracer.ts")
      .then((sdk) => {
        const tracer = sdk.startOtelTracer(settings, owns, log);
        log.info(
          {
            exporters: settings.exporters,
            endpoint: settings.exporters.includes("otlp") ? settings.endpoint : undefined,
          },
          "tracing: spans of stages with tracingEnabled are exported",
        );
        return tracer;
      })
      .catch((err: unknown) => {
        log.error({ err }, "tracing: OpenTelemetry could not be started; requests are not traced");
        return undefined;
      });
  };
  apisInstalled.subscribe(onInstall);
  return {
    async ready() {
      await loading;
    },
    async close() {
      apisInstalled.unsubscribe(onInstall);
      const tracer = await loading;
      await tracer?.close();
    },
  };
}
