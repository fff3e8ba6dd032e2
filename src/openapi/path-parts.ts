import { importError } from "./errors.ts";

const PART = /^(?:[A-Za-z0-9._\-,:]+|\{[A-Za-z0-9._-]+\+?\})$/;

/**
 * Splits and checks an OpenAPI path with AWS's resource rules: allowed characters, a greedy
 * `{name+}` only last, one variable child per parent (checked by the caller, which sees siblings).
 */
export function pathParts(path: string): string[] {
  if (!path.startsWith("/")) throw importError(`Invalid OpenAPI input: path '${path}' must start with '/'`);
  const parts = path.split("/").filter((p) => p !== "");
  parts.forEach((part, i) => {
    if (!PART.test(part)) {
      throw importError(
        `Invalid OpenAPI input: ${path}: Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`,
      );
    }
    if (part.endsWith("+}") && i !== parts.length - 1) {
      throw importError(
        `Invalid OpenAPI input: ${path}: Cannot create a child of a resource with a greedy path variable: ${part}`,
      );
    }
  });
  return parts;
}

export const isVariable = (part: string): boolean => part.startsWith("{");
