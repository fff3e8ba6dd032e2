import { parseDocument as parseYaml } from "yaml";
import { importError } from "./errors.ts";

/** AWS's limit on ImportRestApi bodies. */
const MAX_DOCUMENT_BYTES = 6 * 1024 * 1024;

export interface OpenApiDocument {
  readonly version: "2.0" | "3.0";
  readonly root: Record<string, unknown>;
  readonly warnings: string[];
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** OpenAPI text (JSON or YAML) → a plain object, with the spec version detected. */
export function parseDocument(text: string): OpenApiDocument {
  if (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) {
    throw importError("Invalid OpenAPI input: the document is larger than 6 MB");
  }
  if (text.trim() === "") throw importError("Invalid OpenAPI input: the document is empty");
  // YAML 1.2 is a superset of JSON, so one parser serves both (and reports positions for either).
  const parsed = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0]!;
    const at = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
    throw importError(
      `Invalid OpenAPI input: the document is not valid JSON or YAML${at}: ${e.message.split("\n")[0]}`,
    );
  }
  let root: unknown;
  try {
    root = parsed.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml refuses alias bombs ("Excessive alias count") instead of expanding them.
    throw importError(`Invalid OpenAPI input: ${(err as Error).message}`);
  }
  if (!isObject(root)) throw importError("Invalid OpenAPI input: the document must be an object");
  const warnings: string[] = [];
  let version: "2.0" | "3.0";
  if (root.swagger !== undefined) {
    if (String(root.swagger) !== "2.0")
      throw importError(`Invalid OpenAPI input: unsupported swagger version ${String(root.swagger)}`);
    version = "2.0";
  } else if (root.openapi !== undefined) {
    const v = String(root.openapi);
    if (/^3\.0(\.\d+)?$/.test(v)) version = "3.0";
    else if (/^3\.1(\.\d+)?$/.test(v)) {
      version = "3.0";
      warnings.push(`OpenAPI ${v} is imported as 3.0; 3.1-only features are ignored`);
    } else throw importError(`Invalid OpenAPI input: unsupported openapi version ${v}`);
  } else {
    throw importError(
      "Invalid OpenAPI input: the document has neither a 'swagger' nor an 'openapi' version field",
    );
  }
  if (!isObject(root.info) || typeof root.info.title !== "string" || root.info.title.trim() === "") {
    throw importError("Invalid OpenAPI input: info.title is required (it becomes the API name)");
  }
  if (root.paths !== undefined && !isObject(root.paths))
    throw importError("Invalid OpenAPI input: 'paths' must be an object");
  return { version, root, warnings };
}
