import type { StoredPrincipal } from "../../auth/iam/credential-store.ts";
import { type CompiledPolicy, compilePolicy, type PolicyDecision } from "../../auth/policy/compile-policy.ts";
import type { Networks } from "../../auth/policy/networks.ts";
import type { AccessCheck, Step } from "../context.ts";
import { methodArn } from "../method-arn.ts";
import { type GatewayResponse, renderRefusal } from "../responses/catalogue.ts";

/**
 * Access decisions for `execute-api:Invoke` on a method: the API's resource policy (compiled at deploy
 * time) and, for IAM-authenticated callers, their identity policies. AWS's rules: an explicit deny
 * anywhere wins; an anonymous caller needs the resource policy's allow (when there is a policy); a
 * caller of the API's own account needs either allow (the account root always has one); a caller
 * from another account needs both. A denial is AWS's 403 AccessDeniedException naming the method ARN.
 */
export interface AccessCheckOptions {
  policy: string | undefined;
  region: string;
  accountId: string;
  apiId: string;
  stageName: string;
  networks: Networks | undefined;
  /** The stage's tags over the API's: `aws:ResourceTag/*`. */
  resourceTags?: Readonly<Record<string, string>>;
}

/** The condition keys that describe an IAM caller: aws:PrincipalArn, PrincipalAccount, username, PrincipalTag/*. */
export function addCallerKeys(context: Record<string, string>, caller: StoredPrincipal): void {
  context["aws:PrincipalArn"] = caller.principal.arn;
  context["aws:PrincipalAccount"] = caller.principal.accountId;
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(caller.principal.arn)?.[1];
  if (user !== undefined) context["aws:username"] = user;
  for (const [k, v] of Object.entries(caller.tags)) context[`aws:PrincipalTag/${k}`] = v;
}

/** What a caller's identity policies say (the account root, without any, may act in its own account). */
export function identityDecision(
  caller: StoredPrincipal,
  request: Parameters<CompiledPolicy["evaluate"]>[0],
  apiAccount: string,
): PolicyDecision {
  if (caller.identityPolicies === undefined) {
    return caller.principal.accountId === apiAccount
      ? { effect: "Allow", statement: "account root" }
      : { effect: "ImplicitDeny" };
  }
  let allow: PolicyDecision | undefined;
  for (const policy of caller.identityPolicies) {
    const d = policy.evaluate(request);
    if (d.effect === "Deny") return d;
    if (d.effect === "Allow") allow ??= d;
  }
  return allow ?? { effect: "ImplicitDeny" };
}

export function compileAccessCheck(options: AccessCheckOptions): AccessCheck {
  let resourcePolicy: CompiledPolicy | undefined;
  if (options.policy !== undefined) {
    try {
      resourcePolicy = compilePolicy(
        options.policy,
        { region: options.region, accountId: options.accountId, apiId: options.apiId },
        { resourcePolicy: true },
      );
    } catch {
      // AWS refuses an invalid policy when it is set; a stored one that no longer compiles denies all.
      resourcePolicy = { evaluate: () => ({ effect: "Deny" }) };
    }
  }
  const resourceTagKeys: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.resourceTags ?? {}))
    resourceTagKeys[`aws:ResourceTag/${k}`] = v;
  return (ctx, caller, phase, action = "execute-api:Invoke") => {
    const resource = methodArn(options, ctx.req.method ?? "GET", ctx.path);
    const userAgent = ctx.req.headers["user-agent"];
    const referer = ctx.req.headers.referer;
    const context: Record<string, string> = {
      "aws:SourceIp": ctx.clientIp,
      "aws:CurrentTime": new Date(ctx.startMs).toISOString(),
      "aws:EpochTime": String(Math.floor(ctx.startMs / 1000)),
      "aws:SecureTransport": ctx.listener.protocol === "https" ? "true" : "false",
      ...(userAgent === undefined ? {} : { "aws:UserAgent": userAgent }),
      ...(referer === undefined ? {} : { "aws:Referer": referer }),
      ...options.networks?.contextFor(ctx.clientIp),
      ...(ctx.sourceVpce === undefined ? {} : { "aws:SourceVpce": ctx.sourceVpce }),
      ...resourceTagKeys,
    };
    if (caller !== undefined) addCallerKeys(context, caller);
    const request = {
      principal: caller?.principal ?? ({ kind: "anonymous" } as const),
      action,
      resource,
      context,
    };
    const fromResource = resourcePolicy?.evaluate(request);
    const fromIdentity =
      caller === undefined ? undefined : identityDecision(caller, request, options.accountId);
    const explicit = fromResource?.effect === "Deny" || fromIdentity?.effect === "Deny";
    let allowed: boolean;
    if (explicit) allowed = false;
    else if (phase === "explicitDenyOnly") allowed = true;
    else if (caller === undefined) allowed = fromResource === undefined || fromResource.effect === "Allow";
    else if (caller.principal.accountId === options.accountId) {
      allowed = fromIdentity?.effect === "Allow" || fromResource?.effect === "Allow";
    } else allowed = fromIdentity?.effect === "Allow" && fromResource?.effect === "Allow";
    if (allowed) return undefined;
    const user = caller === undefined ? "anonymous" : caller.principal.arn;
    const message = `User: ${user} is not authorized to perform: ${action} on resource: ${resource}${
      explicit ? " with an explicit deny" : ""
    }`;
    // AWS answers policy denials with a capitalised "Message" key.
    return renderRefusal(ctx.stage.responses, { type: "ACCESS_DENIED", messageKey: "Message", message });
  };
}

/** A denial's message, for the trace (policy denials carry AWS's capitalised `Message`). */
const denialOf = (response: GatewayResponse): string => {
  try {
    const body = JSON.parse(response.body) as { Message?: string; message?: string };
    return body.Message ?? body.message ?? response.body;
  } catch {
    return response.body;
  }
};

/**
 * Before a Lambda authorizer AWS evaluates the resource policy refusing only an explicit deny; an allow
 * from the authorizer then suffices where the resource policy is silent (AWS's Table A).
 */
export const policyBeforeAuthorizerStep: Step = {
  name: "resource-policy",
  run(ctx, trace) {
    const denied = ctx.stage.access?.(ctx, undefined, "explicitDenyOnly");
    trace?.push(
      denied === undefined
        ? "Policy (before the authorizer): no explicit deny"
        : `Policy (before the authorizer): ${denialOf(denied)}`,
    );
    return denied;
  },
};

/** The resource policy, and for IAM callers their identity policies. */
export const policyStep: Step = {
  name: "resource-policy",
  run(ctx, trace) {
    const { stage } = ctx;
    if (stage.access === undefined || (!stage.hasPolicy && ctx.caller === undefined)) return undefined;
    const denied = stage.access(ctx, ctx.caller);
    trace?.push(denied === undefined ? "Policy: allowed" : `Policy: ${denialOf(denied)}`);
    return denied;
  },
};
