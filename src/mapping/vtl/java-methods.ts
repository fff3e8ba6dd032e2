import { isNumber, JDouble, JMap, javaEquals, numeric, toJavaString } from "./values.ts";

/**
 * The Java methods a template may call on strings, maps and lists — an explicit allow-list, so no
 * JavaScript method or prototype is ever reachable from a template.
 */

export const NO_METHOD = Symbol("no such method");
type Method = (target: never, args: unknown[]) => unknown;

/** Java regex → JavaScript RegExp, for the common subset (inline `(?i)` becomes the `i` flag). */
export function javaRegex(pattern: string, flags = ""): RegExp {
  let source = pattern;
  let f = flags;
  if (source.startsWith("(?i)")) {
    source = source.slice(4);
    f += "i";
  }
  return new RegExp(source, f.includes("u") ? f : `${f}u`);
}

const int = (v: unknown): number => (isNumber(v) ? Math.trunc(numeric(v)) : Number.parseInt(String(v), 10));
const str = (v: unknown): string => toJavaString(v);

function javaSplit(s: string, regex: string, limit?: number): string[] {
  const parts = s.split(javaRegex(regex, "g"));
  if (limit !== undefined && limit > 0 && parts.length > limit) {
    // Java keeps the rest of the string in the last element.
    const re = javaRegex(regex, "g");
    let count = 0;
    let cut = s.length;
    for (const m of s.matchAll(re)) {
      if (++count === limit) {
        cut = m.index;
        break;
      }
    }
    return [...parts.slice(0, limit - 1), s.slice(cut).replace(javaRegex(regex), "")];
  }
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const STRING: Record<string, Method> = {
  length: (s: string) => s.length,
  isEmpty: (s: string) => s.length === 0,
  charAt: (s: string, [i]) => s.charAt(int(i)),
  substring: (s: string, [a, b]) => s.substring(int(a), b === undefined ? undefined : int(b)),
  indexOf: (s: string, [x, from]) => s.indexOf(str(x), from === undefined ? 0 : int(from)),
  lastIndexOf: (s: string, [x]) => s.lastIndexOf(str(x)),
  contains: (s: string, [x]) => s.includes(str(x)),
  startsWith: (s: string, [x]) => s.startsWith(str(x)),
  endsWith: (s: string, [x]) => s.endsWith(str(x)),
  equals: (s: string, [x]) => typeof x === "string" && s === x,
  equalsIgnoreCase: (s: string, [x]) => typeof x === "string" && s.toLowerCase() === x.toLowerCase(),
  compareTo: (s: string, [x]) => (s < str(x) ? -1 : s > str(x) ? 1 : 0),
  toLowerCase: (s: string) => s.toLowerCase(),
  toUpperCase: (s: string) => s.toUpperCase(),
  // Java's trim() strips every code point up to U+0020.
  trim: (s: string) => {
    let start = 0;
    let end = s.length;
    while (start < end && s.charCodeAt(start) <= 32) start++;
    while (end > start && s.charCodeAt(end - 1) <= 32) end--;
    return s.slice(start, end);
  },
  concat: (s: string, [x]) => s + str(x),
  replace: (s: string, [a, b]) => s.split(str(a)).join(str(b)),
  replaceAll: (s: string, [re, by]) => s.replace(javaRegex(str(re), "g"), str(by)),
  replaceFirst: (s: string, [re, by]) => s.replace(javaRegex(str(re)), str(by)),
  matches: (s: string, [re]) => javaRegex(`^(?:${str(re)})$`).test(s),
  split: (s: string, [re, limit]) => javaSplit(s, str(re), limit === undefined ? undefined : int(limit)),
  toString: (s: string) => s,
  hashCode: (s: string) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
  },
};

const MAP: Record<string, Method> = {
  get: (m: JMap, [k]) => m.get(str(k)) ?? null,
  containsKey: (m: JMap, [k]) => m.has(str(k)),
  containsValue: (m: JMap, [v]) => [...m.values()].some((x) => javaEquals(x, v)),
  keySet: (m: JMap) => [...m.keys()],
  values: (m: JMap) => [...m.values()],
  entrySet: (m: JMap) =>
    [...m].map(
      ([key, value]) =>
        new JMap([
          ["key", key],
          ["value", value],
        ]),
    ),
  size: (m: JMap) => m.size,
  isEmpty: (m: JMap) => m.size === 0,
  put: (m: JMap, [k, v]) => {
    const prior = m.get(str(k)) ?? null;
    m.set(str(k), v);
    return prior;
  },
  putAll: (m: JMap, [other]) => {
    if (other instanceof JMap) for (const [k, v] of other) m.set(k, v);
    return null;
  },
  remove: (m: JMap, [k]) => {
    const prior = m.get(str(k)) ?? null;
    m.delete(str(k));
    return prior;
  },
  toString: (m: JMap) => toJavaString(m),
};

const LIST: Record<string, Method> = {
  get: (l: unknown[], [i]) => {
    const index = int(i);
    if (index < 0 || index >= l.length)
      throw new RangeError(`Index ${index} out of bounds for length ${l.length}`);
    return l[index];
  },
  size: (l: unknown[]) => l.length,
  isEmpty: (l: unknown[]) => l.length === 0,
  contains: (l: unknown[], [x]) => l.some((y) => javaEquals(y, x)),
  indexOf: (l: unknown[], [x]) => l.findIndex((y) => javaEquals(y, x)),
  add: (l: unknown[], [x]) => {
    l.push(x);
    return true;
  },
  toString: (l: unknown[]) => toJavaString(l),
};

const NUMBER: Record<string, Method> = {
  toString: (n: number | JDouble) => toJavaString(n),
  intValue: (n: number | JDouble) => Math.trunc(numeric(n)),
  doubleValue: (n: number | JDouble) => new JDouble(numeric(n)),
};

/** Calls `name` on `target` if it is one of the allowed Java methods; NO_METHOD otherwise. */
export function callJavaMethod(target: unknown, name: string, args: unknown[]): unknown {
  const table =
    typeof target === "string"
      ? STRING
      : target instanceof JMap
        ? MAP
        : Array.isArray(target)
          ? LIST
          : isNumber(target)
            ? NUMBER
            : undefined;
  const method = table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
  if (method === undefined) return NO_METHOD;
  return (method as (t: unknown, a: unknown[]) => unknown)(target, args);
}
