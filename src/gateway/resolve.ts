import type { CompiledApi, CompiledStage, CustomDomainFacts } from "./context.ts";
import { type CompiledDomain, type DomainTable, matchMapping } from "./custom-domains.ts";
import { withoutDotSegments } from "./dot-segments.ts";
import type { RoutingTable } from "./routing-table.ts";

/**
 * Host/path → API and stage (docs/requests.md: calling an API):
 * - `Host: {api-id}.execute-api.{region}.amazonaws.com` or `….localhost`, path `/{stage}/…`;
 * - `Host: {api-id}{suffix}` when a public URL (`listen.publicUrl`: `https://{apiId}{suffix}`) names
 *   the hosts the gateway is reached by behind a load balancer;
 * - path style `/restapis/{api-id}/{stage}/_user_request_/{path}` for clients that cannot set Host;
 * - HTTP APIs: a first segment naming a stage selects it, otherwise the `$default` stage serves the
 *   whole path;
 * - `Host: {custom domain}`: its API mappings, longest base path first (custom-domains.ts); a path
 *   none matches is `unmapped` (AWS: 403 Forbidden).
 * Dot segments are resolved first, over the whole path, as AWS's edge does: `..` can leave the stage
 * (and then names another, or none) but never reaches a backend.
 */
export type Resolution =
  | { kind: "unknown-api" }
  | { kind: "unmapped" }
  | { kind: "unknown-stage"; api: CompiledApi; domain?: CustomDomainFacts }
  | {
      kind: "found";
      api: CompiledApi;
      stage: CompiledStage;
      path: string;
      rawQuery: string;
      /** Present when a custom domain's mapping chose the API. */
      domain?: CustomDomainFacts;
    };

const UNMAPPED: Resolution = { kind: "unmapped" };

const EXECUTE_API = ".execute-api.";
const PATH_STYLE = "/restapis/";
const USER_REQUEST = "/_user_request_";

/** Host header → API id (or null), remembered: clients send the same few hosts again and again. */
const hostApiIds = new Map<string, string | null>();
const HOSTS_REMEMBERED = 1024;

/**
 * The API a Host header names: `{api-id}.execute-api.{region}.amazonaws.com` or `….localhost`, or
 * `{api-id}{publicSuffix}` when the gateway has a public URL (its host after `{apiId}`, lower case).
 */
export function apiIdFromHost(host: string | undefined, publicSuffix?: string): string | undefined {
  if (host === undefined) return undefined;
  let known = hostApiIds.get(host);
  if (known === undefined) {
    known = parseApiIdFromHost(host) ?? null;
    if (hostApiIds.size >= HOSTS_REMEMBERED) hostApiIds.clear();
    hostApiIds.set(host, known);
  }
  if (known !== null) return known;
  // Not remembered: gateways in one process (tests) may have different public URLs.
  return publicSuffix === undefined ? undefined : apiIdFromPublicHost(host, publicSuffix);
}

/** `{api-id}{suffix}` with an optional port, case-insensitive as DNS names are. */
function apiIdFromPublicHost(host: string, suffix: string): string | undefined {
  const colon = host.lastIndexOf(":");
  const name = colon !== -1 && /^:\d+$/.test(host.slice(colon)) ? host.slice(0, colon) : host;
  if (name.length !== 10 + suffix.length) return undefined;
  const lower = name.toLowerCase();
  if (!lower.endsWith(suffix)) return undefined;
  const id = lower.slice(0, 10);
  return /^[a-z0-9]{10}$/.test(id) ? id : undefined;
}

function parseApiIdFromHost(host: string): string | undefined {
  const at = host.indexOf(EXECUTE_API);
  if (at !== 10) return undefined;
  const lower = host.toLowerCase();
  const rest = lower.slice(at + EXECUTE_API.length).replace(/:\d+$/, "");
  const dot = rest.indexOf(".");
  if (dot <= 0) return undefined;
  const domain = rest.slice(dot + 1);
  if (domain !== "amazonaws.com" && domain !== "localhost") return undefined;
  return lower.slice(0, 10);
}

function privateApiIdFromHost(host: string | undefined): string | undefined {
  if (host === undefined || !host.includes(".vpce.")) return undefined;
  const m = /^([a-z0-9]{10})-vpce-[a-z0-9]+\.execute-api\.[a-z0-9-]+\.vpce\.amazonaws\.com(?::\d+)?$/i.exec(
    host,
  );
  return m?.[1]?.toLowerCase();
}

/**
 * The release a request is served by: a stage with a canary sends `percentTraffic` percent of its
 * requests, chosen at random one by one, to the canary (AWS: canary-release.html). 0 and 100 are exact.
 */
export function pickRelease(stage: CompiledStage, random: () => number = Math.random): CompiledStage {
  const canary = stage.canary;
  if (canary === undefined || canary.percentTraffic <= 0) return stage;
  if (canary.percentTraffic >= 100) return canary.release;
  return random() * 100 < canary.percentTraffic ? canary.release : stage;
}

function found(api: CompiledApi, stage: CompiledStage, path: string, rawQuery: string): Resolution {
  return { kind: "found", api, stage: pickRelease(stage), path, rawQuery };
}

function selectStage(api: CompiledApi, path: string, rawQuery: string, pathStyle: boolean): Resolution {
  // `//stage/x` is `/stage/x` on AWS: leading empty segments are ignored when picking the stage.
  let start = 0;
  while (path.charCodeAt(start) === 47 /* / */) start++;
  const end = path.indexOf("/", start);
  const first = end === -1 ? path.slice(start) : path.slice(start, end);
  const rest = end === -1 ? "/" : path.slice(end);
  const named = first === "" ? undefined : api.stages.get(first);
  if (pathStyle) {
    // Path style carries the stage and then `/_user_request_` before the resource path.
    if (named === undefined) return { kind: "unknown-stage", api };
    if (!rest.startsWith(USER_REQUEST)) return { kind: "unknown-stage", api };
    const below = rest.slice(USER_REQUEST.length);
    return found(api, named, below === "" ? "/" : below, rawQuery);
  }
  if (named !== undefined && named.stageName !== "$default") return found(api, named, rest, rawQuery);
  if (api.apiType === "HTTP") {
    const fallback = api.stages.get("$default");
    if (fallback !== undefined) return found(api, fallback, path === "" ? "/" : path, rawQuery);
  }
  return { kind: "unknown-stage", api };
}

/**
 * A custom domain's request: the mapping its path selects, then the mapping's stage (or, for a REST
 * base path mapping without one, the next segment's). A mapping whose API or stage is not deployed
 * here answers as no mapping does; a WebSocket API's mapping is the WebSocket plane's (`@connections`).
 */
function onDomain(table: RoutingTable, domain: CompiledDomain, path: string, rawQuery: string): Resolution {
  const match = matchMapping(domain, path);
  if (match === undefined) return UNMAPPED;
  const { mapping, rest } = match;
  const api = table.apis.get(mapping.apiId);
  if (api === undefined) return UNMAPPED;
  const facts: CustomDomainFacts = {
    domainName: domain.domainName,
    basePath: mapping.key,
    requestPath: path,
  };
  if (mapping.stage === undefined) {
    const chosen = selectStage(api, rest, rawQuery, false);
    return chosen.kind === "found" || chosen.kind === "unknown-stage" ? { ...chosen, domain: facts } : chosen;
  }
  const stage = api.stages.get(mapping.stage);
  if (stage === undefined) return UNMAPPED;
  return { kind: "found", api, stage: pickRelease(stage), path: rest, rawQuery, domain: facts };
}

export function resolve(
  table: RoutingTable,
  host: string | undefined,
  url: string,
  apiIdHeader?: string,
  publicSuffix?: string,
  domains?: DomainTable,
): Resolution {
  // A fragment names a place in the answer, not part of the resource: it is never routed or forwarded.
  const hash = url.indexOf("#");
  if (hash !== -1) url = url.slice(0, hash);
  const q = url.indexOf("?");
  const path = withoutDotSegments(q === -1 ? url : url.slice(0, q));
  const rawQuery = q === -1 ? "" : url.slice(q + 1);
  // Private APIs are also addressed as `{api-id}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com`
  // or with an `x-apigw-api-id` header through the endpoint's own DNS name.
  let hostApiId = apiIdFromHost(host, publicSuffix) ?? privateApiIdFromHost(host);
  if (hostApiId === undefined) {
    // Only requests no API id names look at the custom domains: execute-api hosts never pay for them.
    const domain = domains?.lookup(host);
    if (domain !== undefined) return onDomain(table, domain, path, rawQuery);
    if (apiIdHeader !== undefined && /^[a-z0-9]{10}$/.test(apiIdHeader)) hostApiId = apiIdHeader;
  }
  if (hostApiId !== undefined) {
    const api = table.apis.get(hostApiId);
    return api === undefined ? { kind: "unknown-api" } : selectStage(api, path, rawQuery, false);
  }
  if (path.startsWith(PATH_STYLE)) {
    const idEnd = path.indexOf("/", PATH_STYLE.length);
    const apiId = path.slice(PATH_STYLE.length, idEnd === -1 ? undefined : idEnd);
    const api = table.apis.get(apiId);
    if (api === undefined) return { kind: "unknown-api" };
    return selectStage(api, idEnd === -1 ? "" : path.slice(idEnd), rawQuery, true);
  }
  return { kind: "unknown-api" };
}
