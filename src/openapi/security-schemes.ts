import { isObject, type OpenApiDocument } from "./parse-document.ts";

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
