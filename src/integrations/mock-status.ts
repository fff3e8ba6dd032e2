/**
 * How a MOCK integration reads the status from its rendered request template. AWS reads it leniently
 * (AWS-BEHAVIOUR.md §12.6, recorded): CDK's `{statusCode: 200}` — unquoted keys, not JSON — selects
 * 200 as `{"statusCode": 200}` does. What it cannot read (no object, no integer `statusCode`) fails
 * the call with 500, which AWS logs as "Unable to parse statusCode. It should be an integer that is
 * defined in the request template."
 *
 * The reader takes a top-level object whose keys are quoted (`"` or `'`) or bare, separated from
 * their values by `:` (or `=`, `=>`) and from each other by `,` or `;`; values may be anything
 * balanced (nested objects and lists are skipped, never built). It makes one pass over the text.
 */

const BARE_END = new Set([..."{}[]:=,;\"' \t\n\r\f"]);
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";

class Reader {
  private readonly text: string;
  i = 0;
  constructor(text: string) {
    this.text = text;
  }

  peek(): string | undefined {
    return this.text[this.i];
  }

  skipSpace(): void {
    while (isSpace(this.text[this.i])) this.i++;
  }

  /** A quoted string's content (JSON escapes decoded), or undefined if it never ends. */
  quoted(): string | undefined {
    const quote = this.text[this.i++];
    let out = "";
    while (this.i < this.text.length) {
      const c = this.text[this.i++]!;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.i++];
      if (e === "u") {
        const hex = this.text.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.i += 4;
      } else if (e === undefined) return undefined;
      else out += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[e] ?? e;
    }
    return undefined;
  }

  bare(): string {
    const start = this.i;
    while (this.i < this.text.length && !BARE_END.has(this.text[this.i]!)) this.i++;
    return this.text.slice(start, this.i);
  }

  /** Skips one value of any kind; false if the text ends inside it. */
  skipValue(): boolean {
    const c = this.peek();
    if (c === '"' || c === "'") return this.quoted() !== undefined;
    if (c !== "{" && c !== "[") return this.bare() !== "";
    let depth = 0;
    while (this.i < this.text.length) {
      const d = this.text[this.i]!;
      if (d === '"' || d === "'") {
        if (this.quoted() === undefined) return false;
        continue;
      }
      this.i++;
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return true;
      }
    }
    return false;
  }
}

/** The `statusCode` value as status text, if it is an integer (a number or a string of digits). */
function statusText(raw: string): string | undefined {
  const trimmed = raw.trim();
  return /^\d+$/.test(trimmed) ? String(Number(trimmed)) : undefined;
}

/** The status the rendered MOCK request template selects, or undefined when it names none. */
export function mockStatus(rendered: string): string | undefined {
  const r = new Reader(rendered);
  r.skipSpace();
  if (r.peek() !== "{") return undefined;
  r.i++;
  let status: string | undefined;
  for (;;) {
    r.skipSpace();
    const c = r.peek();
    if (c === "}") return status;
    if (c === undefined) return undefined;
    const key = c === '"' || c === "'" ? r.quoted() : r.bare();
    if (key === undefined || key === "") return undefined;
    r.skipSpace();
    const sep = r.peek();
    if (sep !== ":" && sep !== "=") return undefined;
    r.i++;
    if (sep === "=" && r.peek() === ">") r.i++;
    r.skipSpace();
    if (key === "statusCode") {
      const v = r.peek();
      const value = v === '"' || v === "'" ? r.quoted() : v === "{" || v === "[" ? undefined : r.bare();
      if (value === undefined) return undefined;
      status = statusText(value);
      if (status === undefined) return undefined;
    } else if (!r.skipValue()) return undefined;
    r.skipSpace();
    const next = r.peek();
    if (next === "," || next === ";") r.i++;
    else if (next !== "}") return undefined;
  }
}
