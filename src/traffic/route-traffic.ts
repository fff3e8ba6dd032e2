import type { Integration, MethodSetting, Stage } from "../model/rest-api.ts";
import type { Bucket } from "./traffic-backend.ts";

/** AWS's cache cluster sizes (GB) as byte bounds for the in-process cache. */
const GB = 1024 * 1024 * 1024;
export const DEFAULT_CACHE_TTL_SECONDS = 300;
/** AWS does not cache responses larger than this. */
export const MAX_CACHED_BYTES = 1_048_576;

/** How one REST method uses the stage cache. */
export interface RouteCachePolicy {
  /** `{apiId}/{stage}`: the cache's namespace. */
  readonly stage: string;
  /** A canary release on another deployment keys its entries apart from production's. */
  readonly release?: string;
  readonly ttlMs: number;
  readonly capacityBytes: number;
  /** The method request values that make up the key besides method and resource path. */
  readonly keyParameters: readonly { kind: "path" | "querystring" | "header"; name: string }[];
  /** Whether any key parameter is a query string value (the query is then parsed once per request). */
  readonly keyUsesQuery: boolean;
  /** `GET /pets`: the key's method and resource part, known at deploy time unless the method is ANY. */
  readonly methodKey: string | undefined;
  readonly requireAuthorizationForCacheControl: boolean;
  /** `caching/dataEncrypted`: entries that leave the process (Redis) are encrypted. */
  readonly encrypted: boolean;
  readonly unauthorizedStrategy:
    | "FAIL_WITH_403"
    | "SUCCEED_WITH_RESPONSE_HEADER"
    | "SUCCEED_WITHOUT_RESPONSE_HEADER";
}

/** The settings entry for a method: its own (`~1pets/GET`, also `pets/GET`), else the stage's `*\/*`. */
function ownSetting(stage: Stage, resourcePath: string, httpMethod: string): MethodSetting | undefined {
  const settings = stage.methodSettings as Record<string, MethodSetting | undefined>;
  return (
    settings[`${resourcePath.replaceAll("/", "~1")}/${httpMethod}`] ??
    settings[`${resourcePath.slice(1)}/${httpMethod}`]
  );
}

/** A REST method's settings: its own, else the stage's `*\/*`. */
export function methodSetting(
  stage: Stage,
  resourcePath: string,
  httpMethod: string,
): MethodSetting | undefined {
  return (
    ownSetting(stage, resourcePath, httpMethod) ??
    (stage.methodSettings as Record<string, MethodSetting | undefined>)["*/*"]
  );
}

const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

/**
 * A REST method's stage throttle: its own method settings, else the stage default (`*\/*`), each
 * method with its own bucket. Undefined when neither sets limits (the account limit still applies).
 */
export function restMethodBucket(stage: Stage, resourcePath: string, httpMethod: string): Bucket | undefined {
  const s = methodSetting(stage, resourcePath, httpMethod);
  if (s === undefined || !finite(s.throttlingRateLimit) || !finite(s.throttlingBurstLimit)) return undefined;
  if (s.throttlingRateLimit < 0 || s.throttlingBurstLimit < 0) return undefined;
  return {
    key: `s:${stage.restApiId}/${stage.stageName}:${resourcePath}/${httpMethod}`,
    rate: s.throttlingRateLimit,
    burst: s.throttlingBurstLimit,
  };
}

/** A route's buckets, narrowest first: its stage throttle (if any), then the account's (if any). */
export function routeBuckets(
  stageBucket: Bucket | undefined,
  account: Bucket | undefined,
): readonly Bucket[] {
  const out: Bucket[] = [];
  if (stageBucket !== undefined) out.push(stageBucket);
  if (account !== undefined) out.push(account);
  return out;
}

/** An HTTP API route's throttle: its `routeSettings` entry, else the stage's `defaultRouteSettings`. */
export function httpRouteBucket(
  apiId: string,
  stageName: string,
  routeKey: string,
  defaults: Record<string, unknown> | undefined,
  perRoute: Record<string, unknown> | undefined,
): Bucket | undefined {
  const own = perRoute?.[routeKey] as Record<string, unknown> | undefined;
  const rate = own?.throttlingRateLimit ?? defaults?.throttlingRateLimit;
  const burst = own?.throttlingBurstLimit ?? defaults?.throttlingBurstLimit;
  if (!finite(rate) || !finite(burst) || rate < 0 || burst < 0) return undefined;
  return { key: `s:${apiId}/${stageName}:${routeKey}`, rate, burst };
}

const KEY_PARAMETER = /^(?:method|integration)\.request\.(path|querystring|header)\.(.+)$/;

/**
 * Whether and how a REST method is cached. The stage's cache cluster must be on. A method's own
 * settings decide for it; otherwise only GET methods are cached ("when you enable caching for a
 * stage, only GET methods have caching enabled by default"), as the stage-wide `*\/*` settings say,
 * or by default when there are none.
 */
export function restMethodCache(
  stage: Stage,
  resourcePath: string,
  httpMethod: string,
  integration: Integration | undefined,
): RouteCachePolicy | undefined {
  if (!stage.cacheClusterEnabled) return undefined;
  const own = ownSetting(stage, resourcePath, httpMethod);
  const s = methodSetting(stage, resourcePath, httpMethod);
  const enabled =
    own !== undefined ? own.cachingEnabled === true : httpMethod === "GET" && (s?.cachingEnabled ?? true);
  const ttl = s?.cacheTtlInSeconds ?? DEFAULT_CACHE_TTL_SECONDS;
  if (!enabled || ttl <= 0) return undefined;
  const keyParameters: { kind: "path" | "querystring" | "header"; name: string }[] = [];
  for (const p of integration?.cacheKeyParameters ?? []) {
    // An integration.request.* key stands for the method request value mapped into it.
    const source = p.startsWith("integration.") ? (integration?.requestParameters?.[p] ?? p) : p;
    const m = KEY_PARAMETER.exec(source);
    if (m === null) continue;
    const kind = m[1] as "path" | "querystring" | "header";
    keyParameters.push({ kind, name: kind === "header" ? m[2]!.toLowerCase() : m[2]! });
  }
  return {
    stage: `${stage.restApiId}/${stage.stageName}`,
    ttlMs: ttl * 1000,
    capacityBytes: Number(stage.cacheClusterSize ?? "0.5") * GB,
    keyParameters,
    keyUsesQuery: keyParameters.some((p) => p.kind === "querystring"),
    methodKey: httpMethod === "ANY" ? undefined : `${httpMethod} ${resourcePath}`,
    requireAuthorizationForCacheControl: s?.requireAuthorizationForCacheControl ?? true,
    encrypted: s?.cacheDataEncrypted ?? false,
    unauthorizedStrategy: (s?.unauthorizedCacheControlHeaderStrategy ??
      "SUCCEED_WITH_RESPONSE_HEADER") as RouteCachePolicy["unauthorizedStrategy"],
  };
}
