import type { ApiType } from "./context.ts";

/**
 * `$context.authorizer.{path}` — what an authorizer let through, by the names AWS documents — for
 * parameter mappings and access logs. REST keeps `principalId` and the context keys at the top of
 * `requestContext.authorizer` (and Cognito's `claims`); HTTP APIs keep a Lambda authorizer's context
 * under `lambda` and a JWT's claims under `jwt.claims`, yet `$context.authorizer.key` and
 * `$context.authorizer.claims.sub` name them all the same. An HTTP API Lambda context may hold maps
 * and arrays: a longer path walks into them.
 */
export function authorizerProperty(
  authorizer: Readonly<Record<string, unknown>> | undefined,
  apiType: ApiType,
  path: readonly string[],
): unknown {
  if (authorizer === undefined || path.length === 0) return undefined;
  let value: unknown = authorizer;
  let rest = path;
  if (apiType === "HTTP") {
    if (path[0] === "claims") {
      value = (authorizer.jwt as { claims?: unknown } | undefined)?.claims;
      rest = path.slice(1);
    } else if (Object.hasOwn(authorizer, "lambda")) value = authorizer.lambda;
  }
  for (const key of rest) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A property as text: strings as they are, numbers and booleans printed, maps and arrays as JSON. */
export function propertyText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
