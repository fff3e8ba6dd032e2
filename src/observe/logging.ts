import { type RequestDoneMessage, requestsDone } from "../gateway/channels.ts";
import type { Logger } from "../logger.ts";
import { wsEvents } from "../websocket/channels.ts";
import type { CompiledWsStage } from "../websocket/compiled.ts";
import { type AccessLogConfig, AccessLogRouter, accessLogWriter } from "./access-logs.ts";
import { executionLogger, executionLogWriter } from "./execution-logs.ts";
import { LogSinks, type LogTarget } from "./log-destination.ts";
import { wsAccessLogWriter } from "./ws-access-logs.ts";

/** The config file's `accessLogs:` and `executionLogs:` sections, paths resolved. */
export interface LoggingSettings {
  readonly accessLogs?: AccessLogConfig;
  /** Where execution-log lines go (default `stderr`, beside the gateway's own log). */
  readonly executionLogs?: { readonly destination?: LogTarget };
}

export interface RunningLogs {
  /**
   * Subscribes the writers (once): a stage or method logs. Until then no request or WebSocket event is
   * followed for them.
   */
  wanted(): void;
  /** Stops listening and writes out every buffered line. */
  close(): Promise<void>;
}

/**
 * Opens the log destinations (a file that cannot be opened fails here, at start, with
 * LogDestinationError); once `wanted`, subscribes the access and execution logs to the data plane's
 * finished requests, and the access logs to WebSocket events. `owns` tells this gateway's requests
 * from another's in the same process; `wsStage` does the same for WebSocket events, answering this
 * gateway's stage as deployed now (websocket-plane.ts `current`).
 */
export function startLogging(
  settings: LoggingSettings,
  owns: (m: RequestDoneMessage) => boolean,
  log: Logger,
  wsStage: (stage: CompiledWsStage) => CompiledWsStage | undefined = () => undefined,
): RunningLogs {
  const sinks = new LogSinks();
  let failures = 0;
  const onError = (err: unknown) => {
    // Logged once in a while, not per request: a broken format must not flood the gateway's log.
    if (failures++ % 1000 === 0)
      log.error({ err, failures }, "writing a request's or event's log line failed");
  };
  try {
    const router = new AccessLogRouter(settings.accessLogs ?? {}, sinks);
    const executionSink = sinks.open(
      settings.executionLogs?.destination ?? "stderr",
      "executionLogs.destination",
    );
    const access = accessLogWriter(router, onError);
    const execution =
      executionSink === undefined ? undefined : executionLogWriter(executionLogger(executionSink), onError);
    // One subscriber for both logs: one dispatch and one ownership check per request.
    const onDone = (message: unknown) => {
      const m = message as RequestDoneMessage;
      if (!owns(m)) return;
      access(m);
      execution?.(m);
    };
    const onWsEvent = wsAccessLogWriter(router, wsStage, onError);
    let subscribed = false;
    return {
      wanted() {
        if (subscribed) return;
        subscribed = true;
        requestsDone.subscribe(onDone);
        wsEvents.subscribe(onWsEvent);
      },
      async close() {
        if (subscribed) {
          requestsDone.unsubscribe(onDone);
          wsEvents.unsubscribe(onWsEvent);
        }
        subscribed = false;
        await sinks.close();
      },
    };
  } catch (err) {
    void sinks.close();
    throw err;
  }
}
