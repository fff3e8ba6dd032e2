import { compileConditions, type RequestContextValues } from "./conditions.ts";
import { PolicyError } from "./policy-error.ts";
import { wildcardMatcher } from "./wildcard.ts";

/**
 * The IAM policy language, compiled once per deployment (resource policies) or per credential
 * (identity policies) and evaluated per request with AWS's logic: an explicit Deny wins, then any
 * Allow, else an implicit deny. Each decision names the statement that made it, for traces.
 */

/**
 * Who asks. A role session's `arn` is its assumed-role ARN (`arn:aws:sts::…:assumed-role/R/s`) and
 * `roleArn` the role's: a policy naming the role matches every session of it, as IAM has it.
 */
export type PolicyPrincipal =
  | { kind: "anonymous" }
  | { kind: "aws"; arn: string; accountId: string; roleArn?: string };

/**
 * Which statements' principals count: `any` (the default) every match; `named` only statements that
 * name the caller's ARN or its role's (not `*`, not an account); `session` only those naming the
 * caller's own ARN. IAM grants differently by how a resource-based policy names its principal.
 */
export type PrincipalMatch = "any" | "named" | "session";

export interface PolicyRequest {
  principal: PolicyPrincipal;
  action: string;
  resource: string;
  context: RequestContextValues;
  principalMatch?: PrincipalMatch;
}

export interface PolicyDecision {
  effect: "Allow" | "Deny" | "ImplicitDeny";
  /** `Sid`, or `Statement[n]` when the statement has none. */
  statement?: string;
}

export interface CompiledPolicy {
  evaluate(request: PolicyRequest): PolicyDecision;
}

export interface PolicyScope {
  region: string;
  accountId: string;
  /** Expands `execute-api:/stage/METHOD/path` to this API's ARN. */
  apiId?: string;
}

type Matcher = (value: string) => boolean;

const list = (v: unknown, what: string): string[] => {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new PolicyError(`${what} must be a string or a list of strings`);
};

function anyOf(patterns: string[], ignoreCase: boolean): Matcher {
  const matchers = patterns.map((p) => wildcardMatcher(p, ignoreCase));
  return (v) => matchers.some((m) => m(v));
}

type PrincipalTest = (p: PolicyPrincipal, match: PrincipalMatch) => boolean;

function principalMatcher(value: unknown, what: string): PrincipalTest {
  if (value === "*") return (_p, match) => match === "any";
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PolicyError(`${what} must be "*" or {"AWS": …}`);
  const entries = Object.entries(value);
  const aws = entries.find(([k]) => k === "AWS")?.[1];
  if (aws === undefined) {
    // Service and federated principals never describe an API caller here.
    return () => false;
  }
  const ids = list(aws, `${what}.AWS`);
  if (ids.includes("*")) return (_p, match) => match === "any";
  const matchers = ids.map((id): PrincipalTest => {
    const account = /^\d{12}$/.test(id) ? id : /^arn:aws:iam::(\d{12}):root$/.exec(id)?.[1];
    if (account !== undefined)
      return (p, match) => match === "any" && p.kind === "aws" && p.accountId === account;
    if (!id.startsWith("arn:")) throw new PolicyError(`Invalid principal in policy: "AWS" : "${id}"`);
    const m = wildcardMatcher(id);
    return (p, match) =>
      p.kind === "aws" && (m(p.arn) || (match !== "session" && p.roleArn !== undefined && m(p.roleArn)));
  });
  return (p, match) => matchers.some((m) => m(p, match));
}

export function expandResource(resource: string, scope: PolicyScope): string {
  if (resource.startsWith("execute-api:/")) {
    if (scope.apiId === undefined)
      throw new PolicyError(`${resource}: the short execute-api form needs an API`);
    return `arn:aws:execute-api:${scope.region}:${scope.accountId}:${scope.apiId}/${resource.slice("execute-api:/".length)}`;
  }
  return resource;
}

interface Statement {
  name: string;
  effect: "Allow" | "Deny";
  principal: PrincipalTest;
  action: Matcher;
  resource: Matcher;
  condition: (ctx: RequestContextValues) => boolean;
}

/** What kind of policy a document is, for the elements it must and must not have. */
export interface PolicyKind {
  /** A resource-based policy: each statement names a Principal. */
  resourcePolicy?: boolean;
  /** A role's trust policy: a Principal, and no Resource (the role is the resource). */
  trustPolicy?: boolean;
  /** A session policy or identity policy: no Principal. */
  identityPolicy?: boolean;
}

function compileStatement(raw: unknown, index: number, scope: PolicyScope, kind: PolicyKind): Statement {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new PolicyError(`Statement[${index}] must be an object`);
  const s = raw as Record<string, unknown>;
  const name = typeof s.Sid === "string" ? s.Sid : `Statement[${index}]`;
  if (s.Effect !== "Allow" && s.Effect !== "Deny")
    throw new PolicyError(`${name}: Effect must be Allow or Deny`);
  const has = (k: string) => Object.hasOwn(s, k);
  if (has("Action") === has("NotAction"))
    throw new PolicyError(`${name}: exactly one of Action and NotAction is required`);
  if (kind.trustPolicy === true) {
    if (has("Resource") || has("NotResource"))
      throw new PolicyError(`${name}: a trust policy statement has no Resource (the role is its resource)`);
  } else if (has("Resource") === has("NotResource"))
    throw new PolicyError(`${name}: exactly one of Resource and NotResource is required`);
  if (has("Principal") && has("NotPrincipal"))
    throw new PolicyError(`${name}: Principal and NotPrincipal cannot be used together`);
  if (
    (kind.resourcePolicy === true || kind.trustPolicy === true) &&
    !has("Principal") &&
    !has("NotPrincipal")
  )
    throw new PolicyError(`${name}: a resource policy statement needs a Principal`);
  if (kind.identityPolicy === true && (has("Principal") || has("NotPrincipal")))
    throw new PolicyError(`${name}: an identity or session policy names no Principal`);
  const actions = anyOf(list(s.Action ?? s.NotAction, `${name}.Action`), true);
  const resources: Matcher =
    kind.trustPolicy === true
      ? () => true
      : anyOf(
          list(s.Resource ?? s.NotResource, `${name}.Resource`).map((r) => expandResource(r, scope)),
          false,
        );
  let principal: PrincipalTest = (_p, match) => match === "any";
  if (has("Principal")) principal = principalMatcher(s.Principal, `${name}.Principal`);
  else if (has("NotPrincipal")) {
    const excluded = principalMatcher(s.NotPrincipal, `${name}.NotPrincipal`);
    // NotPrincipal names no one: it never grants to a principal it names.
    principal = (p, match) => match === "any" && !excluded(p, "any");
  }
  return {
    name,
    effect: s.Effect,
    principal,
    action: has("NotAction") ? (v) => !actions(v) : actions,
    resource: has("NotResource") ? (v) => !resources(v) : resources,
    condition: compileConditions(s.Condition),
  };
}

/** Parses and compiles a policy; an invalid one throws PolicyError with the reason. */
export function compilePolicy(
  document: string | object,
  scope: PolicyScope,
  options: PolicyKind = {},
): CompiledPolicy {
  let doc: unknown = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document);
    } catch {
      throw new PolicyError("Invalid policy document. Please check the policy syntax and try again.");
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new PolicyError("A policy must be a JSON object");
  const d = doc as Record<string, unknown>;
  if (d.Version !== undefined && d.Version !== "2012-10-17" && d.Version !== "2008-10-17") {
    throw new PolicyError(`Unsupported policy Version ${String(d.Version)}`);
  }
  const raw = d.Statement;
  if (raw === undefined) throw new PolicyError("A policy needs a Statement");
  const statements = (Array.isArray(raw) ? raw : [raw]).map((st, i) =>
    compileStatement(st, i, scope, options),
  );
  return {
    evaluate(request) {
      let allowed: string | undefined;
      const match = request.principalMatch ?? "any";
      for (const st of statements) {
        if (
          !st.principal(request.principal, match) ||
          !st.action(request.action) ||
          !st.resource(request.resource)
        )
          continue;
        if (!st.condition(request.context)) continue;
        if (st.effect === "Deny") return { effect: "Deny", statement: st.name };
        allowed ??= st.name;
      }
      return allowed === undefined ? { effect: "ImplicitDeny" } : { effect: "Allow", statement: allowed };
    },
  };
}

/** Checks a resource policy the way AWS does when it is set; throws PolicyError with the reason. */
export function validateResourcePolicy(document: string | object): void {
  compilePolicy(
    document,
    { region: "us-east-1", accountId: "000000000000", apiId: "validation" },
    { resourcePolicy: true },
  );
}
