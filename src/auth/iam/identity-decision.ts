import type { CompiledPolicy, PolicyDecision, PolicyRequest } from "../policy/compile-policy.ts";
import type { StoredPrincipal } from "./credential-store.ts";

/**
 * AWS's evaluation of a principal's identity policies taken together: an explicit Deny in any of them
 * wins, then any Allow, else an implicit deny.
 */
export function identityDecision(
  policies: readonly CompiledPolicy[],
  request: PolicyRequest,
): PolicyDecision {
  let allow: PolicyDecision | undefined;
  for (const policy of policies) {
    const d = policy.evaluate(request);
    if (d.effect === "Deny") return d;
    if (d.effect === "Allow") allow ??= d;
  }
  return allow ?? { effect: "ImplicitDeny" };
}

/** What decided an identity-side verdict: the principal's policies, its session policy, or its being the root. */
export type IdentitySource = "identity" | "session" | "root";

export interface IdentityVerdict extends PolicyDecision {
  readonly by: IdentitySource;
  /** For a role session's allow: the session policy's allowing statement. */
  readonly sessionStatement?: string;
}

/**
 * What the caller's own policies say, as IAM evaluates them: the account root may act in its own
 * account; anyone else needs an identity-policy allow, and a role session also its session policy's
 * (the session gets the intersection), an explicit deny in either winning.
 */
export function callerIdentityDecision(
  caller: StoredPrincipal,
  request: PolicyRequest,
  homeAccount?: string,
): IdentityVerdict {
  if (caller.identityPolicies === undefined) {
    return homeAccount === undefined || caller.principal.accountId === homeAccount
      ? { effect: "Allow", statement: "account root", by: "root" }
      : { effect: "ImplicitDeny", by: "root" };
  }
  const identity = identityDecision(caller.identityPolicies, request);
  const session = caller.session?.policy?.evaluate(request);
  if (identity.effect === "Deny") return { ...identity, by: "identity" };
  if (session?.effect === "Deny") return { ...session, by: "session" };
  if (identity.effect !== "Allow") return { ...identity, by: "identity" };
  if (session !== undefined && session.effect !== "Allow") return { ...session, by: "session" };
  return {
    ...identity,
    by: "identity",
    ...(session?.statement ? { sessionStatement: session.statement } : {}),
  };
}

/** How a verdict reads in a trace: `the identity policy (Sid)`, `the session policy (Statement[0])`. */
export function describeVerdict(verdict: IdentityVerdict): string {
  if (verdict.by === "root") return "the account root";
  const which = verdict.by === "session" ? "the session policy" : "the identity policy";
  const own = `${which}${verdict.statement === undefined ? "" : ` (${verdict.statement})`}`;
  return verdict.sessionStatement === undefined
    ? own
    : `${own} and the session policy (${verdict.sessionStatement})`;
}

/**
 * IAM's wording of a refusal, as AWS services now phrase it (e.g. API Gateway's control plane:
 * "User: arn:… is not authorized to perform: apigateway:GET on resource: arn:… because no
 * identity-based policy allows the apigateway:GET action"); a session policy's refusal names it.
 */
export function notAuthorizedMessage(
  principalArn: string,
  action: string,
  resource: string,
  decision: PolicyDecision & { by?: IdentitySource },
): string {
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  const policy = decision.by === "session" ? "session policy" : "identity-based policy";
  return decision.effect === "Deny"
    ? `${base} with an explicit deny in ${policy === "session policy" ? "a session policy" : "an identity-based policy"}`
    : `${base} because no ${policy} allows the ${action} action`;
}
