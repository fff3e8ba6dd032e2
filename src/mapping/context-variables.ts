import { callerIdentity } from "../gateway/caller-identity.ts";
import type { RequestContext } from "../gateway/context.ts";
import { requestTime } from "../http/request-time.ts";
import { overrideEntries } from "./overrides.ts";
import { fromJson, type JMap } from "./vtl/values.ts";

/**
 * `$context` for mapping templates: the variables AWS documents that this gateway knows, and the
 * `requestOverride`/`responseOverride` maps templates write (overrides.ts). Built once per request,
 * so request and response templates share it.
 */
export function contextVariable(ctx: RequestContext, accountId: string): JMap {
  const domainName = ctx.req.headers.host?.replace(/:\d+$/, "") ?? "";
  const context = fromJson({
    accountId,
    apiId: ctx.stage.apiId,
    deploymentId: ctx.stage.deploymentId,
    domainName,
    domainPrefix: domainName.split(".")[0],
    extendedRequestId: ctx.extendedRequestId,
    httpMethod: ctx.req.method,
    identity: callerIdentity(ctx),
    // By a custom domain, the path as received: its base path in, no stage of its own (AWS).
    path: ctx.customDomain?.requestPath ?? `/${ctx.stage.stageName}${ctx.path}`,
    protocol: `HTTP/${ctx.req.httpVersion}`,
    requestId: ctx.requestId,
    requestTime: requestTime(ctx.startMs),
    requestTimeEpoch: ctx.startMs,
    resourceId: ctx.route.resourceId,
    resourcePath: ctx.route.resourcePath,
    stage: ctx.stage.stageName,
    // Set on a stage with a canary (true on the canary release); elsewhere it renders empty.
    ...(ctx.stage.isCanaryRequest === undefined ? {} : { isCanaryRequest: ctx.stage.isCanaryRequest }),
    ...(ctx.authorizer === undefined ? {} : { authorizer: ctx.authorizer }),
  }) as JMap;
  for (const [name, map] of overrideEntries()) context.set(name, map);
  return context;
}
