/**
 * Java-shaped values for the Velocity evaluator. JavaScript numbers stand for Java integers (Integer/
 * Long) and `JDouble` for doubles, because Velocity's arithmetic and printing differ between them
 * (`5 / 2` is 2; `1.0` prints `1.0`). Maps are `JMap` (insertion-ordered, prints `{a=1, b=2}`), lists
 * are arrays (prints `[1, 2]`).
 */

export class JDouble {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  toString(): string {
    return javaDoubleString(this.value);
  }
}

export class JMap extends Map<string, unknown> {}

export type JValue = null | undefined | string | number | boolean | JDouble | JMap | unknown[] | object;

/** Java's Double.toString for the common range: `1.0`, `2.5`, `1.0E10`. */
export function javaDoubleString(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa, exponent] = v.toExponential().split("e");
    const m = mantissa!.includes(".") ? mantissa! : `${mantissa}.0`;
    return `${m}E${Number(exponent)}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** How Velocity prints a value into the output. */
export function toJavaString(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof JDouble) return v.toString();
  if (v instanceof JMap) return `{${[...v].map(([k, x]) => `${k}=${toJavaString(x)}`).join(", ")}}`;
  if (Array.isArray(v)) return `[${v.map(toJavaString).join(", ")}]`;
  if (typeof (v as { toJavaString?: unknown }).toJavaString === "function") {
    return (v as { toJavaString: () => string }).toJavaString();
  }
  return String(v);
}

/** Velocity 1.7 truthiness: only null and false are false (an empty string is true). */
export function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false);
}

export const isNumber = (v: unknown): v is number | JDouble => typeof v === "number" || v instanceof JDouble;
export const numeric = (v: number | JDouble): number => (typeof v === "number" ? v : v.value);

/** `==` as Velocity 1.7 compares: numbers by value, same types by equals, otherwise by toString. */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (isNumber(a) && isNumber(b)) return numeric(a) === numeric(b);
  if (typeof a === typeof b && typeof a !== "object") return a === b;
  return toJavaString(a) === toJavaString(b);
}

/** JSON → Java-shaped values: objects become JMap, fractional numbers JDouble. */
export function fromJson(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? v : new JDouble(v);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const list: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) list[i] = fromJson(v[i]);
    return list;
  }
  const m = new JMap();
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) m.set(k, fromJson(o[k]));
  return m;
}

/** Java-shaped values → JSON-ready JavaScript. */
export function toJson(v: unknown): unknown {
  if (v instanceof JDouble) return v.value;
  if (v instanceof JMap) return Object.fromEntries([...v].map(([k, x]) => [k, toJson(x)]));
  if (Array.isArray(v)) return v.map(toJson);
  return v;
}
