import type { RequestDoneMessage } from "../gateway/channels.ts";
import type { LogSink, LogSinks, LogTarget } from "./log-destination.ts";

/**
 * Access logs: one line per finished request of a stage with `accessLogSettings`, in the stage's
 * format (compiled at deploy time onto the stage), to the destination its `destinationArn` maps to
 * in the config file. Made from `portico:request`; the pipeline does not know it is being logged.
 */

export interface AccessLogConfig {
  /** Where a stage's lines go when its destination is not listed (default `stdout`). */
  readonly default?: LogTarget;
  /** A log group ARN (or its log-group name, or a Firehose stream ARN) → where its lines go. */
  readonly destinations?: Readonly<Record<string, LogTarget>>;
}

/** `arn:aws:logs:us-east-1:123456789012:log-group:my-api` → `my-api`. */
function logGroupName(arn: string): string | undefined {
  return /:log-group:([^:]+)$/.exec(arn)?.[1] ?? /:deliverystream\/(.+)$/.exec(arn)?.[1];
}

/** Opens every configured destination (errors now, at start) and maps destination ARNs to them. */
export class AccessLogRouter {
  private readonly byName = new Map<string, LogSink | undefined>();
  private readonly fallback: LogSink | undefined;
  /** Resolved once per compiled stage's settings, so a request costs one WeakMap read. */
  private readonly resolved = new WeakMap<{ readonly destinationArn: string }, LogSink | null>();

  constructor(config: AccessLogConfig, sinks: LogSinks) {
    for (const [name, target] of Object.entries(config.destinations ?? {}))
      this.byName.set(name, sinks.open(target, `accessLogs.destinations["${name}"]`));
    this.fallback = sinks.open(config.default ?? "stdout", "accessLogs.default");
  }

  /** Where a compiled stage's access log (REST, HTTP or WebSocket) writes. */
  sinkFor(log: { readonly destinationArn: string }): LogSink | undefined {
    const known = this.resolved.get(log);
    if (known !== undefined) return known ?? undefined;
    const { destinationArn } = log;
    const name = logGroupName(destinationArn);
    const sink = this.byName.has(destinationArn)
      ? this.byName.get(destinationArn)
      : name !== undefined && this.byName.has(name)
        ? this.byName.get(name)
        : this.fallback;
    this.resolved.set(log, sink ?? null);
    return sink;
  }
}

/** Writes a finished request's access-log line, when its stage has an access log with a destination. */
export function accessLogWriter(router: AccessLogRouter, onError: (err: unknown) => void) {
  return (m: RequestDoneMessage): void => {
    const log = (m.stage ?? m.ctx?.stage)?.accessLog;
    if (log === undefined) return;
    const sink = router.sinkFor(log);
    if (sink === undefined) return;
    try {
      sink.write(`${log.line(m)}\n`);
    } catch (err) {
      // A subscriber's exception would surface in the request's 'finish' handler: never let it.
      onError(err);
    }
  };
}
