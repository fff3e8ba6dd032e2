import { deflateRawSync } from "node:zlib";
import type { StoredPrincipal } from "../auth/iam/credential-store.ts";
import { callerIdentityDecision } from "../auth/iam/identity-decision.ts";
import { principalContext } from "../auth/iam/principal-context.ts";
import type { Role, RoleStore } from "../auth/iam/roles.ts";
import type { SessionSealer } from "../auth/iam/session-tokens.ts";
import { compilePolicy, type PolicyRequest } from "../auth/policy/compile-policy.ts";
import { PolicyError } from "../auth/policy/policy-error.ts";
import { type AssumeRoleInput, readAssumeRoleInput } from "./assume-role-input.ts";
import { accessDenied, malformedPolicy, StsError, validationError } from "./sts-errors.ts";
import { elements, resultXml, type StsReply } from "./sts-xml.ts";

/** What AssumeRole needs from the gateway. */
export interface AssumeRoleDeps {
  readonly roles: RoleStore;
  readonly sealer: () => SessionSealer;
  readonly region: string;
}

/** Facts of the HTTP request that policies may test. */
export interface RequestFacts {
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  readonly now: Date;
}

const DEFAULT_DURATION = 3600;
/** Role chaining: a session assumed with a session's credentials lasts an hour at most. */
const CHAINED_MAX = 3600;
/** What the packed session policy and tags may take, for PackedPolicySize's percentage. */
const PACKED_CAPACITY = 2048;

/** The session policy, checked as STS checks it: JSON, IAM's grammar, no Principal. */
function checkSessionPolicy(text: string, accountId: string, region: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw malformedPolicy("The policy is not in the valid JSON format.");
  }
  try {
    compilePolicy(text, { region, accountId }, { identityPolicy: true });
  } catch (err) {
    const reason = err instanceof PolicyError ? err.message : "";
    throw malformedPolicy(
      /Principal/.test(reason)
        ? "Policy document should not specify a principal."
        : `Syntax errors in policy. ${reason}`.trim(),
    );
  }
}

/** The trust policy's say, with IAM's rules for a role's trust (a resource-based policy on the role). */
function trusts(role: Role, caller: StoredPrincipal, request: PolicyRequest): boolean {
  const trust = role.trust.evaluate(request);
  if (trust.effect !== "Allow") return false;
  const identity = callerIdentityDecision(caller, request, role.accountId);
  if (identity.effect === "Deny") return false;
  // Across accounts both sides must allow. In the role's own account a trust policy naming the caller
  // (or its role) suffices; one trusting the account delegates to the caller's identity policies. A
  // key configured without `policies` keeps its full rights, as on the admin API.
  const identityAllows = identity.effect === "Allow" || !caller.policiesDeclared;
  if (caller.principal.accountId !== role.accountId) return identityAllows;
  if (identityAllows) return true;
  return role.trust.evaluate({ ...request, principalMatch: "named" }).effect === "Allow";
}

/** PackedPolicySize: how much of STS's packed space the session policy and tags take, in percent. */
function packedPercent(input: AssumeRoleInput): number {
  const packed = deflateRawSync(JSON.stringify({ p: input.policy ?? "", t: input.tags })).length;
  return Math.max(1, Math.ceil((packed * 100) / PACKED_CAPACITY));
}

/**
 * AssumeRole: the caller (verified by its signature) must be trusted by the role's trust policy for
 * `sts:AssumeRole` — and `sts:TagSession` when it passes session tags — under the trust policy's
 * conditions (`sts:ExternalId`, `aws:PrincipalTag/*`, `aws:RequestTag/*`, `aws:TagKeys`, `aws:SourceIp`, …).
 * The answer is temporary credentials whose token seals the session (session-tokens.ts).
 */
export function assumeRole(
  params: ReadonlyMap<string, string>,
  caller: StoredPrincipal,
  facts: RequestFacts,
  deps: AssumeRoleDeps,
): StsReply {
  const input = readAssumeRoleInput(params);
  const role = deps.roles.get(input.roleArn);
  const callerArn = caller.principal.arn;
  const denied = (action: string) =>
    accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${input.roleArn}`);
  // An unknown role is refused as an untrusting one: STS does not say which roles exist.
  if (role === undefined) throw denied("sts:AssumeRole");
  if (input.mfa) throw accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
  const chained = caller.session !== undefined;
  const duration = input.durationSeconds ?? DEFAULT_DURATION;
  if (chained && duration > CHAINED_MAX)
    throw validationError(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  if (duration > role.maxSessionDuration)
    throw validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  if (input.policy !== undefined) checkSessionPolicy(input.policy, role.accountId, deps.region);

  const inherited = caller.session?.claims;
  const inheritedKeys = inherited?.transitiveTagKeys ?? [];
  const tags: Record<string, string> = {};
  for (const k of inheritedKeys) if (inherited?.tags?.[k] !== undefined) tags[k] = inherited.tags[k];
  for (const [k, v] of input.tags) tags[k] = v;
  const context: Record<string, string | string[]> = {
    ...principalContext(caller),
    "aws:CurrentTime": facts.now.toISOString(),
    "aws:EpochTime": String(Math.floor(facts.now.getTime() / 1000)),
    "aws:SecureTransport": "false",
    "aws:RequestedRegion": deps.region,
    "aws:MultiFactorAuthPresent": "false",
    "sts:RoleSessionName": input.roleSessionName,
    ...(facts.sourceIp === undefined ? {} : { "aws:SourceIp": facts.sourceIp }),
    ...(facts.userAgent === undefined ? {} : { "aws:UserAgent": facts.userAgent }),
    ...(input.externalId === undefined ? {} : { "sts:ExternalId": input.externalId }),
    ...(input.sourceIdentity === undefined ? {} : { "sts:SourceIdentity": input.sourceIdentity }),
  };
  if (input.tags.length > 0) {
    context["aws:TagKeys"] = input.tags.map(([k]) => k);
    for (const [k, v] of input.tags) context[`aws:RequestTag/${k}`] = v;
  }
  if (input.transitiveTagKeys.length > 0) context["sts:TransitiveTagKeys"] = [...input.transitiveTagKeys];
  const request = (action: string): PolicyRequest => ({
    principal: caller.principal,
    action,
    resource: role.arn,
    context,
  });
  if (!trusts(role, caller, request("sts:AssumeRole"))) throw denied("sts:AssumeRole");
  if (input.tags.length > 0 && !trusts(role, caller, request("sts:TagSession")))
    throw denied("sts:TagSession");

  const packed = input.policy !== undefined || input.tags.length > 0 ? packedPercent(input) : undefined;
  if (packed !== undefined && packed > 100)
    throw new StsError(
      400,
      "PackedPolicyTooLarge",
      `Packed policy consumes ${packed}% of allotted space, please use smaller policy for this request.`,
    );
  const issuedAt = facts.now.getTime();
  const credentials = deps.sealer().issue({
    roleArn: role.arn,
    sessionName: input.roleSessionName,
    issuedAt,
    expiresAt: issuedAt + duration * 1000,
    ...(input.policy === undefined ? {} : { policy: input.policy }),
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    ...(input.transitiveTagKeys.length + inheritedKeys.length === 0
      ? {}
      : { transitiveTagKeys: [...new Set([...inheritedKeys, ...input.transitiveTagKeys])] }),
    sourceArn: callerArn,
    ...(chained ? { chained: true } : {}),
  });
  const arn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${input.roleSessionName}`;
  return resultXml(
    "AssumeRole",
    elements([["SourceIdentity", input.sourceIdentity]]) +
      `<AssumedRoleUser>${elements([
        ["AssumedRoleId", `${role.roleId}:${input.roleSessionName}`],
        ["Arn", arn],
      ])}</AssumedRoleUser>` +
      `<Credentials>${elements([
        ["AccessKeyId", credentials.accessKeyId],
        ["SecretAccessKey", credentials.secretAccessKey],
        ["SessionToken", credentials.sessionToken],
        ["Expiration", credentials.expiration.toISOString().replace(/\.\d{3}Z$/, "Z")],
      ])}</Credentials>` +
      elements([["PackedPolicySize", packed]]),
  );
}
