import { importError } from "./errors.ts";
import { isObject } from "./parse-document.ts";

/**
 * Follows a local `$ref` (`#/components/...`, `#/definitions/...`, `#/x-amazon-apigateway-integrations/...`)
 * until a non-reference object is reached. Remote references are refused, as AWS does on import.
 */
export function deref(root: Record<string, unknown>, value: unknown): unknown {
  let current = value;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === "string") {
    const ref = current.$ref;
    if (!ref.startsWith("#/"))
      throw importError(`Invalid OpenAPI input: only local references are supported: ${ref}`);
    if (seen.has(ref)) throw importError(`Invalid OpenAPI input: circular reference ${ref}`);
    seen.add(ref);
    let target: unknown = root;
    for (const raw of ref.slice(2).split("/")) {
      const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
      target = isObject(target) ? target[part] : undefined;
      if (target === undefined) throw importError(`Invalid OpenAPI input: reference ${ref} does not resolve`);
    }
    current = target;
  }
  return current;
}
