import { importError } from "./errors.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { deref } from "./resolve-refs.ts";

/** The scheme types OpenAPI 2.0 and 3.x define; any other type is a mistake, refused on import. */
export const OPENAPI_SCHEME_TYPES: ReadonlySet<string> = new Set([
  "apiKey",
  "http",
  "oauth2",
  "openIdConnect",
  "basic",
  "mutualTLS",
]);

/** `securityDefinitions` (2.0) or `components.securitySchemes` (3.x), as written. */
export function securitySchemesOf(doc: OpenApiDocument): unknown {
  return doc.version === "2.0"
    ? doc.root.securityDefinitions
    : isObject(doc.root.components)
      ? doc.root.components.securitySchemes
      : undefined;
}

/** Each security scheme by name, `$ref`s followed; a scheme that is not an object is refused. */
export function securitySchemeEntries(doc: OpenApiDocument): [string, Record<string, unknown>][] {
  const schemes = securitySchemesOf(doc);
  if (schemes === undefined) return [];
  if (!isObject(schemes)) throw importError("Invalid OpenAPI input: security schemes must be an object");
  return Object.entries(schemes).map(([name, value]) => {
    const raw = deref(doc.root, value);
    if (!isObject(raw)) throw importError(`Invalid OpenAPI input: securitySchemes.${name} must be an object`);
    return [name, raw];
  });
}
