import type { StoredPrincipal } from "../auth/iam/credential-store.ts";
import {
  callerIdentityDecision,
  describeVerdict,
  type IdentityVerdict,
} from "../auth/iam/identity-decision.ts";
import { principalContext } from "../auth/iam/principal-context.ts";
import {
  type CompiledPolicy,
  compilePolicy,
  type PolicyDecision,
  type PolicyRequest,
} from "../auth/policy/compile-policy.ts";
import type { Networks } from "../auth/policy/networks.ts";
import type { AccessCheck, RequestContext } from "./context.ts";
import { methodArn } from "./method-arn.ts";
import { renderRefusal } from "./responses/catalogue.ts";

/**
 * Access decisions for `execute-api:Invoke` on a method: the VPC endpoint's policy (private APIs), the
 * API's resource policy (compiled at deploy time) and, for IAM callers, their identity policies — a
 * role session's intersected with its session policy. AWS's rules: an explicit deny anywhere wins; an
 * anonymous caller needs the resource policy's allow (when there is a policy); a caller of the API's
 * own account needs either allow (the account root always has one), except that a role session's
 * session policy also limits what a resource policy grants to its role, though not what one grants to
 * the session's own ARN; a caller from another account needs both. A denial is AWS's 403
 * AccessDeniedException naming the method ARN. Each decision can be explained: which policy decided.
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

const named = (what: string, d: PolicyDecision | undefined) =>
  `${what}${d?.statement === undefined ? "" : ` (${d.statement})`}`;

interface Outcome {
  allowed: boolean;
  explicit: boolean;
  /** Which policy decided, for the trace. */
  why: string;
}

/** The decision of the identity, session and resource policies together (not the endpoint's). */
function decide(
  resourcePolicy: CompiledPolicy | undefined,
  caller: StoredPrincipal | undefined,
  request: PolicyRequest,
  apiAccount: string,
  explicitDenyOnly: boolean,
): Outcome {
  const fromResource = resourcePolicy?.evaluate(request);
  const fromIdentity: IdentityVerdict | undefined =
    caller === undefined ? undefined : callerIdentityDecision(caller, request, apiAccount);
  if (fromResource?.effect === "Deny")
    return {
      allowed: false,
      explicit: true,
      why: `explicit deny in ${named("the resource policy", fromResource)}`,
    };
  if (fromIdentity?.effect === "Deny")
    return { allowed: false, explicit: true, why: `explicit deny in ${describeVerdict(fromIdentity)}` };
  if (explicitDenyOnly) return { allowed: true, explicit: false, why: "no explicit deny" };
  if (caller === undefined || fromIdentity === undefined) {
    if (fromResource === undefined) return { allowed: true, explicit: false, why: "no resource policy" };
    return fromResource.effect === "Allow"
      ? { allowed: true, explicit: false, why: `allowed by ${named("the resource policy", fromResource)}` }
      : { allowed: false, explicit: false, why: "the resource policy allows no anonymous caller" };
  }
  const resourceAllows = fromResource?.effect === "Allow";
  if (caller.principal.accountId !== apiAccount) {
    if (fromIdentity.effect === "Allow" && resourceAllows)
      return {
        allowed: true,
        explicit: false,
        why: `allowed by ${describeVerdict(fromIdentity)} and ${named("the resource policy", fromResource)}`,
      };
    return {
      allowed: false,
      explicit: false,
      why: `another account's caller needs both: ${fromIdentity.effect === "Allow" ? "the resource policy is silent" : `${describeVerdict(fromIdentity)} does not allow it`}`,
    };
  }
  if (fromIdentity.effect === "Allow")
    return { allowed: true, explicit: false, why: `allowed by ${describeVerdict(fromIdentity)}` };
  if (resourceAllows) {
    const session = caller.session?.policy;
    if (session === undefined)
      return {
        allowed: true,
        explicit: false,
        why: `allowed by ${named("the resource policy", fromResource)}`,
      };
    const bySession = session.evaluate(request);
    if (bySession.effect === "Allow")
      return {
        allowed: true,
        explicit: false,
        why: `allowed by ${named("the resource policy", fromResource)} and ${named("the session policy", bySession)}`,
      };
    // A grant to the session's own ARN is added after the session was made: its policy does not limit it.
    const direct = resourcePolicy!.evaluate({ ...request, principalMatch: "session" });
    if (direct.effect === "Allow")
      return {
        allowed: true,
        explicit: false,
        why: `allowed by ${named("the resource policy", direct)}, which names this session`,
      };
    return {
      allowed: false,
      explicit: false,
      why: "the session policy does not allow what the resource policy grants the role",
    };
  }
  return {
    allowed: false,
    explicit: false,
    why: `neither ${describeVerdict(fromIdentity)} nor the resource policy allows it`,
  };
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
  const requestOf = (ctx: RequestContext, caller: StoredPrincipal | undefined, action: string) => {
    const userAgent = ctx.req.headers["user-agent"];
    const referer = ctx.req.headers.referer;
    const context: Record<string, string> = {
      "aws:SourceIp": ctx.clientIp,
      "aws:CurrentTime": new Date(ctx.startMs).toISOString(),
      "aws:EpochTime": String(Math.floor(ctx.startMs / 1000)),
      "aws:SecureTransport": ctx.listener.protocol === "https" ? "true" : "false",
      ...(userAgent === undefined ? {} : { "aws:UserAgent": userAgent }),
      ...(referer === undefined ? {} : { "aws:Referer": referer }),
      ...(options.networks?.requestContext(ctx.clientIp, ctx.sourceVpce) ??
        (ctx.sourceVpce === undefined ? {} : { "aws:SourceVpce": ctx.sourceVpce })),
      ...resourceTagKeys,
      ...(caller === undefined ? {} : principalContext(caller)),
    };
    return {
      principal: caller?.principal ?? ({ kind: "anonymous" } as const),
      action,
      resource: methodArn(options, ctx.req.method ?? "GET", ctx.path),
      context,
    };
  };
  return (ctx, caller, phase, action = "execute-api:Invoke", explain) => {
    const request = requestOf(ctx, caller, action);
    const user = caller === undefined ? "anonymous" : caller.principal.arn;
    const base = `User: ${user} is not authorized to perform: ${action} on resource: ${request.resource}`;
    if (phase === "endpoint") {
      const vpce = request.context["aws:SourceVpce"];
      const policy = vpce === undefined ? undefined : options.networks?.endpoint(vpce)?.policy;
      if (policy === undefined) {
        explain?.(`Endpoint policy${vpce === undefined ? "" : ` of ${vpce}`}: none (full access)`);
        return undefined;
      }
      const d = policy.evaluate(request);
      if (d.effect === "Allow") {
        explain?.(`Endpoint policy of ${vpce}: allowed by ${named("the VPC endpoint policy", d)}`);
        return undefined;
      }
      // [M] IAM's newer wording, naming the VPC endpoint policy as the one that refused.
      const message =
        d.effect === "Deny"
          ? `${base} with an explicit deny in a VPC endpoint policy`
          : `${base} because no VPC endpoint policy allows the ${action} action`;
      explain?.(
        `Endpoint policy of ${vpce}: ${d.effect === "Deny" ? `explicit deny in ${named("the VPC endpoint policy", d)}` : "the VPC endpoint policy allows nothing here"}: ${message}`,
      );
      return renderRefusal(ctx.stage.responses, { type: "ACCESS_DENIED", messageKey: "Message", message });
    }
    const outcome = decide(resourcePolicy, caller, request, options.accountId, phase === "explicitDenyOnly");
    if (outcome.allowed) {
      explain?.(
        `${phase === "explicitDenyOnly" ? "Policy (before the authorizer)" : "Policy"}: ${outcome.why}`,
      );
      return undefined;
    }
    const message = `${base}${outcome.explicit ? " with an explicit deny" : ""}`;
    explain?.(
      `${phase === "explicitDenyOnly" ? "Policy (before the authorizer)" : "Policy"}: ${outcome.why}: ${message}`,
    );
    // AWS answers policy denials with a capitalised "Message" key.
    return renderRefusal(ctx.stage.responses, { type: "ACCESS_DENIED", messageKey: "Message", message });
  };
}
