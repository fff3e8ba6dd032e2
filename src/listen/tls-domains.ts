import type { Logger } from "../logger.ts";
import {
  type KeyPair,
  type Problem,
  readKeyPair,
  readTruststore,
  type Truststore,
  truststorePath,
} from "./tls-material.ts";
import { type DomainTls, TlsProfiles } from "./tls-profiles.ts";

/**
 * The HTTPS listener's domains, from two places: the config file (`listen.tls` for the default
 * certificate, `domains[].tls` for each domain's certificate, key and truststore) and the domain
 * names the control plane stores (`securityPolicy`, `mutualTlsAuthentication.truststoreUri`, AWS's
 * names). The config file's files are read at start, where any problem is a config error; the set is
 * rebuilt, and every file read again, whenever a stored domain's TLS changes. A file that can no
 * longer be read at run time is reported and its last good content kept.
 */

export interface TlsListenerSettings {
  port: number;
  host: string;
  /** Absolute paths; together or neither. */
  certificate?: string;
  key?: string;
  /** For connections without a server name or with one no domain has (default TLS_1_2). */
  securityPolicy?: string;
  domains: readonly DeclaredDomainTls[];
}

/** A config file domain's `tls:` (absolute paths) and where it is written, for its errors. */
export interface DeclaredDomainTls {
  name: string;
  certificate?: string;
  key?: string;
  truststore?: string;
  where: string;
}

/** What a stored domain name says about TLS, in REST's shape or apigatewayv2's. */
export interface StoredDomainTls {
  readonly name: string;
  readonly securityPolicy?: string;
  readonly truststoreUri?: string;
  readonly truststoreVersion?: string;
}

export function storedDomainTls(doc: unknown): StoredDomainTls | undefined {
  const d = doc as {
    domainName?: unknown;
    securityPolicy?: unknown;
    domainNameConfigurations?: { securityPolicy?: unknown }[];
    mutualTlsAuthentication?: { truststoreUri?: unknown; truststoreVersion?: unknown };
  } | null;
  if (typeof d?.domainName !== "string") return undefined;
  const policy = d.securityPolicy ?? d.domainNameConfigurations?.[0]?.securityPolicy;
  const mtls = d.mutualTlsAuthentication;
  return {
    name: d.domainName.toLowerCase(),
    ...(typeof policy === "string" ? { securityPolicy: policy } : {}),
    ...(typeof mtls?.truststoreUri === "string" && mtls.truststoreUri !== ""
      ? { truststoreUri: mtls.truststoreUri }
      : {}),
    ...(typeof mtls?.truststoreVersion === "string" ? { truststoreVersion: mtls.truststoreVersion } : {}),
  };
}

/** Where the stored domain names come from and when they change (the store). */
export interface DomainSource {
  list(): Promise<readonly unknown[]>;
  onChange(listener: () => void): () => void;
}

const isProblem = (x: object): x is Problem => "problem" in x;

export class TlsDomains {
  private readonly settings: TlsListenerSettings;
  private readonly log: Logger;
  /** The last good content of each file, by path: what a failed re-read falls back on. */
  private readonly pairs = new Map<string, KeyPair>();
  private readonly truststores = new Map<string, Truststore>();
  private fingerprint = "";
  current: TlsProfiles;

  private constructor(settings: TlsListenerSettings, log: Logger) {
    this.settings = settings;
    this.log = log;
    this.current = new TlsProfiles(undefined, undefined, []);
  }

  /** Reads the config file's certificates and truststores; every problem is reported at once. */
  static load(settings: TlsListenerSettings, log: Logger): TlsDomains | { problems: string[] } {
    const domains = new TlsDomains(settings, log);
    const problems: string[] = [];
    const pair = (cert: string | undefined, key: string | undefined, where: string) => {
      if (cert === undefined || key === undefined) return;
      const read = readKeyPair(cert, key);
      if (isProblem(read)) problems.push(`${where}: ${read.problem}`);
      else domains.pairs.set(cert, read);
    };
    pair(settings.certificate, settings.key, "listen.tls");
    for (const d of settings.domains) {
      pair(d.certificate, d.key, d.where);
      if (d.truststore === undefined) continue;
      const read = readTruststore(d.truststore, true);
      if (isProblem(read)) problems.push(`${d.where}.truststore: ${read.problem}`);
      else domains.truststores.set(d.truststore, read);
    }
    if (problems.length > 0) return { problems };
    try {
      domains.current = domains.build([]);
    } catch (err) {
      // OpenSSL refusing what parsed (a key type it cannot use, say): still the config's problem.
      return { problems: [`listen.tls: the certificates cannot be used (${(err as Error).message})`] };
    }
    return domains;
  }

  /** Rebuilds from the stored domain names when their TLS changed; true when it did. */
  apply(stored: readonly StoredDomainTls[]): boolean {
    const sorted = [...stored].sort((a, b) => a.name.localeCompare(b.name));
    const fingerprint = JSON.stringify(sorted);
    if (fingerprint === this.fingerprint) return false;
    this.fingerprint = fingerprint;
    this.current = this.build(sorted);
    return true;
  }

  /**
   * Follows the stored domain names: reads them now, then again after each change of the store
   * (batched), calling `updated` whenever the listener's domains changed.
   */
  async follow(source: DomainSource, updated: (profiles: TlsProfiles) => void): Promise<() => void> {
    const refresh = async () => {
      const docs = await source.list();
      if (this.apply(docs.flatMap((d) => storedDomainTls(d) ?? []))) updated(this.current);
    };
    await refresh();
    let scheduled = false;
    return source.onChange(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        refresh().catch((err: unknown) =>
          this.log.warn({ err: (err as Error).message }, "could not reload the HTTPS listener's domains"),
        );
      }, 10).unref();
    });
  }

  private build(stored: readonly StoredDomainTls[]): TlsProfiles {
    const declared = new Map(this.settings.domains.map((d) => [d.name.toLowerCase(), d]));
    const storedByName = new Map(stored.map((s) => [s.name, s]));
    const names = new Set([...declared.keys(), ...storedByName.keys()]);
    const domains: DomainTls[] = [];
    for (const name of names) {
      const d = declared.get(name);
      const s = storedByName.get(name);
      const keyPair = d?.certificate === undefined ? undefined : this.keyPair(d.certificate, d.key!);
      domains.push({
        name,
        ...(keyPair === undefined ? {} : { keyPair }),
        ...(s?.securityPolicy === undefined ? {} : { securityPolicy: s.securityPolicy }),
        ...this.mutual(name, s?.truststoreUri, d?.truststore),
      });
    }
    const defaultPair =
      this.settings.certificate === undefined
        ? undefined
        : this.keyPair(this.settings.certificate, this.settings.key!);
    return new TlsProfiles(defaultPair, this.settings.securityPolicy, domains);
  }

  /** A domain's truststore: its stored `truststoreUri` when it is local, else the config file's. */
  private mutual(
    name: string,
    uri: string | undefined,
    declared: string | undefined,
  ): Pick<DomainTls, "truststore"> {
    const local = uri === undefined ? undefined : truststorePath(uri);
    const file = local ?? declared;
    if (file === undefined) {
      if (uri === undefined) return {};
      this.log.warn(
        { domainName: name, truststoreUri: uri },
        "mutual TLS: the truststore is not readable here (use a file:// URI or domains[].tls.truststore); every client is refused",
      );
      return { truststore: "unavailable" };
    }
    const read = readTruststore(file, false);
    if (!isProblem(read)) {
      for (const warning of read.warnings)
        this.log.warn({ domainName: name }, `mutual TLS truststore: ${warning}`);
      this.truststores.set(file, read);
      return { truststore: read };
    }
    const previous = this.truststores.get(file);
    this.log.warn(
      { domainName: name, problem: read.problem },
      previous === undefined
        ? "mutual TLS: the truststore cannot be used; every client is refused"
        : "mutual TLS: the truststore cannot be read again; its last good content stays in use",
    );
    return { truststore: previous ?? "unavailable" };
  }

  private keyPair(cert: string, key: string): KeyPair | undefined {
    const read = readKeyPair(cert, key);
    if (!isProblem(read)) {
      this.pairs.set(cert, read);
      return read;
    }
    const previous = this.pairs.get(cert);
    this.log.warn(
      { problem: read.problem },
      previous === undefined
        ? "a certificate cannot be used"
        : "a certificate cannot be read again; its last good content stays in use",
    );
    return previous;
  }
}
