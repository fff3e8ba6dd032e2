import { type CompiledPolicy, compilePolicy } from "../policy/compile-policy.ts";
import { PolicyError } from "../policy/policy-error.ts";
import { uniqueId } from "./principal-id.ts";

/** A role as the config file declares it (`roles:`); the loader has checked its shape. */
export interface RoleInput {
  readonly arn: string;
  /** Who may assume the role: IAM's AssumeRolePolicyDocument. */
  readonly trustPolicy: object;
  /** The role's inline permission policies. */
  readonly policies?: readonly object[];
  readonly tags?: Readonly<Record<string, string>>;
  /** Seconds, 3600–43200 (IAM's MaxSessionDuration; default 3600). */
  readonly maxSessionDuration?: number;
}

/** A role compiled once: its trust and permission policies, and what its sessions are named by. */
export interface Role {
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
  /** IAM's unique id of the role (`AROA…`), the first half of its sessions' AssumedRoleId. */
  readonly roleId: string;
  readonly trust: CompiledPolicy;
  readonly policies: readonly CompiledPolicy[];
  readonly tags: Readonly<Record<string, string>>;
  readonly maxSessionDuration: number;
}

/** `arn:aws:iam::{account}:role/{path/}{name}`: the account and the name (paths allowed, as IAM's). */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007e]*\/)?([\w+=,.@-]{1,64})$/;

export const DEFAULT_MAX_SESSION_DURATION = 3600;

/** Parses a role ARN; undefined when it is not one. */
export function parseRoleArn(arn: string): { accountId: string; name: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m === null ? undefined : { accountId: m[1]!, name: m[2]! };
}

/** Compiles one role; an invalid policy throws PolicyError naming which. */
export function compileRole(input: RoleInput, region: string): Role {
  const parsed = parseRoleArn(input.arn);
  if (parsed === undefined) throw new PolicyError(`${input.arn} is not a role ARN`);
  const scope = { region, accountId: parsed.accountId };
  const named = (what: string, compile: () => CompiledPolicy) => {
    try {
      return compile();
    } catch (err) {
      if (err instanceof PolicyError) throw new PolicyError(`${what}: ${err.message}`);
      throw err;
    }
  };
  return {
    arn: input.arn,
    name: parsed.name,
    accountId: parsed.accountId,
    roleId: uniqueId("AROA", input.arn),
    trust: named("trustPolicy", () => compilePolicy(input.trustPolicy, scope, { trustPolicy: true })),
    policies: (input.policies ?? []).map((p, i) => named(`policies[${i}]`, () => compilePolicy(p, scope))),
    tags: input.tags ?? {},
    maxSessionDuration: input.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
  };
}

/** The config's roles by ARN. */
export class RoleStore {
  private readonly byArn = new Map<string, Role>();

  constructor(roles: readonly RoleInput[], region: string) {
    for (const r of roles) this.byArn.set(r.arn, compileRole(r, region));
  }

  get = (arn: string): Role | undefined => this.byArn.get(arn);
}
