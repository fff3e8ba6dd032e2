import type { CompiledPolicy, PolicyDecision, PolicyRequest } from "../policy/compile-policy.ts";

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

/**
 * IAM's wording of a refusal, as AWS services now phrase it (e.g. API Gateway's control plane:
 * "User: arn:… is not authorized to perform: apigateway:GET on resource: arn:… because no
 * identity-based policy allows the apigateway:GET action").
 */
export function notAuthorizedMessage(
  principalArn: string,
  action: string,
  resource: string,
  decision: PolicyDecision,
): string {
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  return decision.effect === "Deny"
    ? `${base} with an explicit deny in an identity-based policy`
    : `${base} because no identity-based policy allows the ${action} action`;
}
