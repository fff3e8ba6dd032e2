import type { RequestContext } from "../gateway/compiled.ts";
import { requestTime } from "../integrations/lambda-events.ts";
import { fromJson, type JMap } from "./vtl/values.ts";

/** `$context` for mapping templates: the variables AWS documents that this gateway knows. */
export function contextVariable(ctx: RequestContext, accountId: string): JMap {
  const domainName = ctx.req.headers.host?.replace(/:\d+$/, "") ?? "";
  return fromJson({
    accountId,
    apiId: ctx.stage.apiId,
    deploymentId: ctx.stage.deploymentId,
    domainName,
    domainPrefix: domainName.split(".")[0],
    extendedRequestId: ctx.extendedRequestId,
    httpMethod: ctx.req.method,
    identity: {
      accountId: null,
      apiKey: null,
      caller: null,
      sourceIp: ctx.clientIp,
      user: null,
      userAgent: ctx.req.headers["user-agent"] ?? "",
      userArn: null,
    },
    path: `/${ctx.stage.stageName}${ctx.path}`,
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
}
