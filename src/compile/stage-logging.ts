import type { IntegrationHandler, RouteLogging, StageAccessLog } from "../gateway/context.ts";
import { bodyReadFailure, failWith } from "../gateway/failure.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { sendGatewayResponse } from "../gateway/responses/send.ts";
import { readBody } from "../http/request-body.ts";
import { compileAccessLogFormat } from "../mapping/access-log-format.ts";
import type { StageFacts } from "../mapping/access-log-variables.ts";
import { compileWsAccessLogFormat, type WsStageFacts } from "../mapping/ws-access-log-variables.ts";
import type { AccessLogSettings, Authorizer, Stage } from "../model/rest-api.ts";
import { methodSetting } from "../traffic/route-traffic.ts";
import type { WsCompileDeps, WsStageAccessLog } from "../websocket/compiled.ts";
import type { CompileDeps } from "./deps.ts";

/**
 * A stage's logging settings, resolved at deploy time: its access-log format compiled once, and each
 * REST method's execution-log level, so that no request looks a setting up.
 */

/** The stage's access log, when it has both a destination and a format. */
export function compileStageAccessLog(
  settings: AccessLogSettings | undefined,
  deps: CompileDeps,
  stage: StageFacts,
): StageAccessLog | undefined {
  const { destinationArn, format } = settings ?? {};
  if (destinationArn === undefined || format === undefined) return undefined;
  deps.loggingWanted?.();
  return { destinationArn, format, line: compileAccessLogFormat(format, stage) };
}

/** A WebSocket stage's access log, when it has both a destination and a format: one line per event. */
export function compileWsStageAccessLog(
  settings: AccessLogSettings | undefined,
  deps: WsCompileDeps,
  stage: WsStageFacts,
): WsStageAccessLog | undefined {
  const { destinationArn, format } = settings ?? {};
  if (destinationArn === undefined || format === undefined) return undefined;
  deps.loggingWanted?.();
  return { destinationArn, format, line: compileWsAccessLogFormat(format, stage) };
}

/** `method.request.header.X-Token` → `x-token`: where an authorizer reads its token, never logged. */
function identityNames(authorizer: Authorizer | undefined): string[] {
  const names: string[] = [];
  for (const source of (authorizer?.identitySource ?? "").split(",")) {
    const m =
      /^\s*method\.request\.(?:header|querystring|multivalueheader|multivaluequerystring)\.(.+?)\s*$/i.exec(
        source,
      );
    if (m !== null) names.push(m[1]!.toLowerCase());
  }
  return names;
}

/**
 * A REST method's execution logging from `methodSettings` (its own, else the stage's `*\/*`):
 * undefined when the level is OFF and data tracing is off, so a request pays nothing for it.
 */
export function restMethodLogging(
  stage: Stage,
  resourcePath: string,
  httpMethod: string,
  authorizer: Authorizer | undefined,
): RouteLogging | undefined {
  const s = methodSetting(stage, resourcePath, httpMethod);
  const level = s?.loggingLevel === "ERROR" || s?.loggingLevel === "INFO" ? s.loggingLevel : "OFF";
  const dataTrace = s?.dataTraceEnabled === true && level !== "OFF";
  if (level === "OFF") return undefined;
  return { level, dataTrace, secretNames: identityNames(authorizer) };
}

/**
 * A data-traced method reads its request body in full before the integration runs (streamed proxies
 * then send it from memory), so the execution log can show it. Only such methods are wrapped.
 */
export function keepingRequestBody(invoke: IntegrationHandler): IntegrationHandler {
  return async (ctx) => {
    try {
      await readBody(ctx.req);
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(ctx, bodyReadFailure(err));
      const { stage } = ctx;
      sendGatewayResponse(ctx.res, stage.apiType, ctx, stage.responses[type], type === "REQUEST_TOO_LARGE");
      return;
    }
    return invoke(ctx);
  };
}
