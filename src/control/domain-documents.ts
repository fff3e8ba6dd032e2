import { type ApiMapping, type DomainName, domainKey, ROOT_BASE_PATH } from "../model/domain-name.ts";
import type { ControlPlane } from "./control-plane.ts";
import { normalizeDomain } from "./domain-table.ts";
import { badRequest, notFound } from "./errors.ts";

/**
 * Reading custom domain names from the store, and the rules every change to them shares: what an
 * API mapping may name, which APIs may share a domain, what apigatewayv2 may manage. AWS's words are
 * kept where they are recorded (issue trackers quoting AWS's answers); docs/domains.md lists them.
 */

export const DOMAIN_NOT_FOUND = "Invalid domain name identifier specified";

/** AWS refuses every apigatewayv2 change to a domain name that is not REGIONAL with TLS 1.2. */
export const V2_EDGE_REFUSAL =
  "Only REGIONAL domain names can be managed through the API Gateway V2 API. For EDGE domain names, please use the API Gateway V1 API. Also note that only REST APIs can be attached to EDGE domain names.";
export const V2_TLS_REFUSAL =
  "Only REGIONAL domain names with a security policy of TLS 1.2 can be managed through the API Gateway V2 API. For TLS 1.0 domain names, please use the API Gateway V1 API to upgrade your security policy to TLS 1.2. Currently, only REST APIs can be attached to a domain name with a security policy of TLS 1.0.";
/** CreateBasePathMapping on a domain with HTTP or WebSocket mappings, and any WebSocket/REST mix. */
export const MIXING_REFUSAL =
  "Mixing of REST APIs and HTTP APIs on the same domain name can only be accomplished through API Gateway's V2 DomainName interface. Currently, WebSocket APIs can only be attached to a domain name with other WebSocket APIs. This must also occur through API Gateway's V2 DomainName interface.";

/** The API kinds a mapping may name. */
export type ApiFamily = "REST" | "HTTP" | "WEBSOCKET";

/** A domain name by name (and, PRIVATE ones, id); NotFoundException as AWS words it when missing. */
export async function findDomain(control: ControlPlane, name: string, id?: string): Promise<DomainName> {
  const stored = await control.getDocument<DomainName>("domainnames", domainKey(name, id ?? undefined));
  if (stored === undefined) throw notFound(DOMAIN_NOT_FOUND);
  return normalizeDomain(stored);
}

export async function listDomains(control: ControlPlane): Promise<DomainName[]> {
  return (await control.listDocuments<DomainName>("domainnames")).map(normalizeDomain);
}

/** `arn:aws:apigateway:{region}::/domainnames/{name}`; a PRIVATE one's names its account and id. */
export function domainArn(control: ControlPlane, d: DomainName): string {
  return d.domainNameId === undefined
    ? `arn:aws:apigateway:${control.region}::/domainnames/${d.domainName}`
    : `arn:aws:apigateway:${control.region}:${control.accountId}:/domainnames/${d.domainName}+${d.domainNameId}`;
}

/** The endpoint type of a domain name (one of EDGE, REGIONAL, PRIVATE). */
export const endpointType = (d: DomainName): string => d.endpointConfiguration.types[0] ?? "EDGE";

/** apigatewayv2 may change only REGIONAL TLS 1.2 domain names. */
export function checkV2Manageable(d: DomainName): void {
  if (endpointType(d) !== "REGIONAL") throw badRequest(V2_EDGE_REFUSAL);
  if (d.securityPolicy === "TLS_1_0") throw badRequest(V2_TLS_REFUSAL);
}

/** The kind of API an id names, or undefined when there is none. */
export async function apiFamily(control: ControlPlane, apiId: string): Promise<ApiFamily | undefined> {
  if ((await control.getRestApi(apiId)) !== undefined) return "REST";
  return (await control.getHttpApi(apiId))?.api.protocolType;
}

/** Whether the API has the stage (deployed or not: a mapping may precede its deployment). */
export async function hasStage(
  control: ControlPlane,
  family: ApiFamily,
  apiId: string,
  stage: string,
): Promise<boolean> {
  if (family === "REST") return (await control.getRestStage(apiId, stage)) !== undefined;
  return (await control.getHttpStage(apiId, stage)) !== undefined;
}

/** The kinds of API a domain's mappings name (a mapping whose API is gone names none). */
export async function familiesOf(
  control: ControlPlane,
  d: DomainName,
  except?: string,
): Promise<Set<ApiFamily>> {
  const families = new Set<ApiFamily>();
  for (const m of Object.values(d.basePathMappings)) {
    if (m.apiMappingId === except) continue;
    const family = await apiFamily(control, m.apiId);
    if (family !== undefined) families.add(family);
  }
  return families;
}

const KEY_SEGMENT = "[A-Za-z0-9$\\-_.+!*'()]+";
const MULTI_LEVEL_KEY = new RegExp(`^${KEY_SEGMENT}(/${KEY_SEGMENT})*$`);
const ONE_LEVEL_KEY = new RegExp(`^${KEY_SEGMENT}$`);
const MAX_KEY_LENGTH = 300;

/** An ApiMappingKey (`""` for the root) as a base path; WebSocket APIs' have one level only. */
export function mappingKeyToBasePath(key: string, family: ApiFamily): string {
  if (key === "") return ROOT_BASE_PATH;
  const pattern = family === "WEBSOCKET" ? ONE_LEVEL_KEY : MULTI_LEVEL_KEY;
  if (key.length > MAX_KEY_LENGTH || !pattern.test(key))
    throw badRequest("An ApiMapping key may contain only letters, numbers and one of $-_.+!*'()");
  return key;
}

/** A mapping's base path as apigatewayv2 shows it: the root's is empty. */
export const apiMappingKey = (m: ApiMapping): string => (m.basePath === ROOT_BASE_PATH ? "" : m.basePath);

/**
 * The rules a new or changed mapping must keep with the domain's others: WebSocket APIs only beside
 * WebSocket APIs; HTTP APIs and multi-level paths only on REGIONAL TLS 1.2 domain names.
 */
export function checkMappingFits(
  d: DomainName,
  family: ApiFamily,
  basePath: string,
  others: ReadonlySet<ApiFamily>,
): void {
  const websocket = family === "WEBSOCKET";
  if ([...others].some((f) => (f === "WEBSOCKET") !== websocket)) throw badRequest(MIXING_REFUSAL);
  if (family === "HTTP" || basePath.includes("/")) checkV2Manageable(d);
}
