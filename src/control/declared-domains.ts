import { isDeepStrictEqual } from "node:util";
import type { DeclaredDomain } from "../config/domain-schema.ts";
import { type ApiMapping, type DomainName, domainKey, ROOT_BASE_PATH } from "../model/domain-name.ts";
import { newApiMappingId } from "../model/ids.ts";
import type { ControlPlane } from "./control-plane.ts";
import {
  type ApiFamily,
  apiFamily,
  checkMappingFits,
  hasStage,
  listDomains,
  mappingKeyToBasePath,
} from "./domain-documents.ts";
import { newDomain } from "./domain-names.ts";
import { badRequest, ControlError } from "./errors.ts";

/**
 * The config file's `domains:`, applied at start after its APIs: each domain name is created, or
 * brought to what the file says, with exactly the mappings declared (as apigatewayv2 would make
 * them: multi-level paths, REST, HTTP or WebSocket APIs, under AWS's rules). Unchanged domains are
 * not written again, and unchanged mappings keep their ids. A refusal names the declaration.
 */

function refusal(where: string, err: unknown): unknown {
  return err instanceof ControlError ? new ControlError(err.type, `${where}: ${err.message}`) : err;
}

/** The mappings a declaration names, checked one by one against the APIs and each other. */
async function declaredMappings(
  control: ControlPlane,
  d: DomainName,
  decl: DeclaredDomain,
  where: string,
  before: DomainName | undefined,
): Promise<Record<string, ApiMapping>> {
  const mappings: Record<string, ApiMapping> = {};
  const families = new Set<ApiFamily>();
  for (const [j, m] of (decl.mappings ?? []).entries()) {
    const at = `${where}.mappings[${j}]`;
    try {
      const family = await apiFamily(control, m.api);
      if (family === undefined) throw badRequest(`Invalid API identifier specified ${m.api}`);
      const key = m.basePath === undefined || m.basePath === ROOT_BASE_PATH ? "" : m.basePath;
      const basePath = mappingKeyToBasePath(key, family);
      if (m.stage === undefined && family !== "REST") throw badRequest("Stage is required");
      if (m.stage !== undefined && !(await hasStage(control, family, m.api, m.stage)))
        throw badRequest(`Invalid stage identifier specified ${m.stage}`);
      checkMappingFits(d, family, basePath, families);
      if (mappings[basePath] !== undefined)
        throw new ControlError("ConflictException", "ApiMapping key already exists for this domain name");
      families.add(family);
      const kept = before?.basePathMappings[basePath];
      const same = kept !== undefined && kept.apiId === m.api && kept.stage === m.stage;
      mappings[basePath] = {
        apiMappingId: same ? kept.apiMappingId : newApiMappingId(),
        basePath,
        apiId: m.api,
        ...(m.stage === undefined ? {} : { stage: m.stage }),
      };
    } catch (err) {
      throw refusal(at, err);
    }
  }
  return mappings;
}

/** What a declaration makes of a domain name (`before`: the one stored under its name, if any). */
async function declaredDomain(
  control: ControlPlane,
  decl: DeclaredDomain,
  where: string,
  before: DomainName | undefined,
): Promise<DomainName> {
  const tls = decl.tls;
  let d: DomainName;
  try {
    d = newDomain({
      domainName: decl.name,
      endpointType: decl.endpointType ?? "REGIONAL",
      securityPolicy: decl.securityPolicy,
      ...(decl.certificateArn === undefined
        ? {}
        : decl.endpointType === "EDGE"
          ? { certificateArn: decl.certificateArn }
          : { regionalCertificateArn: decl.certificateArn }),
      // The truststore file is the domain's mutual TLS, as an S3 truststore is on AWS.
      ...(tls?.truststore === undefined
        ? {}
        : { mutualTlsAuthentication: { truststoreUri: `file://${tls.truststore}` } }),
      tags: decl.tags,
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (err) {
    throw refusal(where, err);
  }
  if (before !== undefined) {
    d.createdDate = before.createdDate;
    // A certificate that did not change was not uploaded again.
    if (
      before.certificateArn === d.certificateArn &&
      before.regionalCertificateArn === d.regionalCertificateArn
    ) {
      if (before.certificateUploadDate === undefined) delete d.certificateUploadDate;
      else d.certificateUploadDate = before.certificateUploadDate;
    }
  }
  d.basePathMappings = await declaredMappings(control, d, decl, where, before);
  return d;
}

/** As stored: what JSON keeps (no undefined members). */
const plain = (d: DomainName): unknown => JSON.parse(JSON.stringify(d));

export async function applyDeclaredDomains(
  control: ControlPlane,
  domains: readonly DeclaredDomain[],
): Promise<void> {
  const names = new Map<string, number>();
  for (const [i, decl] of domains.entries()) {
    const where = decl.declaredAt ?? `domains[${i}]`;
    const lower = decl.name.toLowerCase();
    const first = names.get(lower);
    if (first !== undefined)
      throw badRequest(
        `${where}: the domain name ${decl.name} is also ${domains[first]!.declaredAt ?? `domains[${first}]`}'s`,
      );
    names.set(lower, i);
  }
  const stored = await listDomains(control);
  for (const [i, decl] of domains.entries()) {
    const where = decl.declaredAt ?? `domains[${i}]`;
    const before = stored.find(
      (d) => d.domainNameId === undefined && d.domainName.toLowerCase() === decl.name.toLowerCase(),
    );
    const next = await declaredDomain(control, decl, where, before);
    // Declared as stored: nothing is written, so no node sees a change.
    if (before !== undefined && isDeepStrictEqual(plain(before), plain(next))) continue;
    if (before !== undefined && before.domainName !== next.domainName)
      await control.changeDocument<DomainName>("domainnames", domainKey(before.domainName), () => undefined);
    await control.changeDocument<DomainName>("domainnames", domainKey(next.domainName), () => next);
  }
}
