import { badRequest, ControlError } from "../errors.ts";

/**
 * The map-valued members of the child resources' requests (parameters, models, templates), checked
 * as AWS checks them, with the messages its JSON deserialiser and validation answer.
 */

export function booleanMap(value: unknown, name: string): Record<string, boolean> | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== "boolean")
  ) {
    throw badRequest(`Invalid ${name}: expected a map of booleans`);
  }
  return value as Record<string, boolean>;
}

/** What AWS's JSON deserialiser answers for a value that is not the string a member needs. */
function notAString(value: unknown): ControlError {
  const javaClass =
    typeof value === "boolean"
      ? "java.lang.Boolean"
      : typeof value === "number"
        ? "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
        : undefined;
  if (javaClass !== undefined)
    return new ControlError("SerializationException", `class ${javaClass} can not be converted to an String`);
  return new ControlError(
    "SerializationException",
    Array.isArray(value)
      ? "Start of list found where not expected"
      : "Start of structure or map found where not expected.",
  );
}

export function stringMap(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw notAString(value);
  for (const v of Object.values(value)) {
    if (v === null) throw badRequest(`Invalid ${name}: expected a map of strings`);
    if (typeof v !== "string") throw notAString(v);
  }
  return value as Record<string, string>;
}

const MEDIA_TYPE = /^[^\s/]+\/[^\s/]+/;

/** Mapping templates, keyed by the content type they apply to (AWS refuses a key that is not one). */
export function templateMap(value: unknown, name: string): Record<string, string> | undefined {
  const templates = stringMap(value, name);
  for (const contentType of Object.keys(templates ?? {})) {
    if (!MEDIA_TYPE.test(contentType))
      throw badRequest(
        `Validation Result: warnings : [], errors : [Invalid content type specified: ${contentType}]`,
      );
  }
  return templates;
}
