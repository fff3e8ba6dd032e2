import { BlockList, isIP } from "node:net";

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
 * The named networks of the config (`networks: {vpc-…: [CIDR…], vpce-…: [CIDR…]}`): which VPC and VPC
 * endpoint a client address belongs to, for `aws:SourceVpc` and `aws:SourceVpce`.
 */
export class Networks {
  private readonly entries: { id: string; list: BlockList }[];

  constructor(networks: Readonly<Record<string, readonly string[]>>) {
    this.entries = Object.entries(networks).map(([id, cidrs]) => ({ id, list: cidrList(cidrs) }));
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
}
