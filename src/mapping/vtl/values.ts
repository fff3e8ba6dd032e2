import { ENTRY_BYTES, OBJECT_BYTES, type RenderBudget, SLOT_BYTES } from "./budget.ts";
import { TemplateError } from "./errors.ts";

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

/**
 * An XML element read by `$util.parseXml` (its attributes and children by name). `#foreach` goes
 * through one as a single item, not through its values, so a loop over an element that occurs once
 * (a map) or several times (a list of them) runs the same way either way.
 */
export class ElementMap extends JMap {}

/**
 * A list read from JSON (`$input.path`, `$util.parseJson`): AWS reads JSON with Jayway JsonPath's
 * json-smart provider, whose arrays are json-smart `JSONArray`s, printing as compact JSON with every
 * element inside as JSON (`[{"a":"b"}]`), where a list a template builds prints as Java's `[a, b]`.
 * Maps read from JSON are plain Java maps (`{a=b}`), also when taken out of such a list.
 */
export class JList extends Array<unknown> {}

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

/** How deeply printing or comparing may nest before it is a template error (Java's stack overflows). */
export const MAX_NESTING = 1000;

/**
 * How Velocity prints a value into the output. A list or map is printed element by element, each a
 * step and its text held in the budget, so a structure that prints enormous (a list holding itself
 * twice, thirty levels deep, has a billion elements to print) runs out of budget, not of memory.
 */
export function toJavaString(v: unknown, budget: RenderBudget): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof JDouble) return v.toString();
  if (v instanceof JMap || Array.isArray(v)) {
    const parts: string[] = [];
    if (v instanceof JList) printJsonInto(v, parts, budget, 0);
    else printInto(v, parts, budget, 0);
    return parts.join("");
  }
  if (typeof (v as { toJavaString?: unknown }).toJavaString === "function") {
    return (v as { toJavaString: () => string }).toJavaString();
  }
  return String(v);
}

function printInto(v: unknown, parts: string[], budget: RenderBudget, depth: number): void {
  budget.step();
  if (v instanceof JList) printJsonInto(v, parts, budget, depth);
  else if (Array.isArray(v)) {
    if (depth > MAX_NESTING) throw tooDeep();
    budget.hold(2 + 2 * v.length);
    parts.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) parts.push(", ");
      printElement(v, v[i], parts, budget, depth);
    }
    parts.push("]");
  } else if (v instanceof JMap) {
    if (depth > MAX_NESTING) throw tooDeep();
    budget.hold(2 + 3 * v.size);
    parts.push("{");
    let first = true;
    for (const [key, x] of v) {
      parts.push(first ? key : `, ${key}`, "=");
      first = false;
      budget.hold(key.length);
      printElement(v, x, parts, budget, depth);
    }
    parts.push("}");
  } else {
    const text = toJavaString(v, budget);
    budget.hold(text.length);
    parts.push(text);
  }
}

function printElement(
  owner: unknown,
  x: unknown,
  parts: string[],
  budget: RenderBudget,
  depth: number,
): void {
  // Java prints a collection that holds itself as "(this Collection)" / "(this Map)".
  if (x === owner) {
    const self = owner instanceof JMap ? "(this Map)" : "(this Collection)";
    budget.hold(self.length);
    parts.push(self);
  } else printInto(x, parts, budget, depth + 1);
}

/**
 * json-smart's `JSONValue.toJSONString` (its default, NO_COMPRESS style): keys and strings always
 * quoted, no spaces, numbers as Java prints them, and its "protect for the web" escapes.
 */
function printJsonInto(v: unknown, parts: string[], budget: RenderBudget, depth: number): void {
  budget.step();
  if (depth > MAX_NESTING) throw tooDeep();
  if (Array.isArray(v)) {
    budget.hold(2 + v.length);
    parts.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) parts.push(",");
      printJsonInto(v[i], parts, budget, depth + 1);
    }
    parts.push("]");
  } else if (v instanceof JMap) {
    budget.hold(2 + 2 * v.size);
    parts.push("{");
    let first = true;
    for (const [key, x] of v) {
      parts.push(first ? "" : ",", jsonSmartString(key, budget), ":");
      first = false;
      printJsonInto(x, parts, budget, depth + 1);
    }
    parts.push("}");
  } else if (v === null || v === undefined) {
    budget.hold(4);
    parts.push("null");
  } else if (typeof v === "number" || typeof v === "boolean" || v instanceof JDouble) {
    parts.push(budget.text(toJavaString(v, budget)));
  } else {
    // A string, or a value JSON has no form for (a host object), written as its text.
    parts.push(jsonSmartString(toJavaString(v, budget), budget));
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
const JSON_SMART_ESCAPED = /["\\/\u0000-\u001f\u007f-\u009f\u2000-\u20ff]/g;
const JSON_SMART_NAMED: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * A string as json-smart's Escape4Web writes it: `/` too, and C0, C1 and U+2000–U+20FF as `\uXXXX`.
 * Held in the budget at its longest (every unit escaped) before it is built, the rest given back.
 */
function jsonSmartString(s: string, budget: RenderBudget): string {
  const reserved = 6 * s.length + 2;
  budget.hold(reserved);
  budget.scan(s.length);
  let escapes = 0;
  const body = s.replace(JSON_SMART_ESCAPED, (c) => {
    escapes++;
    return JSON_SMART_NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  });
  budget.step(escapes);
  budget.release(reserved - body.length - 2);
  return `"${body}"`;
}

const tooDeep = () => new TemplateError("TEMPLATE_RUNTIME", "Mapping template value nests too deeply");

/** Velocity 1.7 truthiness: only null and false are false (an empty string is true). */
export function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false);
}

export const isNumber = (v: unknown): v is number | JDouble => typeof v === "number" || v instanceof JDouble;
export const numeric = (v: number | JDouble): number => (typeof v === "number" ? v : v.value);

/**
 * JSON → Java-shaped values: objects become JMap, arrays JList, fractional numbers JDouble. During a render the
 * copy is held in the budget (strings are shared with the parsed JSON, so only the slots count).
 */
export function fromJson(v: unknown, budget?: RenderBudget): unknown {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v;
    budget?.hold(OBJECT_BYTES);
    return new JDouble(v);
  }
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    budget?.hold(OBJECT_BYTES + SLOT_BYTES * v.length);
    const list = new JList();
    for (let i = 0; i < v.length; i++) list.push(fromJson(v[i], budget));
    return list;
  }
  const m = new JMap();
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  budget?.hold(OBJECT_BYTES + ENTRY_BYTES * keys.length);
  for (const k of keys) m.set(k, fromJson(o[k], budget));
  return m;
}

/** Java-shaped values → JSON-ready JavaScript. */
export function toJson(v: unknown): unknown {
  if (v instanceof JDouble) return v.value;
  if (v instanceof JMap) return Object.fromEntries([...v].map(([k, x]) => [k, toJson(x)]));
  if (Array.isArray(v)) return v.map(toJson);
  return v;
}
