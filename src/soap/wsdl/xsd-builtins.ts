import type { ScalarShape } from "./shapes.ts";

/**
 * XSD's built-in simple types as JSON schema sees them: integers with their bounds (where a JSON
 * number can hold them exactly), decimals and floats as numbers, booleans, and the rest as strings
 * (dateTime with its format).
 */

const int = (xsdType: string, minimum?: number, maximum?: number): ScalarShape => ({
  kind: "scalar",
  json: "integer",
  xsdType,
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});
const str = (xsdType: string, extra: Partial<ScalarShape> = {}): ScalarShape => ({
  kind: "scalar",
  json: "string",
  xsdType,
  ...extra,
});

const BUILTINS: Record<string, ScalarShape> = {
  boolean: { kind: "scalar", json: "boolean", xsdType: "boolean" },
  decimal: { kind: "scalar", json: "number", xsdType: "decimal" },
  double: { kind: "scalar", json: "number", xsdType: "double" },
  float: { kind: "scalar", json: "number", xsdType: "float" },
  // Beyond 2^53 a JSON number loses digits, so long and integer get no bounds.
  integer: int("integer"),
  long: int("long"),
  int: int("int", -2147483648, 2147483647),
  short: int("short", -32768, 32767),
  byte: int("byte", -128, 127),
  nonNegativeInteger: int("nonNegativeInteger", 0),
  positiveInteger: int("positiveInteger", 1),
  nonPositiveInteger: int("nonPositiveInteger", undefined, 0),
  negativeInteger: int("negativeInteger", undefined, -1),
  unsignedLong: int("unsignedLong", 0),
  unsignedInt: int("unsignedInt", 0, 4294967295),
  unsignedShort: int("unsignedShort", 0, 65535),
  unsignedByte: int("unsignedByte", 0, 255),
  dateTime: str("dateTime", { format: "date-time" }),
  date: str("date", { format: "date" }),
  hexBinary: str("hexBinary", { pattern: "^(?:[0-9a-fA-F]{2})*$" }),
  base64Binary: str("base64Binary", { format: "byte" }),
  anyURI: str("anyURI", { format: "uri" }),
};

const STRINGS = new Set([
  "string",
  "normalizedString",
  "token",
  "language",
  "Name",
  "NCName",
  "NMTOKEN",
  "NMTOKENS",
  "ID",
  "IDREF",
  "IDREFS",
  "ENTITY",
  "ENTITIES",
  "QName",
  "NOTATION",
  "time",
  "duration",
  "gYear",
  "gYearMonth",
  "gMonth",
  "gMonthDay",
  "gDay",
  "anySimpleType",
  "dateTimeStamp",
  "dayTimeDuration",
  "yearMonthDuration",
]);

/** The shape of XSD built-in `local` (also used for SOAP encoding's types of the same names). */
export function builtinScalar(local: string): ScalarShape | undefined {
  if (Object.hasOwn(BUILTINS, local)) return BUILTINS[local];
  return STRINGS.has(local) ? str(local) : undefined;
}
