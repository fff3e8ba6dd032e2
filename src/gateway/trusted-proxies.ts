import { type BlockList, isIP } from "node:net";
import { cidrList, inList } from "../auth/policy/networks.ts";

/** Where a request really comes from: the client address and, when a trusted proxy says so, its VPC endpoint. */
export interface RequestOrigin {
  clientIp: string;
  /** `aws:SourceVpce` as named by a trusted proxy's header. */
  sourceVpce?: string;
}

const VPCE_ID = /^vpce-[0-9a-z]{1,32}$/;

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as plain IPv4. */
export const plainAddress = (address: string) => (address.startsWith("::ffff:") ? address.slice(7) : address);

/**
 * Behind a load balancer or private-link proxy the socket's peer is the proxy, not the client. Only
 * peers in `trustedProxies` are believed: for them the client is the right-most `X-Forwarded-For`
 * entry that is not itself a trusted proxy, and the VPC endpoint comes from the configured header.
 * Anyone else's forwarding headers are ignored, so they cannot be spoofed from outside.
 */
export class TrustedProxies {
  private readonly list: BlockList;
  private readonly vpceHeader: string;
  readonly empty: boolean;

  /** `cidrs` as the config loader checked them (`trustedProxies`). */
  constructor(cidrs: readonly string[], vpceHeader = "x-amzn-vpce-id") {
    this.list = cidrList(cidrs);
    this.empty = cidrs.length === 0;
    this.vpceHeader = vpceHeader.toLowerCase();
  }

  private trusted(address: string): boolean {
    return inList(this.list, address);
  }

  origin(
    remoteAddress: string,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): RequestOrigin {
    const peer = plainAddress(remoteAddress);
    if (this.empty || !this.trusted(peer)) return { clientIp: peer };
    let clientIp = peer;
    const forwarded = headers["x-forwarded-for"];
    const hops = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? "")).split(",");
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = plainAddress(hops[i]!.trim());
      if (isIP(hop) === 0) break;
      clientIp = hop;
      if (!this.trusted(hop)) break;
    }
    const vpce = headers[this.vpceHeader];
    const id = (Array.isArray(vpce) ? vpce[0] : vpce)?.trim().toLowerCase();
    return id !== undefined && VPCE_ID.test(id) ? { clientIp, sourceVpce: id } : { clientIp };
  }
}
