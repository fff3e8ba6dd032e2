import type { WsEventMessage } from "../websocket/channels.ts";
import type { CompiledWsStage } from "../websocket/compiled.ts";
import type { AccessLogRouter } from "./access-logs.ts";

/**
 * WebSocket APIs' access logs: one line per event of a connection (`portico:websocket:event`) of a
 * stage with `accessLogSettings`, in its format, to the destination its `destinationArn` maps to —
 * the same routing and sinks as REST and HTTP lines. The settings are the stage's as deployed now, so
 * an UpdateStage that adds or removes them applies to connections already open.
 */
export function wsAccessLogWriter(
  router: AccessLogRouter,
  /** This gateway's stage deployed now under the event's stage's name; undefined for another gateway's. */
  current: (stage: CompiledWsStage) => CompiledWsStage | undefined,
  onError: (err: unknown) => void,
) {
  return (message: unknown): void => {
    try {
      const m = message as WsEventMessage;
      const log = current(m.stage)?.accessLog;
      if (log === undefined) return;
      router.sinkFor(log)?.write(`${log.line(m)}\n`);
    } catch (err) {
      // A subscriber's exception would become the process's uncaught exception: never let it.
      onError(err);
    }
  };
}
