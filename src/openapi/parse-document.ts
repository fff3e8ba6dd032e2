import { isScalar, LineCounter, parseDocument as parseYaml } from "yaml";
import { checkShape, firstDuplicateKey, flowNestsDeeper, MAX_DEPTH, tooDeep } from "./document-shape.ts";
import { importError } from "./errors.ts";
import { readJsonDocument } from "./json-document.ts";

/** AWS's limit on ImportRestApi bodies. */
const MAX_DOCUMENT_BYTES = 6 * 1024 * 1024;

export interface OpenApiDocument {
  readonly version: "2.0" | "3.0";
  readonly root: Record<string, unknown>;
  readonly warnings: string[];
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What yaml throws is about the document: too deep for its recursive composer, or an alias bomb. */
function fromYaml(err: unknown): Error {
  if (err instanceof RangeError) return tooDeep();
  return importError(`Invalid OpenAPI input: ${err instanceof Error ? err.message : String(err)}`);
}

interface ReadText {
  value: unknown;
  /** The source text of a root-level number (`swagger: 2.0` reads as 2). */
  numberSource(key: string): string | undefined;
}

function readYaml(text: string): ReadText {
  if (flowNestsDeeper(text, MAX_DEPTH)) throw tooDeep();
  const lines = new LineCounter();
  let parsed: ReturnType<typeof parseYaml>;
  try {
    parsed = parseYaml(text, {
      prettyErrors: true,
      uniqueKeys: false,
      lineCounter: lines,
      logLevel: "error",
    });
  } catch (err) {
    throw fromYaml(err);
  }
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0]!;
    // yaml reports its own stack overflow (block nesting) as an error of the document.
    if (e.message.includes("Maximum call stack size exceeded")) throw tooDeep();
    const at = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
    throw importError(
      `Invalid OpenAPI input: the document is not valid JSON or YAML${at}: ${e.message.split("\n")[0]}`,
    );
  }
  const duplicate = firstDuplicateKey(parsed, lines);
  if (duplicate !== undefined)
    throw importError(`Invalid OpenAPI input: the document is not valid JSON or YAML: ${duplicate}`);
  let value: unknown;
  try {
    // yaml refuses alias bombs ("Excessive alias count") instead of expanding them.
    value = parsed.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw fromYaml(err);
  }
  return {
    value,
    numberSource(key) {
      const node = parsed.get(key, true);
      return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
    },
  };
}

/** JSON text through JSON.parse (fast), anything else through the YAML parser. */
function readText(text: string): ReadText {
  const json = /^\s*\{/.test(text) ? readJsonDocument(text) : undefined;
  if (json === undefined) return readYaml(text);
  if (json.duplicate !== undefined)
    throw importError(`Invalid OpenAPI input: the document is not valid JSON or YAML: ${json.duplicate}`);
  return { value: json.value, numberSource: (key) => json.rootNumbers.get(key) };
}

/** OpenAPI text (JSON or YAML) → a plain object, with the spec version detected. */
export function parseDocument(text: string): OpenApiDocument {
  if (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) {
    throw importError("Invalid OpenAPI input: the document is larger than 6 MB");
  }
  if (text.trim() === "") throw importError("Invalid OpenAPI input: the document is empty");
  // YAML 1.2 is a superset of JSON, so the YAML parser could read both; JSON.parse is just faster.
  const { value: root, numberSource } = readText(text);
  // Unquoted `swagger: 2.0` is the number 2, which AWS's importer still reads as "2.0": what was written counts.
  const versionText = (key: string, value: unknown) =>
    (typeof value === "number" ? numberSource(key) : undefined) ?? String(value);
  if (!isObject(root)) throw importError("Invalid OpenAPI input: the document must be an object");
  checkShape(root);
  const warnings: string[] = [];
  let version: "2.0" | "3.0";
  if (root.swagger !== undefined) {
    const v = versionText("swagger", root.swagger);
    if (v !== "2.0") throw importError(`Invalid OpenAPI input: unsupported swagger version ${v}`);
    version = "2.0";
  } else if (root.openapi !== undefined) {
    const v = versionText("openapi", root.openapi);
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
