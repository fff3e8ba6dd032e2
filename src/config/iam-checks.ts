import { isIP } from "node:net";
import { compileRole } from "../auth/iam/roles.ts";
import { compilePolicy } from "../auth/policy/compile-policy.ts";
import { PolicyError } from "../auth/policy/policy-error.ts";
import type { NetworkConfig, RoleConfig } from "./iam-schema.ts";

/** `file:line:col` of a value of the config file, by its path in the document. */
export type Position = (segments: readonly (string | number)[]) => string;

export function validCidr(cidr: string): boolean {
  const [ip, bits, extra] = cidr.split("/");
  if (ip === undefined || bits === undefined || extra !== undefined || !/^\d+$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

const reason = (err: unknown): string => (err instanceof PolicyError ? err.message : String(err));

/**
 * The `networks:` entries beyond their shape: every CIDR valid, and an endpoint policy one AWS would
 * accept (a resource-based policy: each statement with a Principal, full API ARNs in Resource).
 */
export function checkNetworks(
  networks: Readonly<Record<string, NetworkConfig>>,
  scope: { region: string; accountId: string },
  at: Position,
): string[] {
  const problems: string[] = [];
  for (const [network, entry] of Object.entries(networks)) {
    const listed = Array.isArray(entry);
    const cidrs = listed ? entry : entry.cidrs;
    cidrs.forEach((cidr, i) => {
      const path = listed ? [network, i] : [network, "cidrs", i];
      if (!validCidr(cidr))
        problems.push(
          `${at(["networks", ...path])}: networks.${network}${listed ? "" : ".cidrs"}[${i}]: invalid CIDR "${cidr}"`,
        );
    });
    if (listed) continue;
    if (!network.startsWith("vpce-")) {
      const extra = (["vpc", "account", "orgId", "policy"] as const).find((k) => entry[k] !== undefined);
      if (extra !== undefined)
        problems.push(
          `${at(["networks", network, extra])}: networks.${network}.${extra}: only a VPC endpoint (vpce-…) has one`,
        );
      continue;
    }
    if (entry.policy === undefined) continue;
    try {
      compilePolicy(entry.policy, scope, { resourcePolicy: true });
    } catch (err) {
      problems.push(
        `${at(["networks", network, "policy"])}: networks.${network}.policy: invalid endpoint policy: ${reason(err)}`,
      );
    }
  }
  return problems;
}

/** The `roles:` entries beyond their shape: one entry per ARN, and trust and permission policies that compile. */
export function checkRoles(roles: readonly RoleConfig[], region: string, at: Position): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  roles.forEach((role, i) => {
    if (seen.has(role.arn))
      problems.push(`${at(["roles", i, "arn"])}: roles[${i}].arn: ${role.arn} is declared twice`);
    seen.add(role.arn);
    try {
      compileRole(role, region);
    } catch (err) {
      const message = reason(err);
      // compileRole names the part: `trustPolicy: …` or `policies[2]: …`.
      const part = /^(trustPolicy|policies\[(\d+)\]): /.exec(message);
      const segments =
        part === null
          ? ["roles", i]
          : part[2] === undefined
            ? ["roles", i, "trustPolicy"]
            : ["roles", i, "policies", Number(part[2])];
      problems.push(
        `${at(segments)}: roles[${i}].${part === null ? "arn" : part[1]}: ${part === null ? message : message.slice(part[0].length)}`,
      );
    }
  });
  return problems;
}
