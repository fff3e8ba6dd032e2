import type { StoredPrincipal } from "../auth/iam/credential-store.ts";
import { callerIdentityDecision } from "../auth/iam/identity-decision.ts";
import { principalContext } from "../auth/iam/principal-context.ts";

/**
 * Whether a SigV4-verified caller may perform `action` on `resource` of a WebSocket API. WebSocket
 * APIs have no resource policy, so only the caller's identity policies can allow, and only within the
 * API's own account; an explicit deny wins. Undefined when allowed, else AWS's denial message.
 */
export function identityRefusal(
  caller: StoredPrincipal,
  action: string,
  resource: string,
  facts: { accountId: string; sourceIp: string; nowMs: number },
): string | undefined {
  const context: Record<string, string> = {
    "aws:SourceIp": facts.sourceIp,
    "aws:CurrentTime": new Date(facts.nowMs).toISOString(),
    "aws:EpochTime": String(Math.floor(facts.nowMs / 1000)),
    ...principalContext(caller),
  };
  const decision = callerIdentityDecision(
    caller,
    { principal: caller.principal, action, resource, context },
    facts.accountId,
  );
  if (decision.effect === "Allow" && caller.principal.accountId === facts.accountId) return undefined;
  return `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource}${
    decision.effect === "Deny" ? " with an explicit deny" : ""
  }`;
}
