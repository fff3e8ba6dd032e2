import { BlockList, isIP } from "node:net";
import { type CompiledPolicy, compilePolicy } from "./compile-policy.ts";

/** A BlockList of CIDRs (`10.0.0.0/8`, `2001:db8::/32`, a bare address); the config loader has checked them. */
export function cidrList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split("/");
    const family = isIP(addr ?? "");
    if (family === 0) continue;
    list.addSubnet(addr!, Number(bits ?? (family === 4 ? 32 : 128)), family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

/** Whether an address (IPv4 or IPv6) is in a list. */
export function inList(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? "ipv4" : "ipv6");
}

/**
 * A `networks` entry: a CIDR list, or (VPC endpoints) the CIDRs with what AWS knows of the endpoint —
 * its VPC, the account and organization owning it, and its endpoint policy.
 */
export type NetworkInput =
  | readonly string[]
  | {
      readonly cidrs: readonly string[];
      readonly vpc?: string;
      readonly account?: string;
      readonly orgId?: string;
      readonly policy?: object;
    };

/** A VPC endpoint as requests through it are judged. */
export interface VpcEndpoint {
  readonly id: string;
  readonly vpc?: string;
  /** `aws:VpceAccount`: the endpoint's owner (default the gateway's account). */
  readonly account: string;
  readonly orgId?: string;
  /** Its endpoint policy; absent: AWS's default full-access policy. */
  readonly policy?: CompiledPolicy;
}

/**
 * The named networks of the config (`networks: {vpc-…: [CIDR…], vpce-…: [CIDR…] or {cidrs, vpc,
 * policy, …}}`): which VPC and VPC endpoint a client address belongs to, for `aws:SourceVpc` and
 * `aws:SourceVpce`, and each endpoint's policy for private APIs.
 */
export class Networks {
  private readonly entries: { id: string; list: BlockList }[];
  private readonly endpoints = new Map<string, VpcEndpoint>();

  /** Endpoint policies are compiled here; the config loader has refused invalid ones. */
  constructor(
    networks: Readonly<Record<string, NetworkInput>>,
    scope: { region: string; accountId: string } = { region: "us-east-1", accountId: "000000000000" },
  ) {
    this.entries = [];
    for (const [id, entry] of Object.entries(networks)) {
      const cidrs = Array.isArray(entry)
        ? (entry as readonly string[])
        : (entry as { cidrs: string[] }).cidrs;
      this.entries.push({ id, list: cidrList(cidrs) });
      if (!id.startsWith("vpce-")) continue;
      const detail: Partial<Exclude<NetworkInput, readonly string[]>> = Array.isArray(entry)
        ? {}
        : (entry as Exclude<NetworkInput, readonly string[]>);
      this.endpoints.set(id, {
        id,
        ...(detail.vpc === undefined ? {} : { vpc: detail.vpc }),
        account: detail.account ?? scope.accountId,
        ...(detail.orgId === undefined ? {} : { orgId: detail.orgId }),
        ...(detail.policy === undefined
          ? {}
          : { policy: compilePolicy(detail.policy, scope, { resourcePolicy: true }) }),
      });
    }
  }

  /** `{ "aws:SourceVpc": "vpc-…", "aws:SourceVpce": "vpce-…" }` for an address, as far as known. */
  contextFor(ip: string): Record<string, string> {
    const out: Record<string, string> = {};
    const family = isIP(ip);
    if (family === 0) return out;
    for (const { id, list } of this.entries) {
      if (!list.check(ip, family === 4 ? "ipv4" : "ipv6")) continue;
      if (id.startsWith("vpce-")) out["aws:SourceVpce"] ??= id;
      else if (id.startsWith("vpc-")) out["aws:SourceVpc"] ??= id;
    }
    return out;
  }

  /** A configured VPC endpoint. */
  endpoint(id: string): VpcEndpoint | undefined {
    return this.endpoints.get(id);
  }

  /**
   * The network keys of a request: the VPC endpoint it came through (a trusted proxy's word over the
   * address's network), that endpoint's VPC, `aws:VpceAccount` and `aws:VpceOrgID`.
   */
  requestContext(ip: string, sourceVpce: string | undefined): Record<string, string> {
    const out = this.contextFor(ip);
    if (sourceVpce !== undefined) out["aws:SourceVpce"] = sourceVpce;
    const vpce = out["aws:SourceVpce"];
    const endpoint = vpce === undefined ? undefined : this.endpoints.get(vpce);
    if (vpce !== undefined) {
      if (endpoint?.vpc !== undefined) out["aws:SourceVpc"] = endpoint.vpc;
      if (endpoint !== undefined) out["aws:VpceAccount"] = endpoint.account;
      if (endpoint?.orgId !== undefined) out["aws:VpceOrgID"] = endpoint.orgId;
    }
    return out;
  }
}
