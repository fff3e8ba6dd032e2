import { type CompiledPolicy, compilePolicy, type PolicyPrincipal } from "../policy/compile-policy.ts";
import { expiredSessionToken, unknownSessionToken } from "../sigv4/errors.ts";
import type { CredentialRefusal, LookupFacts } from "../sigv4/verify-request.ts";
import type { RoleStore } from "./roles.ts";
import type { SessionClaims, SessionSealer } from "./session-tokens.ts";

/** An access key as the config's `credentials` declare it. */
export interface CredentialInput {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly principal?: string;
  readonly policies?: readonly object[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** What a role session adds to its principal: the role, the session and its session policy. */
export interface SessionFacts {
  readonly roleArn: string;
  readonly roleName: string;
  readonly sessionName: string;
  readonly claims: SessionClaims;
  /** AssumeRole's `Policy`: the session may do only what it and the role's policies both allow. */
  readonly policy?: CompiledPolicy;
}

/** One access key as IAM sees it: who it is, and what its identity policies allow. */
export interface StoredPrincipal {
  /** The access key the caller signed with (`$context.identity.accessKey`). */
  accessKeyId: string;
  secretAccessKey: string;
  principal: Extract<PolicyPrincipal, { kind: "aws" }>;
  /** Absent: the account root, which its own account's resources always allow. */
  identityPolicies: CompiledPolicy[] | undefined;
  /**
   * Whether the config gave the key a `policies` list. The admin API keeps its historic rule for keys
   * without one (full access), so adding policies to a key is what restricts it there.
   */
  policiesDeclared: boolean;
  tags: Readonly<Record<string, string>>;
  /** IAM's unique id of the caller when Portico issued it (`AROA…:session`): `aws:userid`, `caller`. */
  userId?: string;
  /** Set for temporary credentials of a role session (STS). */
  session?: SessionFacts;
}

/** How temporary credentials are found: the roles they are sessions of, and the key that sealed them. */
export interface SessionSources {
  readonly roles: RoleStore;
  readonly sealer: () => SessionSealer;
}

/** Sessions opened lately, by token: a session policy is compiled once, not per request. */
const OPENED_REMEMBERED = 256;

/**
 * The config's `credentials`, compiled once: access key → principal ARN, account, tags and identity
 * policies. A key without a principal stands for the account root. With sessions, `ASIA…` keys are
 * temporary credentials: their session token says which role session they are (session-tokens.ts).
 */
export class CredentialStore {
  private readonly byKey = new Map<string, StoredPrincipal>();
  private readonly region: string;
  private readonly sessions: SessionSources | undefined;
  private readonly opened = new Map<string, StoredPrincipal>();

  constructor(
    credentials: readonly CredentialInput[],
    scope: { region: string; accountId: string },
    sessions?: SessionSources,
  ) {
    this.region = scope.region;
    this.sessions = sessions;
    for (const c of credentials) {
      const arn = c.principal ?? `arn:aws:iam::${scope.accountId}:root`;
      const accountId = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? scope.accountId;
      const root = arn.endsWith(":root");
      this.byKey.set(c.accessKeyId, {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        principal: { kind: "aws", arn, accountId },
        identityPolicies: root
          ? undefined
          : (c.policies ?? []).map((p) => compilePolicy(p, { region: scope.region, accountId })),
        policiesDeclared: c.policies !== undefined,
        tags: c.tags ?? {},
      });
    }
  }

  /** The key's principal; for temporary credentials, the session its token seals (or why not). */
  lookup = (accessKeyId: string, facts?: LookupFacts): StoredPrincipal | CredentialRefusal | undefined => {
    const stored = this.byKey.get(accessKeyId);
    if (stored !== undefined || this.sessions === undefined || !accessKeyId.startsWith("ASIA")) return stored;
    const token = facts?.sessionToken;
    if (token === undefined) return { refused: unknownSessionToken() };
    const now = facts?.now ?? new Date();
    const known = this.opened.get(token);
    if (known !== undefined && known.accessKeyId === accessKeyId) {
      return now.getTime() < known.session!.claims.expiresAt ? known : { refused: expiredSessionToken() };
    }
    const opened = this.sessions.sealer().open(accessKeyId, token, now);
    if (!opened.ok)
      return { refused: opened.reason === "expired" ? expiredSessionToken() : unknownSessionToken() };
    const principal = this.sessionPrincipal(accessKeyId, opened.secretAccessKey, opened.claims);
    if (principal === undefined) return { refused: unknownSessionToken() };
    if (this.opened.size >= OPENED_REMEMBERED) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(token, principal);
    return principal;
  };

  /** A role session's principal: the assumed-role ARN, the role's policies and tags over its own. */
  private sessionPrincipal(
    accessKeyId: string,
    secretAccessKey: string,
    claims: SessionClaims,
  ): StoredPrincipal | undefined {
    // A role taken out of the config ends its sessions.
    const role = this.sessions?.roles.get(claims.roleArn);
    if (role === undefined) return undefined;
    let policy: CompiledPolicy | undefined;
    if (claims.policy !== undefined) {
      try {
        policy = compilePolicy(claims.policy, { region: this.region, accountId: role.accountId });
      } catch {
        return undefined;
      }
    }
    return {
      accessKeyId,
      secretAccessKey,
      principal: {
        kind: "aws",
        arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${claims.sessionName}`,
        accountId: role.accountId,
        roleArn: role.arn,
      },
      identityPolicies: [...role.policies],
      policiesDeclared: true,
      tags: { ...role.tags, ...claims.tags },
      userId: `${role.roleId}:${claims.sessionName}`,
      session: {
        roleArn: role.arn,
        roleName: role.name,
        sessionName: claims.sessionName,
        claims,
        ...(policy === undefined ? {} : { policy }),
      },
    };
  }
}
