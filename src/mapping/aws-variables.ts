import { compileJsonPath } from "./jsonpath.ts";
import type { RenderBudget } from "./vtl/budget.ts";
import type { HostObject } from "./vtl/host-object.ts";
import { NO_METHOD } from "./vtl/java-methods.ts";
import { fromJson, JMap, toJavaString } from "./vtl/values.ts";
import { XML_UTIL_GROWTH, type XmlUtilName, xmlUtil } from "./xml-util.ts";

/**
 * `$input` and `$util` as AWS documents them for mapping templates, built per request. `$input`
 * parses the body as JSON at most once, and only when a template asks.
 */

export interface InputSource {
  body: string;
  path: Readonly<Record<string, string>>;
  querystring: Readonly<Record<string, string>>;
  header: Readonly<Record<string, string>>;
}

export class InputVariable implements HostObject {
  readonly vtlHost = true;
  private readonly source: InputSource;
  private parsed: { value: unknown } | undefined;

  constructor(source: InputSource) {
    this.source = source;
  }

  /** The payload as templates see it: an empty one reads as `{}` (AWS-BEHAVIOUR.md §12.5, recorded). */
  private body(): string {
    return this.source.body === "" ? "{}" : this.source.body;
  }

  private json(): unknown {
    if (this.parsed === undefined) {
      let value: unknown = null;
      try {
        value = JSON.parse(this.body());
      } catch {
        value = null;
      }
      this.parsed = { value };
    }
    return this.parsed.value;
  }

  get(name: string): unknown {
    return name === "body" ? this.body() : null;
  }

  call(name: string, args: unknown[], budget: RenderBudget): unknown {
    const arg = args[0] === undefined ? undefined : toJavaString(args[0], budget);
    switch (name) {
      case "path": {
        const result = compileJsonPath(arg ?? "$").evaluate(this.json(), budget);
        return result === undefined ? null : fromJson(result, budget);
      }
      case "json": {
        const path = compileJsonPath(arg ?? "$");
        const result = path.evaluate(this.json(), budget);
        if (result === undefined) return "";
        if (path.definite) return budget.text(JSON.stringify(result));
        // An indefinite path's matches can overlap (`$..*` holds every subtree of the body, each
        // again inside its parent's), so their text is built and held one match at a time.
        const parts: string[] = [];
        for (const match of result as unknown[]) parts.push(budget.text(JSON.stringify(match) ?? "null"));
        return `[${parts.join(",")}]`;
      }
      case "params": {
        const { path, querystring, header } = this.source;
        if (arg === undefined) {
          return new JMap([
            ["path", fromJson(path, budget)],
            ["querystring", fromJson(querystring, budget)],
            ["header", fromJson(header, budget)],
          ]);
        }
        const headerValue = Object.entries(header).find(([k]) => k.toLowerCase() === arg.toLowerCase())?.[1];
        return path[arg] ?? querystring[arg] ?? headerValue ?? "";
      }
      default:
        return NO_METHOD;
    }
  }
}

const NAMED_ESCAPES: Record<number, string> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  39: "\\'",
  47: "\\/",
  92: "\\\\",
};
// Per UTF-16 unit, so a character beyond U+FFFF comes out as its two surrogates' escapes, as in Java.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
const ESCAPED = /[\u0000-\u001f"'/\\\u0080-\uffff]/g;
const ESCAPE_CHUNK = 65_536;

const escapeUnit = (unit: string): string => {
  const c = unit.charCodeAt(0);
  return NAMED_ESCAPES[c] ?? `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
};

/**
 * Apache commons-lang 2 `escapeJavaScript`, which AWS uses: quotes, `/`, controls and non-ASCII
 * escaped. Done a chunk at a time so that a meter (a render's budget) is charged a step per escape
 * as it goes: escaping is cheap for plain text and ~100 ns a character that needs it.
 */
export function escapeJavaScript(s: string, meter?: { step(n?: number): void }): string {
  let out = "";
  for (let i = 0; i < s.length; i += ESCAPE_CHUNK) {
    let escapes = 0;
    out += s.slice(i, i + ESCAPE_CHUNK).replace(ESCAPED, (unit) => {
      escapes++;
      return escapeUnit(unit);
    });
    meter?.step(1 + escapes);
  }
  return out;
}

/** Java's URLEncoder (application/x-www-form-urlencoded, UTF-8). */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, "+")
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * How much longer than its input each `$util` function's output can be (characters per UTF-16 unit):
 * held before the call, the unused part given back after, so no call builds past the budget.
 */
const GROWTH: Record<string, number> = {
  escapeJavaScript: 6, // \uXXXX
  urlEncode: 9, // %XX%XX%XX
  urlDecode: 1,
  base64Encode: 4, // 3 UTF-8 bytes a unit, 4 characters per 3 bytes
  base64Decode: 1,
  parseJson: 1, // the text's length, before the tree is held by fromJson
  ...XML_UTIL_GROWTH, // Portico's additions: xmlToJson, parseXml, escapeXml
};

export class UtilVariable implements HostObject {
  readonly vtlHost = true;
  get(): unknown {
    return null;
  }
  call(name: string, args: unknown[], budget: RenderBudget): unknown {
    const growth = Object.hasOwn(GROWTH, name) ? GROWTH[name]! : undefined;
    if (growth === undefined) return NO_METHOD;
    const s = toJavaString(args[0] ?? "", budget);
    const reserved = growth * s.length;
    budget.hold(reserved);
    let result: unknown = null;
    try {
      result = util(name, s, budget);
      return result;
    } finally {
      if (name !== "parseJson") budget.release(reserved - (typeof result === "string" ? result.length : 0));
    }
  }
}

function util(name: string, s: string, budget: RenderBudget): unknown {
  switch (name) {
    case "escapeJavaScript":
      return escapeJavaScript(s, budget);
    case "parseJson": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        return null;
      }
      return fromJson(parsed, budget);
    }
    case "urlEncode":
      return javaUrlEncode(s);
    case "urlDecode":
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return null;
      }
    case "base64Encode":
      return Buffer.from(s, "utf8").toString("base64");
    case "xmlToJson":
    case "parseXml":
    case "escapeXml":
      return xmlUtil(name as XmlUtilName, s, budget);
    default:
      return Buffer.from(s, "base64").toString("utf8");
  }
}

export const UTIL = new UtilVariable();
