/**
 * Custom domain names on the data plane: `Host: api.example.com` (any port, any case) and its API
 * mappings, compiled once whenever a domain or mapping changes (control/domain-table.ts builds it) and
 * swapped in by one assignment, like the routing table. A request through a custom domain reads it
 * once; requests by `{api-id}.execute-api…` never do (resolve.ts tries it only when no API id names
 * the API).
 */

/** One API mapping as the data plane follows it. */
export interface DomainMapping {
  /** The base path without slashes at either end; "" for the root (`(none)`). */
  readonly key: string;
  readonly apiId: string;
  /** Absent: a REST base path mapping without a stage (the next path segment names it). */
  readonly stage?: string;
}

export interface CompiledDomain {
  /** The domain name as created (`api.example.com`, `*.example.com`). */
  readonly domainName: string;
  /** Longest base path first, so the first that matches is the one AWS picks. */
  readonly mappings: readonly DomainMapping[];
}

/** What a request's path matched: the mapping, and the path below its base path. */
export interface MappingMatch {
  readonly mapping: DomainMapping;
  /** `/` when the path is the base path itself. */
  readonly rest: string;
}

/**
 * The data plane's custom domains by lower-case name. Never mutated: a change builds a new table.
 * Wildcard names (`*.example.com`) answer for any one label in their place, after the exact names.
 */
export class DomainTable {
  static readonly empty = new DomainTable(new Map());

  private readonly domains: ReadonlyMap<string, CompiledDomain>;
  private readonly wildcards: boolean;

  constructor(domains: ReadonlyMap<string, CompiledDomain>) {
    this.domains = domains;
    this.wildcards = [...domains.keys()].some((name) => name.startsWith("*."));
  }

  get size(): number {
    return this.domains.size;
  }

  /** The domain a Host header names: its port dropped, case ignored, exact names before wildcards. */
  lookup(host: string | undefined): CompiledDomain | undefined {
    if (host === undefined || this.domains.size === 0) return undefined;
    const name = hostName(host);
    const exact = this.domains.get(name);
    if (exact !== undefined || !this.wildcards) return exact;
    const dot = name.indexOf(".");
    return dot <= 0 ? undefined : this.domains.get(`*${name.slice(dot)}`);
  }
}

/** `API.Example.com:8080` → `api.example.com` (a bracketed IPv6 literal keeps its brackets). */
export function hostName(host: string): string {
  const colon = host.lastIndexOf(":");
  const bare =
    colon > host.lastIndexOf("]") && /^:\d*$/.test(host.slice(colon)) ? host.slice(0, colon) : host;
  return bare.toLowerCase();
}

/**
 * The mapping a request path selects: the longest base path that is the path or a whole-segment
 * prefix of it (`orders/v1` takes `/orders/v1` and `/orders/v1/items`, not `/orders/v10`), else the
 * root mapping. Only mapping paths count, never the APIs' routes (AWS: rest-api-mappings).
 */
export function matchMapping(domain: CompiledDomain, path: string): MappingMatch | undefined {
  // `//v1/x` is `/v1/x`, as stage selection reads it.
  let start = 0;
  while (path.charCodeAt(start) === 47 /* / */) start++;
  for (const mapping of domain.mappings) {
    const { key } = mapping;
    if (key === "") return { mapping, rest: path === "" ? "/" : path };
    if (!path.startsWith(key, start)) continue;
    const end = start + key.length;
    if (end === path.length) return { mapping, rest: "/" };
    if (path.charCodeAt(end) === 47) return { mapping, rest: path.slice(end) };
  }
  return undefined;
}
