import { type GatewayFailureMessage, gatewayFailures } from "../gateway/channels.ts";
import type { FailureCause, RequestContext } from "../gateway/context.ts";
import type { Logger } from "../logger.ts";

/**
 * The operational log's line for a request the gateway failed: one per 5xx of its own, at error
 * level, naming the request (`$context.requestId`), the API, stage, route and method, the status,
 * and the cause — the function's error and stack, the backend's error and address, the timeout, the
 * configuration problem. Made from `portico:failure`, which only failing requests publish, so a
 * request that succeeds costs this nothing. Nothing from the request itself (headers, query, body)
 * is written, so no credential can reach the line.
 */
export function failureRecord(ctx: RequestContext, statusCode: number): Record<string, unknown> {
  const { stage, route } = ctx;
  const cause: FailureCause = ctx.failure ?? { reason: "Execution failed: no cause was recorded" };
  return {
    requestId: ctx.requestId,
    extendedRequestId: ctx.extendedRequestId,
    apiId: stage.apiId,
    apiType: stage.apiType,
    stage: stage.stageName,
    ...(stage.apiType === "HTTP"
      ? { routeKey: route.resourcePath, route: route.resourcePath }
      : { resourcePath: route.resourcePath, route: `${route.httpMethod} ${route.resourcePath}` }),
    httpMethod: ctx.req.method,
    status: statusCode,
    reason: cause.reason,
    ...(cause.function === undefined ? {} : { function: cause.function }),
    ...(cause.backend === undefined ? {} : { backend: cause.backend }),
    ...(cause.timeoutMs === undefined ? {} : { timeoutMs: cause.timeoutMs }),
    // pino's err serializer writes its type, message and stack.
    ...(cause.error === undefined ? {} : { err: cause.error }),
  };
}

export interface FailureLog {
  close(): void;
}

/** Subscribes the operational log to the gateway's failures; `owns` keeps another gateway's out. */
export function logFailures(log: Logger, owns: (ctx: RequestContext) => boolean): FailureLog {
  // A log that writes no errors (`PORTICO_LOG_LEVEL=silent`/`fatal`) follows no failures either.
  if (!log.isLevelEnabled("error")) return { close: () => undefined };
  const onFailure = (message: unknown) => {
    const { ctx, response } = message as GatewayFailureMessage;
    if (!owns(ctx)) return;
    const record = failureRecord(ctx, response.statusCode);
    log.error(record, `${record.route} answered ${response.statusCode}: ${record.reason}`);
  };
  gatewayFailures.subscribe(onFailure);
  return { close: () => gatewayFailures.unsubscribe(onFailure) };
}
