/**
 * What `JSON.parse(JSON.stringify(value))` gives, for the values where a walk can tell without
 * serialising: plain objects and arrays of strings, finite numbers, booleans and null. Strings are
 * not scanned or copied, so a large body costs nothing. Anything else — undefined, functions,
 * symbols, BigInt, NaN, -0, Dates and other class instances, `toJSON`, sparse arrays, deep or large
 * structures — yields NOT_PLAIN, and the caller takes the real round trip (with its errors).
 */
export const NOT_PLAIN: unique symbol = Symbol("not plain JSON");

const MAX_DEPTH = 32;

export function jsonCopy(value: unknown): unknown {
  const budget = { nodes: 1000 };
  return copy(value, 0, budget);
}

function copy(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0) return NOT_PLAIN;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case "object":
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return NOT_PLAIN;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return NOT_PLAIN;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const v = copy(value[i], depth + 1, budget);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const source = value as Record<string, unknown>;
  if ("toJSON" in source) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const v = copy(source[key], depth + 1, budget);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    // A key named __proto__ must become an own property, as JSON.parse makes it.
    if (key === "__proto__")
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
