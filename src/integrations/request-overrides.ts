import type { RequestContext } from "../gateway/context.ts";
import type { GatewayResponse } from "../gateway/responses/catalogue.ts";
import { encodeQueryPair } from "../http/query-string.ts";
import { replaceHeader, requestOverrides, sendableHeader } from "../mapping/overrides.ts";
import type { TemplateInput } from "../mapping/template-set.ts";
import { type HttpBackendSpec, type ResolvedTarget, resolveTarget } from "./backend-target.ts";
import { CLIENT_OWNED_HEADERS } from "./restricted-headers.ts";

/**
 * Applies `$context.requestOverride` (set by the request template) to a non-proxy HTTP integration
 * request, after the standard parameter mappings, as AWS does: `header.N` replaces or adds header N
 * in `headers` (a flat list), `querystring.N` replaces query parameter N, `path.N` the URI's `{N}`
 * (one segment, URL-encoded). Returns the target to call (`target` itself when the template set no
 * query or path override), or the gateway response to answer when the overridden URI cannot be
 * called (a path that would walk the backend path, a stage variable missing), as for a mapped value.
 */
export function applyRequestOverride(
  input: TemplateInput | undefined,
  ctx: RequestContext,
  spec: HttpBackendSpec,
  target: ResolvedTarget,
  headers: string[],
): ResolvedTarget | GatewayResponse {
  const o = requestOverrides(input?.builtContext);
  if (o === undefined) return target;
  for (const [name, value] of o.header) {
    // What the HTTP client owns or refuses stays the client's, as with mappings (restricted-headers.ts).
    if (CLIENT_OWNED_HEADERS.has(name.toLowerCase()) || !sendableHeader(name, value)) continue;
    replaceHeader(headers, name, value);
  }
  if (o.querystring.length === 0 && o.path.length === 0) return target;
  const path = new Map(o.path);
  const query = new Map(o.querystring);
  const pathParams = { ...ctx.pathParams };
  for (const [name, value] of path) pathParams[name] = encodeURIComponent(value);
  const resolved = resolveTarget(
    { ...ctx, pathParams },
    {
      ...spec,
      mappings: spec.mappings.filter((m) => !(m.location === "path" && path.has(m.name))),
      queryMappings: spec.queryMappings.filter((m) => !query.has(m.name)),
    },
    false,
  );
  if ("statusCode" in resolved || query.size === 0) return resolved;
  const pairs = [...query].map(([name, value]) => encodeQueryPair(name, value)).join("&");
  const joiner = resolved.path.includes("?") ? (resolved.path.endsWith("?") ? "" : "&") : "?";
  return { origin: resolved.origin, path: resolved.path + joiner + pairs };
}
