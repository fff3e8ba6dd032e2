import type { RequestContext } from "../gateway/context.ts";
import { dotSegment } from "../gateway/dot-segments.ts";
import { encodeQueryPair, withoutNames } from "../http/query-string.ts";
import type { ResolvedTarget } from "./backend-target.ts";
import type { RequestMapping } from "./http-api-mapping.ts";

/**
 * Applies an HTTP API request mapping to a proxied request: the client's query string minus removed
 * and overwritten names, plus mapped values; mapped headers; and `overwrite:path` replacing the path.
 * False when the mapped path holds a dot segment (`..`, `%2E%2E`): a value from the request must not
 * walk the backend path out of what the mapping names, so the request is refused instead.
 */
export function applyRequestMapping(
  ctx: RequestContext,
  mapping: RequestMapping,
  target: ResolvedTarget,
  headers: string[],
): boolean {
  for (const h of mapping.headers) headers.push(h.name, h.value(ctx));
  const dropped = new Set([
    ...mapping.removeQuery,
    ...mapping.query.filter((q) => q.mode === "overwrite").map((q) => q.name),
  ]);
  const pairs: string[] = [];
  const client = withoutNames(ctx.rawQuery, dropped);
  if (client !== "") pairs.push(client);
  for (const q of mapping.query) pairs.push(encodeQueryPair(q.name, q.value(ctx)));
  const q = target.path.indexOf("?");
  let path = q === -1 ? target.path : target.path.slice(0, q);
  const own = q === -1 ? "" : target.path.slice(q + 1);
  if (mapping.path !== undefined) {
    const mapped = mapping.path(ctx);
    if (mapped.split("/").some((segment) => dotSegment(segment) !== 0)) return false;
    path = mapped.startsWith("/") ? mapped : `/${mapped}`;
  }
  const query = [own, ...pairs].filter((p) => p !== "").join("&");
  target.path = query === "" ? path : `${path}?${query}`;
  return true;
}
