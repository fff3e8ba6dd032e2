import { createHash } from "node:crypto";
import type { CompiledDomain, DomainMapping } from "../gateway/custom-domains.ts";
import { DomainTable } from "../gateway/custom-domains.ts";
import { type ApiMapping, type DomainName, ROOT_BASE_PATH } from "../model/domain-name.ts";

/**
 * The stored custom domain names as this version reads them, and compiled into the data plane's
 * table (gateway/custom-domains.ts): once per change, never per request.
 */

/** A stable 6-character id for a mapping stored before mappings had ids. */
function legacyMappingId(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = "";
  for (let i = 0; id.length < 6; i++) id += "abcdefghijklmnopqrstuvwxyz0123456789"[digest[i]! % 36];
  return id;
}

/**
 * A stored document as this version keeps it. Documents written before API mappings had ids (and
 * named their API `restApiId`) are read as if written now; their ids are derived, so stable.
 */
export function normalizeDomain(raw: DomainName): DomainName {
  const mappings: Record<string, ApiMapping> = {};
  for (const [basePath, m] of Object.entries(raw.basePathMappings ?? {})) {
    const legacy = m as ApiMapping & { restApiId?: string };
    mappings[basePath] = {
      apiMappingId: legacy.apiMappingId ?? legacyMappingId(`${raw.domainName}\0${basePath}`),
      basePath,
      apiId: legacy.apiId ?? legacy.restApiId ?? "",
      ...(legacy.stage === undefined ? {} : { stage: legacy.stage }),
    };
  }
  return { ...raw, basePathMappings: mappings };
}

/**
 * The data plane's table: each domain name (lower case) with its mappings longest base path first.
 * A public domain name and a private one of the same name: the public one answers by Host.
 */
export function compileDomainTable(documents: readonly DomainName[]): DomainTable {
  const domains = new Map<string, CompiledDomain>();
  const ordered = [...documents].sort(
    (a, b) => Number(a.domainNameId !== undefined) - Number(b.domainNameId !== undefined),
  );
  for (const raw of ordered) {
    const d = normalizeDomain(raw);
    const name = d.domainName.toLowerCase();
    if (domains.has(name)) continue;
    const mappings: DomainMapping[] = Object.values(d.basePathMappings)
      .map((m) => ({
        key: m.basePath === ROOT_BASE_PATH ? "" : m.basePath,
        apiId: m.apiId,
        ...(m.stage === undefined ? {} : { stage: m.stage }),
      }))
      .sort((a, b) => b.key.length - a.key.length);
    domains.set(name, { domainName: d.domainName, mappings });
  }
  return new DomainTable(domains);
}
