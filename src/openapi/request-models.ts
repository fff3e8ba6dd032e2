import type { OpenApiDocument } from "./parse-document.ts";
import { isObject } from "./parse-document.ts";
import { deref } from "./resolve-refs.ts";

const MODEL_REF = /^#\/(?:definitions|components\/schemas)\/([A-Za-z0-9]+)$/;

/**
 * A method's `requestModels` from its operation: OpenAPI 3's `requestBody.content.{type}.schema`
 * and Swagger 2's `in: body` parameter (one model for each type the operation consumes), where the
 * schema names a model by `$ref`. These are what a request validator checks the body against.
 */
export function requestModels(
  doc: OpenApiDocument,
  op: Record<string, unknown>,
  where: string,
  warnings: string[],
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const modelOf = (schema: unknown, at: string): string | undefined => {
    if (!isObject(schema)) return undefined;
    const m = typeof schema.$ref === "string" ? MODEL_REF.exec(schema.$ref) : null;
    if (m !== null) return m[1];
    warnings.push(`${at}: an inline request schema is not a model; the body is not validated against it`);
    return undefined;
  };
  if (doc.version === "3.0") {
    const body = deref(doc.root, op.requestBody);
    if (isObject(body) && isObject(body.content)) {
      for (const [type, media] of Object.entries(body.content)) {
        const name = isObject(media)
          ? modelOf(media.schema, `${where}.requestBody.content.${type}`)
          : undefined;
        if (name !== undefined) out[type] = name;
      }
    }
  } else if (Array.isArray(op.parameters)) {
    for (const raw of op.parameters) {
      const p = deref(doc.root, raw);
      if (!isObject(p) || p.in !== "body") continue;
      const name = modelOf(p.schema, `${where}.parameters.${String(p.name ?? "body")}`);
      if (name === undefined) continue;
      const consumes = Array.isArray(op.consumes) ? op.consumes : doc.root.consumes;
      const types = Array.isArray(consumes) && consumes.length > 0 ? consumes : ["application/json"];
      for (const type of types) if (typeof type === "string") out[type] = name;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
