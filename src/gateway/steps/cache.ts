import { joinedHeader } from "../../http/raw-headers.ts";
import { MAX_CACHED_BYTES, type RouteCachePolicy } from "../../traffic/route-traffic.ts";
import type { CachedResponse } from "../../traffic/traffic-backend.ts";
import { type CacheMessage, cacheLookups } from "../channels.ts";
import type { RequestContext } from "../context.ts";
import { canonicalPath } from "../method-arn.ts";
import { countBody } from "../request-watch.ts";
import { renderRefusal } from "../responses/catalogue.ts";
import { idHeaders, sendGatewayResponse } from "../responses/send.ts";
import { stepEnded, stepStarted } from "../step-events.ts";
import { captureResponse } from "./response-capture.ts";

/** Headers that belong to one response, never replayed from the cache. */
const PER_RESPONSE = new Set([
  "x-amzn-requestid",
  "x-amz-apigw-id",
  "apigw-requestid",
  "x-amzn-trace-id",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "x-portico-trace",
  "x-portico-cache",
  "warning",
]);

/** Portico's wording for SUCCEED_WITH_RESPONSE_HEADER (AWS documents a warning header, not its text). */
const WARNING = '199 - "Cache-Control: max-age=0 ignored: not authorized to invalidate the cache"';

/** The cache key: method, resource path and the declared `cacheKeyParameters` values, as on AWS. */
export function cacheKey(ctx: RequestContext, policy: RouteCachePolicy): string {
  let key = policy.methodKey ?? `${ctx.req.method} ${ctx.route.resourcePath}`;
  if (policy.release !== undefined) key = `${policy.release}\n${key}`;
  if (policy.keyParameters.length === 0) return key;
  const query = policy.keyUsesQuery ? new URLSearchParams(ctx.rawQuery) : undefined;
  for (const p of policy.keyParameters) {
    let value: string | undefined;
    if (p.kind === "path") value = ctx.pathParams[p.name];
    else if (p.kind === "querystring") value = query!.getAll(p.name).join(",");
    else {
      const h = ctx.req.headers[p.name];
      value = Array.isArray(h) ? h.join(",") : h;
    }
    key += `\n${p.kind}.${p.name}=${value ?? ""}`;
  }
  return key;
}

/** `Cache-Control: max-age=0` asks for a fresh answer (and a fresh cache entry). */
function wantsInvalidation(ctx: RequestContext): boolean {
  const cc = joinedHeader(ctx.req.rawHeaders, "cache-control");
  return cc !== undefined && /(?:^|,)\s*max-age\s*=\s*0\s*(?:,|$)/i.test(cc);
}

/** Whether the caller holds `execute-api:InvalidateCache` on the method (resource or identity policy). */
function mayInvalidate(ctx: RequestContext): boolean {
  const { stage } = ctx;
  if (ctx.caller === undefined && !stage.hasPolicy) return false;
  if (stage.access === undefined) return false;
  return stage.access(ctx, ctx.caller, undefined, "execute-api:InvalidateCache") === undefined;
}

function replay(ctx: RequestContext, hit: CachedResponse, warning: boolean): void {
  if (cacheLookups.hasSubscribers) cacheLookups.publish({ ctx, outcome: "hit" } satisfies CacheMessage);
  const headers = idHeaders(ctx.stage.apiType, ctx);
  for (let i = 0; i < hit.headers.length; i += 2) headers.push(hit.headers[i]!, hit.headers[i + 1]!);
  headers.push("Content-Length", String(hit.body.length), "x-portico-cache", "hit");
  if (warning) headers.push("Warning", WARNING);
  ctx.res.writeHead(hit.statusCode, headers);
  const body = ctx.req.method === "HEAD" ? undefined : hit.body;
  countBody(ctx.res, body);
  ctx.res.end(body);
}

/**
 * Serves a cacheable method: a hit is answered from the stage cache (with fresh request ids); a miss
 * runs the integration and stores a 2xx answer of at most 1 MB for the method's TTL. Invalidation by
 * `Cache-Control: max-age=0` needs `execute-api:InvalidateCache` when the method requires it; otherwise
 * the `unauthorizedCacheControlHeaderStrategy` decides.
 */
export function serveWithCache(ctx: RequestContext, policy: RouteCachePolicy): Promise<void> | undefined {
  const store = ctx.stage.traffic?.cache;
  if (store === undefined) return ctx.route.invoke(ctx);
  const key = cacheKey(ctx, policy);
  // For tracers, the lookup is a step of its own; on a miss the integration follows it.
  const lookup = stepStarted(ctx, "cache");
  let warn = false;
  let refresh = false;
  if (wantsInvalidation(ctx)) {
    if (!policy.requireAuthorizationForCacheControl || mayInvalidate(ctx)) refresh = true;
    else if (policy.unauthorizedStrategy === "FAIL_WITH_403") {
      const arn = `${ctx.stage.apiId}/${ctx.stage.stageName}/${ctx.req.method}/${canonicalPath(ctx.path)}`;
      const message = `User: anonymous is not authorized to perform: execute-api:InvalidateCache on resource: ${arn}`;
      const refusal = renderRefusal(ctx.stage.responses, {
        type: "ACCESS_DENIED",
        messageKey: "Message",
        message,
      });
      stepEnded(lookup, { refusal });
      sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, refusal);
      return undefined;
    } else warn = policy.unauthorizedStrategy === "SUCCEED_WITH_RESPONSE_HEADER";
  }
  if (refresh)
    return Promise.resolve(store.delete(policy.stage, key)).then(() => {
      stepEnded(lookup, { outcome: "refresh" });
      return fetchAndStore(ctx, policy, key, "refresh", warn);
    });
  const found = store.get(policy.stage, key, policy.encrypted);
  // The in-process cache answers synchronously: a hit costs no extra turn of the event loop.
  if (!(found instanceof Promise)) {
    if (found === undefined) {
      stepEnded(lookup, { outcome: "miss" });
      return fetchAndStore(ctx, policy, key, "miss", warn);
    }
    replay(ctx, found, warn);
    stepEnded(lookup, { outcome: "hit" });
    return undefined;
  }
  return found.then((hit) => {
    if (hit === undefined) {
      stepEnded(lookup, { outcome: "miss" });
      return fetchAndStore(ctx, policy, key, "miss", warn);
    }
    replay(ctx, hit, warn);
    stepEnded(lookup, { outcome: "hit" });
  });
}

/** Runs the integration, keeping a cacheable (2xx, at most 1 MB) answer for the method's TTL. */
function fetchAndStore(
  ctx: RequestContext,
  policy: RouteCachePolicy,
  key: string,
  outcome: "miss" | "refresh",
  warn: boolean,
): Promise<void> {
  const store = ctx.stage.traffic!.cache;
  if (cacheLookups.hasSubscribers) cacheLookups.publish({ ctx, outcome: "miss" } satisfies CacheMessage);
  ctx.res.setHeader("x-portico-cache", outcome);
  if (warn) ctx.res.setHeader("Warning", WARNING);
  captureResponse(ctx.res, MAX_CACHED_BYTES, (captured) => {
    if (captured.body === undefined || captured.statusCode < 200 || captured.statusCode > 299) return;
    const headers: string[] = [];
    for (let i = 0; i < captured.headers.length; i += 2) {
      if (!PER_RESPONSE.has(captured.headers[i]!.toLowerCase()))
        headers.push(captured.headers[i]!, captured.headers[i + 1]!);
    }
    store.set(
      policy.stage,
      key,
      { statusCode: captured.statusCode, headers, body: captured.body },
      policy.ttlMs,
      policy.capacityBytes,
      policy.encrypted,
    );
  });
  return ctx.route.invoke(ctx);
}
