/** What strict JSON text holds, with what yaml would have told about it. */
export interface JsonDocument {
  readonly value: unknown;
  /** The first repeated key of an object, with its position (JSON.parse keeps the last silently). */
  readonly duplicate?: string;
  /** The source text of the root object's numeric values (`"swagger": 2.0` is 2 once parsed). */
  readonly rootNumbers: ReadonlyMap<string, string>;
}

function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

const NUMBER = /-?[0-9][0-9.eE+-]*/y;

/**
 * JSON documents parsed by JSON.parse (tens of times faster than a YAML parser on a large
 * document), then scanned once, without recursion, for what JSON.parse does not report. Returns
 * undefined for text that is not strict JSON: the YAML parser reads it (and reports its errors).
 */
export function readJsonDocument(text: string): JsonDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Each open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  const rootNumbers = new Map<string, string>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) open.push(new Set());
    else if (c === 0x5b /* [ */) open.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
    else if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const keys = open[open.length - 1];
      let after = end + 1;
      while (after < text.length && /\s/.test(text[after]!)) after++;
      if (keys && text[after] === ":") {
        const raw = text.slice(i, end + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) {
          return { value, rootNumbers, duplicate: `Map keys must be unique at ${position(text, i)}: ${key}` };
        }
        keys.add(key);
        if (open.length === 1) {
          let v = after + 1;
          while (v < text.length && /\s/.test(text[v]!)) v++;
          NUMBER.lastIndex = v;
          const number = NUMBER.exec(text);
          if (number) rootNumbers.set(key, number[0]);
        }
      }
      i = end;
    }
  }
  return { value, rootNumbers };
}
