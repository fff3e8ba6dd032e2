import type { StoredPrincipal } from "./credential-store.ts";

/** The global condition keys that describe the caller: aws:PrincipalArn, …Account, aws:username, tags. */
export function principalContext(caller: StoredPrincipal): Record<string, string> {
  const context: Record<string, string> = {
    "aws:PrincipalArn": caller.principal.arn,
    "aws:PrincipalAccount": caller.principal.accountId,
  };
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(caller.principal.arn)?.[1];
  if (user !== undefined) context["aws:username"] = user;
  for (const [k, v] of Object.entries(caller.tags)) context[`aws:PrincipalTag/${k}`] = v;
  return context;
}
