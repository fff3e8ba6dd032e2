import { constants } from "node:crypto";
import {
  createSecureContext,
  DEFAULT_CIPHERS,
  type SecureContext,
  type SecureContextOptions,
} from "node:tls";
import type { KeyPair, Truststore } from "./tls-material.ts";

/**
 * What the HTTPS listener does for each server name (SNI): which certificate it presents, the
 * lowest TLS version it accepts (the domain's `securityPolicy`), and whether the client must present
 * a certificate that chains to the domain's truststore (mutual TLS). Immutable: a change of the
 * domains builds a new set, swapped in with one assignment.
 */

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

const RANK: Record<string, number> = { TLSv1: 1, "TLSv1.1": 2, "TLSv1.2": 3, "TLSv1.3": 4 };

/** Whether a negotiated protocol (`socket.getProtocol()`) is at least `min`. */
export function versionAtLeast(protocol: string | null, min: TlsVersion): boolean {
  return (RANK[protocol ?? ""] ?? 0) >= RANK[min]!;
}

/**
 * AWS's security policies: `TLS_1_0` accepts TLS 1.0 and later, `TLS_1_2` (the default) TLS 1.2
 * and later. Any other name is held to TLS 1.2.
 */
export function minVersionOf(securityPolicy: string | undefined): TlsVersion {
  return securityPolicy === "TLS_1_0" ? "TLSv1" : "TLSv1.2";
}

/**
 * OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level (their handshakes sign with SHA-1):
 * a listener that must accept them runs at level 0.
 */
const LEGACY_CIPHERS = `${DEFAULT_CIPHERS}:@SECLEVEL=0`;

/** One domain's TLS, from the config file and the domain name the control plane stores. */
export interface DomainTls {
  /** Lower case; `*.example.com` for a wildcard name. */
  readonly name: string;
  /** Its own certificate; without one, the listener's default certificate. */
  readonly keyPair?: KeyPair;
  readonly securityPolicy?: string;
  /**
   * Mutual TLS: the truststore clients' certificates must chain to, or `unavailable` when the domain
   * requires mutual TLS but its truststore cannot be read (then no client is let in).
   */
  readonly truststore?: Truststore | "unavailable";
}

export interface TlsProfile {
  readonly name: string;
  /** Undefined: no certificate for this name (no default either), the handshake is refused. */
  readonly context: SecureContext | undefined;
  readonly minVersion: TlsVersion;
  /** The domain requires a client certificate. */
  readonly mutual: boolean;
}

export class TlsProfiles {
  private readonly byName: ReadonlyMap<string, TlsProfile>;
  /** No server name, or one no domain has: the default certificate under the listener's policy. */
  readonly fallback: TlsProfile;
  /** The listener's own context (no SNI): the default certificate, and the lowest version any name accepts. */
  readonly baseOptions: SecureContextOptions;
  /** Some domain requires mutual TLS (else no request needs its Host looked up). */
  readonly anyMutual: boolean;

  constructor(
    defaultPair: KeyPair | undefined,
    defaultPolicy: string | undefined,
    domains: readonly DomainTls[],
  ) {
    const fallbackMin = minVersionOf(defaultPolicy);
    const profiles = new Map<string, TlsProfile>();
    let lowest = fallbackMin;
    let mutual = false;
    for (const d of domains) {
      const minVersion = minVersionOf(d.securityPolicy);
      if (!versionAtLeast(minVersion, lowest)) lowest = minVersion;
      const pair = d.keyPair ?? defaultPair;
      const trust = d.truststore;
      mutual ||= trust !== undefined;
      const context =
        pair === undefined
          ? undefined
          : createSecureContext({
              cert: pair.cert,
              key: pair.key,
              ...(minVersion === "TLSv1" ? { ciphers: LEGACY_CIPHERS } : {}),
              // A truststore that cannot be read trusts nothing: every client is refused.
              ...(trust === undefined ? {} : { ca: trust === "unavailable" ? [] : [...trust.certificates] }),
            });
      profiles.set(d.name, { name: d.name, context, minVersion, mutual: trust !== undefined });
    }
    this.byName = profiles;
    this.anyMutual = mutual;
    this.fallback = {
      name: "",
      context: defaultPair === undefined ? undefined : createSecureContext(pairOptions(defaultPair)),
      minVersion: fallbackMin,
      mutual: false,
    };
    this.baseOptions = {
      ...(defaultPair === undefined ? {} : pairOptions(defaultPair)),
      // Versions are negotiated before the server name is known, so the listener admits the lowest
      // any name accepts; each name's own minimum is checked as its certificate is chosen.
      minVersion: lowest,
      ...(lowest === "TLSv1" ? { ciphers: LEGACY_CIPHERS } : {}),
      // A resumed session skips the certificate request and its verification: while any domain
      // requires mutual TLS, every connection makes a full handshake, checked against the current truststore.
      ...(mutual ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
    };
  }

  /** The domain for a server name or Host: its own entry, else a wildcard one level up (as TLS matches). */
  lookup(name: string | false | undefined | null): TlsProfile | undefined {
    if (typeof name !== "string" || name === "") return undefined;
    const lower = name.toLowerCase();
    const exact = this.byName.get(lower);
    if (exact !== undefined) return exact;
    const dot = lower.indexOf(".");
    return dot === -1 ? undefined : this.byName.get(`*${lower.slice(dot)}`);
  }

  /** What serves a server name: its domain, else the default. */
  serving(name: string | false | undefined | null): TlsProfile {
    return this.lookup(name) ?? this.fallback;
  }

  get size(): number {
    return this.byName.size;
  }
}

const pairOptions = (pair: KeyPair): SecureContextOptions => ({ cert: pair.cert, key: pair.key });
