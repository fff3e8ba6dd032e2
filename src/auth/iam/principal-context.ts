import type { StoredPrincipal } from "./credential-store.ts";
import { principalId } from "./principal-id.ts";

/** IAM's `aws:PrincipalType` of a principal ARN. */
function principalType(arn: string): string {
  if (arn.endsWith(":root")) return "Account";
  if (/:user\//.test(arn)) return "User";
  if (/:federated-user\//.test(arn)) return "FederatedUser";
  return "AssumedRole";
}

/**
 * The global condition keys that describe the caller: aws:PrincipalArn (a role session's is its
 * role's ARN, as IAM has it), …Account, …Type, aws:userid, aws:username for users, aws:PrincipalTag/*
 * (a session's tags over its role's), and aws:TokenIssueTime for temporary credentials.
 */
export function principalContext(caller: StoredPrincipal): Record<string, string> {
  const { arn, accountId } = caller.principal;
  const context: Record<string, string> = {
    "aws:PrincipalArn": caller.session?.roleArn ?? arn,
    "aws:PrincipalAccount": accountId,
    "aws:PrincipalType": principalType(arn),
    "aws:userid": caller.userId ?? principalId(arn, accountId),
  };
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (user !== undefined) context["aws:username"] = user;
  if (caller.session !== undefined)
    context["aws:TokenIssueTime"] = new Date(caller.session.claims.issuedAt).toISOString();
  for (const [k, v] of Object.entries(caller.tags)) context[`aws:PrincipalTag/${k}`] = v;
  return context;
}
