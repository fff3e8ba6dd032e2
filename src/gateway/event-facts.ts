import {
  type EventBody,
  type EventFacts,
  type EventIdentity,
  type EventRoute,
  proxyEvent,
} from "../functions/lambda-event.ts";
import { callerIdentity } from "./caller-identity.ts";
import type { RequestContext } from "./context.ts";
import { eventHeaders } from "./event-headers.ts";

/**
 * A request's facts for a Lambda event (functions/lambda-event.ts builds the event from them): the
 * only part of the event that reads the gateway's request context.
 */

/** Only a request with an API key or a signed principal has an identity worth carrying. */
function eventIdentity(ctx: RequestContext): EventIdentity | undefined {
  if (ctx.caller === undefined && ctx.apiKey === undefined) return undefined;
  const id = callerIdentity(ctx);
  return {
    accessKey: id.accessKey,
    accountId: id.accountId,
    caller: id.caller,
    user: id.user,
    userArn: id.userArn,
    apiKey: id.apiKey,
    apiKeyId: id.apiKeyId,
  };
}

export function eventRoute(ctx: RequestContext, accountId: string, format: "1.0" | "2.0"): EventRoute {
  return {
    format,
    apiType: ctx.stage.apiType,
    accountId,
    apiId: ctx.stage.apiId,
    stageName: ctx.stage.stageName,
    deploymentId: ctx.stage.deploymentId,
    resourcePath: ctx.route.resourcePath,
    resourceId: ctx.route.resourceId,
    stageVariables: ctx.stage.variables,
  };
}

export function eventFacts(ctx: RequestContext, route: EventRoute, payload: EventBody): EventFacts {
  const { req } = ctx;
  return {
    route,
    method: req.method ?? "GET",
    path: ctx.path,
    requestPath: ctx.customDomain?.requestPath,
    rawQuery: ctx.rawQuery,
    httpVersion: req.httpVersion,
    headers: eventHeaders(ctx),
    clientIp: ctx.clientIp,
    requestId: ctx.requestId,
    extendedRequestId: ctx.extendedRequestId,
    startMs: ctx.startMs,
    pathParams: ctx.pathParams,
    authorizer: ctx.authorizer,
    identity: eventIdentity(ctx),
    clientCert: ctx.clientCert,
    body: payload.body,
    isBase64Encoded: payload.isBase64Encoded,
  };
}

/** The event a request makes, built on the spot (Lambda authorizers, remote functions). */
export function eventFor(
  ctx: RequestContext,
  accountId: string,
  format: "1.0" | "2.0",
  payload: EventBody,
): Record<string, unknown> {
  return proxyEvent(eventFacts(ctx, eventRoute(ctx, accountId, format), payload));
}
