import { TemplateError } from "../template-plan.ts";

/**
 * What `{"Ref": "AWS::NoValue"}` evaluates to: a property or list item holding it is removed, as
 * CloudFormation removes it.
 */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export type Mapping = Record<string, unknown>;

export const isMapping = (value: unknown): value is Mapping =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Deeper than any real template (an OpenAPI body inside a resource reaches 30 or so), shallow enough
 * that a hostile or cyclic input ends in a TemplateError long before the stack does.
 */
export const MAX_DEPTH = 128;

/** Keys a copy must not carry: assigning `__proto__` would change the copy's prototype. */
export const isUnsafeKey = (key: string): boolean => key === "__proto__";

/** The dotted path of a child: `Resources.Api.Properties.Body`, list items as `[0]`. */
export const child = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

/** A TemplateError at `file: path` (the file alone for template-wide problems). */
export function fail(file: string, path: string, message: string): never {
  throw new TemplateError(path === "" ? file : `${file}: ${path}`, message);
}

export const own = (mapping: Mapping, key: string): unknown =>
  Object.hasOwn(mapping, key) ? mapping[key] : undefined;

/**
 * The intrinsic function a mapping calls, if it is one: a single key, `Ref` or `Fn::…`. An `Fn::`
 * key beside other keys is refused, since CloudFormation would refuse it too.
 */
export function intrinsicOf(value: Mapping, path: string, file: string): string | undefined {
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0]!;
    return key === "Ref" || key.startsWith("Fn::") ? key : undefined;
  }
  const fn = keys.find((k) => k.startsWith("Fn::"));
  if (fn !== undefined) fail(file, path, `${fn} must be the only key of its mapping`);
  return undefined;
}

/** Scalars CloudFormation accepts where it wants a string (YAML reads `8080` and `true` as such). */
export function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A fresh copy of a resolved value, so two places using it never share one object. */
export const fresh = <T>(value: T): T =>
  value !== null && typeof value === "object" ? structuredClone(value) : value;

/** A short rendering of a value for an error message. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
