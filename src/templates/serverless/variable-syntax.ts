/**
 * The Serverless Framework's `${…}` syntax, read without evaluating anything: a string becomes
 * literal text and variables, a variable its comma-separated candidates (the first that resolves
 * wins), a candidate a source reference, a nested variable or a literal.
 */

export type Piece = { text: string } | { variable: string; raw: string };

/** A candidate of `${a, b, 'c'}`. */
export type Candidate =
  | { kind: "literal"; value: unknown }
  | { kind: "nested"; inner: string }
  /** `source(params):address`; `address` and `params` may hold variables of their own. */
  | { kind: "source"; source: string; params?: string; address: string };

/** The index of the `}` closing the `${` that ends just before `from`, or -1 when none does. */
function closing(text: string, from: number): number {
  let depth = 1;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** `a ${b} c` → text, variable, text. An unclosed `${` stays text. */
export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    const end = start < 0 ? -1 : closing(text, start + 2);
    if (start < 0 || end < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, start);
    if (literal !== "") out.push({ text: literal });
    literal = "";
    out.push({ variable: text.slice(start + 2, end), raw: text.slice(start, end + 1) });
    i = end + 1;
  }
  if (literal !== "") out.push({ text: literal });
  return out;
}

/** Splits at `sep` where it is outside quotes, parentheses and nested `${…}`. */
function splitTopLevel(text: string, sep: string, limit = Number.POSITIVE_INFINITY): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let last = 0;
  for (let i = 0; i < text.length && parts.length < limit - 1; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "{" || c === "(") depth++;
    else if (c === "}" || c === ")") depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(text.slice(last));
  return parts;
}

const SOURCE = /^([A-Za-z][\w-]*)(?:\((.*)\))?$/s;

function candidate(part: string): Candidate {
  const text = part.trim();
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return { kind: "literal", value: quoted[2] };
  if (text.startsWith("${") && text.endsWith("}") && pieces(text).length === 1)
    return { kind: "nested", inner: text.slice(2, -1) };
  const [head, ...rest] = splitTopLevel(text, ":", 2);
  const source = SOURCE.exec(head!.trim());
  if (source && (rest.length > 0 || source[2] !== undefined)) {
    const found: Candidate = { kind: "source", source: source[1]!, address: (rest[0] ?? "").trim() };
    if (source[2] !== undefined) found.params = source[2];
    return found;
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: "literal", value: Number(text) };
  if (text === "true" || text === "false") return { kind: "literal", value: text === "true" };
  return { kind: "literal", value: text };
}

/**
 * The candidates of one variable, or undefined when the `${…}` is not the framework's: CloudFormation's
 * `Fn::Sub` placeholders (`${AWS::Region}`, `${MyBucket.Arn}`, `${!Literal}`) are left as written.
 */
export function candidates(inner: string): Candidate[] | undefined {
  const parts = splitTopLevel(inner, ",");
  const first = parts[0]!.trim();
  if (first.startsWith("!") || first.startsWith("AWS::")) return undefined;
  const list = parts.map(candidate);
  if (list.length === 1 && list[0]!.kind === "literal") return undefined;
  return list;
}
