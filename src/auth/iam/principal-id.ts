import { createHash } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * A stable stand-in for IAM's unique id of an ARN (`AIDA…` users, `AROA…` roles: a prefix and 17
 * characters). Portico's principals have no IAM unique ids, so the id is derived from the ARN:
 * stable across restarts and nodes, and distinct per principal, which is what policies
 * (`aws:userid`) and templates can rely on.
 */
export function uniqueId(prefix: string, arn: string): string {
  const digest = createHash("sha256").update(arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += BASE32[digest[i]! & 31];
  return id;
}

/**
 * The principal id AWS reports as `caller` and `user` (and `aws:userid`): the account for its root,
 * `AIDA…` for an IAM user, `AROA…:session` for an assumed role, `account:name` for a federated user.
 * A session issued here carries its own id (`StoredPrincipal.userId`), which is this one for a role
 * without a path.
 */
export function principalId(arn: string, accountId: string): string {
  const resource = /^arn:aws:(?:iam|sts)::\d{12}:(.+)$/.exec(arn)?.[1];
  if (resource === undefined) return arn;
  if (resource === "root") return accountId;
  if (resource.startsWith("user/")) return uniqueId("AIDA", arn);
  const assumed = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
  if (assumed !== null)
    return `${uniqueId("AROA", `arn:aws:iam::${accountId}:role/${assumed[1]}`)}:${assumed[2]}`;
  if (resource.startsWith("role/")) return uniqueId("AROA", arn);
  const federated = /^federated-user\/(.+)$/.exec(resource);
  if (federated !== null) return `${accountId}:${federated[1]}`;
  return arn;
}
