import { ENTRY_BYTES, OBJECT_BYTES, type RenderBudget, SLOT_BYTES } from "./budget.ts";
import { javaObjectEquals } from "./equality.ts";
import { javaMatches, javaReplace, javaSplit } from "./java-regex.ts";
import { isNumber, JDouble, JMap, numeric, toJavaString } from "./values.ts";

/**
 * The Java methods a template may call on strings, maps and lists — an explicit allow-list, so no
 * JavaScript method or prototype is ever reachable from a template. Each method spends from the
 * render's budget what it goes through (steps) and what it builds (data), the latter before building
 * it wherever the size is known beforehand.
 */

export const NO_METHOD = Symbol("no such method");
type Method = (target: never, args: unknown[], budget: RenderBudget) => unknown;

const int = (v: unknown, b: RenderBudget): number =>
  isNumber(v) ? Math.trunc(numeric(v)) : Number.parseInt(toJavaString(v, b), 10);
const str = (v: unknown, b: RenderBudget): string => toJavaString(v, b);

/**
 * Java's String.replace(target, replacement): every occurrence, literally; "" matches between chars.
 * Each occurrence is a step (V8 spends about that on each), counted before anything is built.
 */
function replaceLiteral(s: string, target: string, by: string, b: RenderBudget): string {
  b.scan(s.length);
  if (target === "") {
    b.step(s.length + 1);
    b.hold(s.length + (s.length + 1) * by.length);
    return s === "" ? by : by + s.split("").join(by) + by;
  }
  let count = 0;
  for (let i = s.indexOf(target); i !== -1; i = s.indexOf(target, i + target.length)) {
    if (++count % 1024 === 0) b.step(1024);
  }
  b.step(count % 1024);
  b.hold(s.length + count * (by.length - target.length));
  return count === 0 ? s : s.split(target).join(by);
}

/** A case mapping can lengthen the text (ß → SS): held before at its length, after at the rest. */
function mapCase(s: string, b: RenderBudget, f: (s: string) => string): string {
  b.hold(s.length);
  const out = f(s);
  if (out.length > s.length) b.hold(out.length - s.length);
  return out;
}

const STRING: Record<string, Method> = {
  length: (s: string) => s.length,
  isEmpty: (s: string) => s.length === 0,
  charAt: (s: string, [i], b) => s.charAt(int(i, b)),
  substring: (s: string, [x, y], b) =>
    b.text(s.substring(int(x, b), y === undefined ? undefined : int(y, b))),
  indexOf: (s: string, [x, from], b) => {
    b.scan(s.length);
    return s.indexOf(str(x, b), from === undefined ? 0 : int(from, b));
  },
  lastIndexOf: (s: string, [x], b) => {
    b.scan(s.length);
    return s.lastIndexOf(str(x, b));
  },
  contains: (s: string, [x], b) => {
    b.scan(s.length);
    return s.includes(str(x, b));
  },
  startsWith: (s: string, [x], b) => {
    const prefix = str(x, b);
    b.scan(prefix.length);
    return s.startsWith(prefix);
  },
  endsWith: (s: string, [x], b) => {
    const suffix = str(x, b);
    b.scan(suffix.length);
    return s.endsWith(suffix);
  },
  equals: (s: string, [x], b) => {
    b.scan(s.length);
    return typeof x === "string" && s === x;
  },
  equalsIgnoreCase: (s: string, [x], b) => {
    if (typeof x !== "string") return false;
    b.scan(s.length);
    return mapCase(s, b, (t) => t.toLowerCase()) === mapCase(x, b, (t) => t.toLowerCase());
  },
  compareTo: (s: string, [x], b) => {
    const other = str(x, b);
    b.scan(Math.min(s.length, other.length));
    return s < other ? -1 : s > other ? 1 : 0;
  },
  toLowerCase: (s: string, _, b) => mapCase(s, b, (t) => t.toLowerCase()),
  toUpperCase: (s: string, _, b) => mapCase(s, b, (t) => t.toUpperCase()),
  // Java's trim() strips every code point up to U+0020.
  trim: (s: string, _, b) => {
    let start = 0;
    let end = s.length;
    while (start < end && s.charCodeAt(start) <= 32) start++;
    while (end > start && s.charCodeAt(end - 1) <= 32) end--;
    b.scan(start + s.length - end);
    return b.text(s.slice(start, end));
  },
  concat: (s: string, [x], b) => {
    const tail = str(x, b);
    b.hold(s.length + tail.length);
    return s + tail;
  },
  replace: (s: string, [x, y], b) => replaceLiteral(s, str(x, b), str(y, b), b),
  replaceAll: (s: string, [re, by], b) => javaReplace(s, str(re, b), str(by, b), true, b),
  replaceFirst: (s: string, [re, by], b) => javaReplace(s, str(re, b), str(by, b), false, b),
  matches: (s: string, [re], b) => javaMatches(s, str(re, b), b),
  split: (s: string, [re, limit], b) => javaSplit(s, str(re, b), limit === undefined ? 0 : int(limit, b), b),
  toString: (s: string) => s,
  hashCode: (s: string, _, b) => {
    b.scan(s.length);
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
  },
};

/** A new list of `size` items, held in the budget before it is built. */
function newList(size: number, b: RenderBudget, build: () => unknown[]): unknown[] {
  b.hold(OBJECT_BYTES + SLOT_BYTES * size);
  return build();
}

const MAP: Record<string, Method> = {
  get: (m: JMap, [k], b) => m.get(str(k, b)) ?? null,
  containsKey: (m: JMap, [k], b) => m.has(str(k, b)),
  containsValue: (m: JMap, [v], b) => {
    for (const x of m.values()) if (javaObjectEquals(x, v, b)) return true;
    return false;
  },
  keySet: (m: JMap, _, b) => newList(m.size, b, () => [...m.keys()]),
  values: (m: JMap, _, b) => newList(m.size, b, () => [...m.values()]),
  entrySet: (m: JMap, _, b) => {
    b.hold(OBJECT_BYTES + m.size * (SLOT_BYTES + OBJECT_BYTES + 2 * ENTRY_BYTES));
    return [...m].map(
      ([key, value]) =>
        new JMap([
          ["key", key],
          ["value", value],
        ]),
    );
  },
  size: (m: JMap) => m.size,
  isEmpty: (m: JMap) => m.size === 0,
  put: (m: JMap, [k, v], b) => {
    const key = str(k, b);
    b.hold(ENTRY_BYTES + key.length);
    const prior = m.get(key) ?? null;
    m.set(key, v);
    return prior;
  },
  putAll: (m: JMap, [other], b) => {
    if (other instanceof JMap) {
      b.hold(ENTRY_BYTES * other.size);
      b.elements(other.size);
      for (const [k, v] of other) m.set(k, v);
    }
    return null;
  },
  remove: (m: JMap, [k], b) => {
    const key = str(k, b);
    const prior = m.get(key) ?? null;
    m.delete(key);
    return prior;
  },
  toString: (m: JMap, _: unknown[], b: RenderBudget) => toJavaString(m, b),
};

const LIST: Record<string, Method> = {
  get: (l: unknown[], [i], b) => {
    const index = int(i, b);
    if (index < 0 || index >= l.length)
      throw new RangeError(`Index ${index} out of bounds for length ${l.length}`);
    return l[index];
  },
  size: (l: unknown[]) => l.length,
  isEmpty: (l: unknown[]) => l.length === 0,
  contains: (l: unknown[], [x], b) => l.some((y) => javaObjectEquals(y, x, b)),
  indexOf: (l: unknown[], [x], b) => l.findIndex((y) => javaObjectEquals(y, x, b)),
  add: (l: unknown[], [x], b) => {
    b.hold(SLOT_BYTES);
    l.push(x);
    return true;
  },
  addAll: (l: unknown[], [other], b) => {
    if (!Array.isArray(other)) return false;
    b.hold(SLOT_BYTES * other.length);
    b.elements(other.length);
    // A copy first: a list may add itself (Java's addAll copies too).
    const items = other.slice();
    for (const x of items) l.push(x);
    return items.length > 0;
  },
  toString: (l: unknown[], _: unknown[], b: RenderBudget) => toJavaString(l, b),
};

const NUMBER: Record<string, Method> = {
  toString: (n: number | JDouble, _: unknown[], b: RenderBudget) => toJavaString(n, b),
  intValue: (n: number | JDouble) => Math.trunc(numeric(n)),
  doubleValue: (n: number | JDouble) => new JDouble(numeric(n)),
};

/** Calls `name` on `target` if it is one of the allowed Java methods; NO_METHOD otherwise. */
export function callJavaMethod(
  target: unknown,
  name: string,
  args: unknown[],
  budget: RenderBudget,
): unknown {
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
  return (method as (t: unknown, a: unknown[], b: RenderBudget) => unknown)(target, args, budget);
}
