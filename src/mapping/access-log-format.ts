import type { FinishedRequest } from "../gateway/context.ts";
import { accessLogVariable, LineScope, type StageFacts, type Value } from "./access-log-variables.ts";

/**
 * An access-log format (`accessLogSettings.format`): text with `$context.x` references, one line per
 * request (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). The
 * format is split once, at deploy time, into literal text and variable getters, so a line is a few
 * string concatenations. Literal text is kept verbatim, so AWS's CLF, JSON, XML and CSV examples
 * produce the shape they show.
 */

/** `$context.` then a dotted name; a trailing `.` (end of a sentence) is not part of it. */
const REFERENCE = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

export interface ParsedFormat {
  /** Literal text around the references: `literals.length === names.length + 1`. */
  readonly literals: readonly string[];
  /** Each reference's name after `$context.` (`identity.sourceIp`). */
  readonly names: readonly string[];
}

export function parseAccessLogFormat(format: string): ParsedFormat {
  const literals: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (const m of format.matchAll(REFERENCE)) {
    literals.push(format.slice(at, m.index));
    names.push(m[1]!);
    at = m.index + m[0].length;
  }
  literals.push(format.slice(at));
  return { literals, names };
}

/**
 * How values are written into the line. Formats that open with `<` are XML: values are XML-escaped.
 * Everything else (JSON, CLF, CSV) escapes as a JSON string does — `"`, `\` and control characters —
 * which keeps a JSON line parseable and a quoted CLF field whole (Apache's mod_log_config escapes
 * the same way), and never lets a value break the line.
 */
type Escape = (text: string) => string;

/** Whether `text` has a character the escape rewrites: `"`, `\\`, a control character (and for XML `<>&'`). */
function special(text: string, xml: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
    if (xml && (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x27)) return true;
  }
  return false;
}

const escapeQuoted: Escape = (text) => (special(text, false) ? JSON.stringify(text).slice(1, -1) : text);

const XML_ENTITIES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  '"': "&quot;",
  "'": "&apos;",
};
function escapeXml(text: string): string {
  if (!special(text, true)) return text;
  let out = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += XML_ENTITIES[c] ?? (code < 0x20 ? `&#${code};` : c);
  }
  return out;
}

/** `-` for what does not apply, as AWS prints it; numbers and booleans as they are. */
function render(value: Value, escapeValue: Escape): string {
  if (value === undefined || value === null || value === "") return "-";
  if (typeof value === "string") return escapeValue(value);
  return String(value);
}

/**
 * Compiles a format into a line function over any scope: `variable` gives each referenced name's
 * getter (REST/HTTP requests: access-log-variables.ts; WebSocket events: ws-access-log-variables.ts).
 */
export function compileLineFormat<S>(
  format: string,
  variable: (name: string) => (scope: S) => Value,
): (scope: S) => string {
  const { literals, names } = parseAccessLogFormat(format);
  const getters = names.map(variable);
  const xml = format.trimStart().startsWith("<");
  const escapeValue = xml ? escapeXml : escapeQuoted;
  // `$context.error.messageString` is the message as a JSON string literal, made to be written
  // unquoted (`"error": $context.error.messageString`): escaping it again would break the line.
  const escapes = names.map((name) =>
    !xml && name === "error.messageString" ? (t: string) => t : escapeValue,
  );
  const first = literals[0]!;
  return (scope) => {
    let line = first;
    for (let i = 0; i < getters.length; i++)
      line += render(getters[i]!(scope), escapes[i]!) + literals[i + 1]!;
    return line;
  };
}

/** Compiles a format for one REST or HTTP stage: a function from a finished request to its line. */
export function compileAccessLogFormat(format: string, stage: StageFacts): (done: FinishedRequest) => string {
  const line = compileLineFormat<LineScope>(format, accessLogVariable);
  return (done) => line(new LineScope(done, stage));
}

/** Whether a format names the request (AWS requires `$context.requestId` or `$context.extendedRequestId`). */
export function namesTheRequest(format: string): boolean {
  const { names } = parseAccessLogFormat(format);
  return names.includes("requestId") || names.includes("extendedRequestId");
}
