import { createHash } from "node:crypto";
import { TemplateError } from "../template-plan.ts";

/** A template value that is a mapping (not a list, not null). */
export type Json = Record<string, unknown>;

export function isMap(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One key that is `Ref`, `Condition` or `Fn::…`: an intrinsic the resolver evaluates later. SAM treats
 * it as a scalar (Globals do not merge into it; Cors given as one is the origin).
 */
export function isIntrinsic(value: unknown): boolean {
  if (!isMap(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const key = keys[0]!;
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::");
}

/** Own property or undefined: a template's keys never reach Object.prototype. */
export function own(map: Json | undefined, key: string): unknown {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * A deep copy of a parsed template, refusing `__proto__` keys: the transform writes into its copy
 * by the template's own names, and such a key would reach an object's prototype instead.
 */
export function cloneTemplate(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => cloneTemplate(item, `${path}[${i}]`));
  if (!isMap(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__")
      throw new TemplateError(`${path}.${key}`, "a key named __proto__ is not allowed");
    out[key] = cloneTemplate(value[key], path === "" ? key : `${path}.${key}`);
  }
  if (Object.hasOwn(value, "__proto__"))
    throw new TemplateError(`${path}.__proto__`, "a key named __proto__ is not allowed");
  return out;
}

/** A copy of a value built by the transform itself (no `__proto__` keys can be in it). */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** The logical id a `{Ref: X}` (or a plain string) names. */
export function refName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isMap(value) && Object.keys(value).length === 1 && typeof value.Ref === "string") return value.Ref;
  return undefined;
}

export const ref = (logicalId: string): Json => ({ Ref: logicalId });

/** SAM's logical id suffix: the first `length` hex digits of SHA-1 over the data's stable JSON. */
export function idHash(data: unknown, length = 10): string {
  return createHash("sha1").update(stableJson(data)).digest("hex").slice(0, length);
}

function stableJson(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, v: unknown) =>
    isMap(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** `Resources.Fn.Properties.Events.E` + `Path` → the dotted path notices and errors name. */
export const at = (base: string, ...parts: string[]): string => [base, ...parts].join(".");

/** A value SAM reads as a string: a string, or an intrinsic the resolver will turn into one. */
export function isStringish(value: unknown): boolean {
  return typeof value === "string" || isIntrinsic(value);
}

/** `{"Fn::Transform": {Name: "AWS::Include", …}}`: a definition the resolver reads in later. */
export function isInclude(value: unknown): boolean {
  if (!isMap(value) || Object.keys(value).length !== 1) return false;
  const transform = value["Fn::Transform"];
  return isMap(transform) && transform.Name === "AWS::Include";
}
