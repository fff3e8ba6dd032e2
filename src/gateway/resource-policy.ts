import { type CompiledPolicy, compilePolicy } from "../auth/policy/compile-policy.ts";
import type { Networks } from "../auth/policy/networks.ts";
import type { RequestContext } from "./compiled.ts";
import type { GatewayResponse } from "./gateway-responses.ts";

/**
 * A REST API's resource policy, compiled at deploy time and checked for each matched request
 * (AWS's order: route, then resource policy). Without authentication yet, the caller is anonymous.
 * A denial is AWS's 403 AccessDeniedException with the method ARN in the message.
 */
export type PolicyCheck = (ctx: RequestContext) => GatewayResponse | undefined;

export interface PolicyCheckOptions {
  policy: string;
  region: string;
  accountId: string;
  apiId: string;
  stageName: string;
  networks: Networks | undefined;
}

export function compilePolicyCheck(options: PolicyCheckOptions): PolicyCheck {
  let policy: CompiledPolicy;
  try {
    policy = compilePolicy(
      options.policy,
      { region: options.region, accountId: options.accountId, apiId: options.apiId },
      { resourcePolicy: true },
    );
  } catch {
    // AWS refuses an invalid policy when it is set; a stored one that no longer compiles denies all.
    policy = { evaluate: () => ({ effect: "Deny" }) };
  }
  const prefix = `arn:aws:execute-api:${options.region}:${options.accountId}:${options.apiId}/${options.stageName}/`;
  return (ctx) => {
    const resource = `${prefix}${ctx.req.method}/${ctx.path.replace(/^\/+/, "")}`;
    const userAgent = ctx.req.headers["user-agent"];
    const referer = ctx.req.headers.referer;
    const decision = policy.evaluate({
      principal: { kind: "anonymous" },
      action: "execute-api:Invoke",
      resource,
      context: {
        "aws:SourceIp": ctx.clientIp,
        "aws:CurrentTime": new Date(ctx.startMs).toISOString(),
        "aws:EpochTime": String(Math.floor(ctx.startMs / 1000)),
        "aws:SecureTransport": ctx.listener.protocol === "https" ? "true" : "false",
        ...(userAgent === undefined ? {} : { "aws:UserAgent": userAgent }),
        ...(referer === undefined ? {} : { "aws:Referer": referer }),
        ...options.networks?.contextFor(ctx.clientIp),
      },
    });
    if (decision.effect === "Allow") return undefined;
    const message = `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${resource}${
      decision.effect === "Deny" ? " with an explicit deny" : ""
    }`;
    // AWS answers policy denials with a capitalised "Message" key.
    return {
      statusCode: 403,
      errorType: "AccessDeniedException",
      body: JSON.stringify({ Message: message }),
    };
  };
}
