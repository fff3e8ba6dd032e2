import { basename } from "node:path";
import { loadWsdlFiles, type ReadText } from "./load-files.ts";
import { buildOpenApi, type ImportedOperation, type OpenApiOptions } from "./openapi-document.ts";
import { SchemaIndex } from "./schema-index.ts";
import { WsdlError } from "./wsdl-error.ts";
import { readWsdl11 } from "./wsdl11.ts";
import { readWsdl20 } from "./wsdl20.ts";
import { ShapeBuilder } from "./xsd-complex.ts";

/**
 * `portico import service.wsdl`: a WSDL file (and the files it imports) → an OpenAPI document for a
 * REST API whose JSON resources call the service's operations. The document goes through the same
 * import as any other, so the API is ordinary: exportable, editable, redeployable.
 */

export type { ImportedOperation, OpenApiOptions } from "./openapi-document.ts";
export { WsdlError } from "./wsdl-error.ts";

export interface WsdlImport {
  readonly document: Record<string, unknown>;
  readonly operations: readonly ImportedOperation[];
  /** What was not imported, or imported with less than the WSDL says. */
  readonly warnings: readonly string[];
  readonly files: readonly string[];
}

export async function wsdlToOpenApi(
  path: string,
  options: OpenApiOptions = {},
  read?: ReadText,
): Promise<WsdlImport> {
  const loaded = await loadWsdlFiles(path, read);
  const warnings: string[] = [];
  try {
    const model = loaded.version === "1.1" ? readWsdl11(loaded, warnings) : readWsdl20(loaded, warnings);
    const builder = new ShapeBuilder(new SchemaIndex(loaded.schemas), warnings);
    const { document, operations } = buildOpenApi(
      model,
      builder,
      { source: basename(path), ...options },
      warnings,
    );
    return { document, operations, warnings, files: loaded.files };
  } catch (err) {
    // A chain of types or derivations long enough to exhaust the stack is refused, not a crash.
    if (err instanceof RangeError)
      throw new WsdlError("WSDL_TOO_DEEP", `${loaded.files[0]}: its types nest too deeply to import`);
    throw err;
  }
}

/**
 * Whether a file is a WSDL rather than an OpenAPI document: named `.wsdl`, or XML whose root is
 * WSDL 1.1's `definitions` or WSDL 2.0's `description`.
 */
export function isWsdl(path: string, text: string): boolean {
  if (/\.wsdl$/i.test(path)) return true;
  const head = text
    .slice(0, 64 * 1024)
    .replace(/^\uFEFF/, "")
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, "")
    .trimStart();
  const root = /^<(?:[A-Za-z_][\w.-]*:)?(definitions|description)\b[^>]*>/.exec(head);
  return (
    root !== null &&
    (root[0].includes("http://schemas.xmlsoap.org/wsdl/") || root[0].includes("http://www.w3.org/ns/wsdl"))
  );
}
