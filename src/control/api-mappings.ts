import { type ApiMapping, type DomainName, domainKey } from "../model/domain-name.ts";
import { newApiMappingId } from "../model/ids.ts";
import type { ControlPlane } from "./control-plane.ts";
import {
  type ApiFamily,
  apiFamily,
  checkMappingFits,
  DOMAIN_NOT_FOUND,
  familiesOf,
  hasStage,
} from "./domain-documents.ts";
import { normalizeDomain } from "./domain-table.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";

/**
 * API mappings, as CreateBasePathMapping (apigateway) and CreateApiMapping (apigatewayv2) make them:
 * one list per domain name, whichever service made each. A change is checked against the API it
 * names and the domain's other mappings before it is stored; the data plane serves it at once.
 */

export interface MappingChange {
  /** The domain's canonical base path (`(none)`, `v1`, `orders/v1`). */
  basePath: string;
  apiId: string;
  stage?: string;
}

export interface MappingWords {
  /** The refusal of an API that does not exist. */
  unknownApi: string;
  /** Which kinds of API the operation may map. */
  families: readonly ApiFamily[];
  /** The refusal of a base path already taken. */
  conflict: string;
}

/** The API and stage a change names, checked: the API's kind. */
async function checkTarget(control: ControlPlane, change: MappingChange, words: MappingWords) {
  const family = await apiFamily(control, change.apiId);
  if (family === undefined || !words.families.includes(family)) throw badRequest(words.unknownApi);
  if (change.stage !== undefined && !(await hasStage(control, family, change.apiId, change.stage)))
    throw badRequest("Invalid stage identifier specified");
  return family;
}

/** Commits an edit of a domain's mappings; the domain must still be there. */
function commit(
  control: ControlPlane,
  d: DomainName,
  edit: (mappings: Record<string, ApiMapping>) => void,
): Promise<DomainName | undefined> {
  return control.changeDocument<DomainName>("domainnames", domainKey(d.domainName, d.domainNameId), (raw) => {
    if (raw === undefined) throw notFound(DOMAIN_NOT_FOUND);
    const current = normalizeDomain(raw);
    edit(current.basePathMappings);
    return current;
  });
}

export async function createMapping(
  control: ControlPlane,
  d: DomainName,
  change: MappingChange,
  words: MappingWords,
): Promise<ApiMapping> {
  const family = await checkTarget(control, change, words);
  checkMappingFits(d, family, change.basePath, await familiesOf(control, d));
  const mapping: ApiMapping = {
    apiMappingId: newApiMappingId(),
    basePath: change.basePath,
    apiId: change.apiId,
    ...(change.stage === undefined ? {} : { stage: change.stage }),
  };
  await commit(control, d, (mappings) => {
    if (mappings[change.basePath] !== undefined) throw new ControlError("ConflictException", words.conflict);
    mappings[change.basePath] = mapping;
  });
  return mapping;
}

/** Replaces a mapping (UpdateBasePathMapping, UpdateApiMapping); its id stays. */
export async function updateMapping(
  control: ControlPlane,
  d: DomainName,
  before: ApiMapping,
  change: MappingChange,
  words: MappingWords,
): Promise<ApiMapping> {
  const family = await checkTarget(control, change, words);
  checkMappingFits(d, family, change.basePath, await familiesOf(control, d, before.apiMappingId));
  const next: ApiMapping = {
    apiMappingId: before.apiMappingId,
    basePath: change.basePath,
    apiId: change.apiId,
    ...(change.stage === undefined ? {} : { stage: change.stage }),
  };
  await commit(control, d, (mappings) => {
    if (mappings[before.basePath]?.apiMappingId !== before.apiMappingId)
      throw notFound("Invalid base path mapping identifier specified");
    if (change.basePath !== before.basePath && mappings[change.basePath] !== undefined)
      throw new ControlError("ConflictException", words.conflict);
    delete mappings[before.basePath];
    mappings[change.basePath] = next;
  });
  return next;
}

/** DeleteBasePathMapping / DeleteApiMapping: served no more from the next request on. */
export async function deleteMapping(
  control: ControlPlane,
  d: DomainName,
  mapping: ApiMapping,
): Promise<void> {
  await commit(control, d, (mappings) => {
    if (mappings[mapping.basePath]?.apiMappingId === mapping.apiMappingId) delete mappings[mapping.basePath];
  });
}

/** A mapping by apigatewayv2 id, or NotFoundException. */
export function mappingById(d: DomainName, apiMappingId: string): ApiMapping {
  const found = Object.values(d.basePathMappings).find((m) => m.apiMappingId === apiMappingId);
  if (found === undefined) throw notFound("Invalid API mapping identifier specified");
  return found;
}

/**
 * DeleteRestApi / DeleteApi of an API a domain still maps: refused, as AWS does, so no mapping is
 * left naming an API that is gone.
 */
export async function refuseMappedApi(control: ControlPlane, apiId: string): Promise<void> {
  const domains = await control.listDocuments<DomainName>("domainnames");
  if (domains.some((d) => Object.values(normalizeDomain(d).basePathMappings).some((m) => m.apiId === apiId)))
    throw badRequest(
      `Deleting API ${apiId} failed. Please remove all API mappings for the API from your custom domain names.`,
    );
}
