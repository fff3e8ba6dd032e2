import { compileJsonPath } from "./jsonpath.ts";
import type { HostObject } from "./vtl/host-object.ts";
import { NO_METHOD } from "./vtl/java-methods.ts";
import { fromJson, JMap, toJavaString } from "./vtl/values.ts";

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

  private json(): unknown {
    if (this.parsed === undefined) {
      let value: unknown = null;
      try {
        value = this.source.body === "" ? null : JSON.parse(this.source.body);
      } catch {
        value = null;
      }
      this.parsed = { value };
    }
    return this.parsed.value;
  }

  get(name: string): unknown {
    return name === "body" ? this.source.body : null;
  }

  call(name: string, args: unknown[]): unknown {
    const arg = args[0] === undefined ? undefined : toJavaString(args[0]);
    switch (name) {
      case "path": {
        const result = compileJsonPath(arg ?? "$").evaluate(this.json());
        return result === undefined ? null : fromJson(result);
      }
      case "json": {
        const result = compileJsonPath(arg ?? "$").evaluate(this.json());
        return result === undefined ? "" : JSON.stringify(result);
      }
      case "params": {
        const { path, querystring, header } = this.source;
        if (arg === undefined) {
          return new JMap([
            ["path", fromJson(path)],
            ["querystring", fromJson(querystring)],
            ["header", fromJson(header)],
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

/** Apache commons-lang 2 `escapeJavaScript`, which AWS uses: quotes, `/`, controls and non-ASCII escaped. */
export function escapeJavaScript(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c > 0xffff) {
      out += ch
        .split("")
        .map((u) => `\\u${u.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)
        .join("");
    } else if (c > 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (c < 32) {
      const named: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
      out += named[c] ?? `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
    } else if (ch === '"') out += '\\"';
    else if (ch === "'") out += "\\'";
    else if (ch === "\\") out += "\\\\";
    else if (ch === "/") out += "\\/";
    else out += ch;
  }
  return out;
}

/** Java's URLEncoder (application/x-www-form-urlencoded, UTF-8). */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, "+")
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class UtilVariable implements HostObject {
  readonly vtlHost = true;
  get(): unknown {
    return null;
  }
  call(name: string, args: unknown[]): unknown {
    const s = toJavaString(args[0] ?? "");
    switch (name) {
      case "escapeJavaScript":
        return escapeJavaScript(s);
      case "parseJson":
        try {
          return fromJson(JSON.parse(s));
        } catch {
          return null;
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
      case "base64Decode":
        return Buffer.from(s, "base64").toString("utf8");
      default:
        return NO_METHOD;
    }
  }
}

export const UTIL = new UtilVariable();
