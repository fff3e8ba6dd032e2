import type { CredentialConfig } from "../../config/schema.ts";
import { type CompiledPolicy, compilePolicy, type PolicyPrincipal } from "../policy/compile-policy.ts";

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
}

/**
 * The config's `credentials`, compiled once: access key → principal ARN, account, tags and identity
 * policies. A key without a principal stands for the account root.
 */
export class CredentialStore {
  private readonly byKey = new Map<string, StoredPrincipal>();

  constructor(credentials: readonly CredentialConfig[], scope: { region: string; accountId: string }) {
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

  lookup = (accessKeyId: string): StoredPrincipal | undefined => this.byKey.get(accessKeyId);
}
