import type { OutgoingHttpHeaders } from "node:http";
import type { Reply } from "../../http/inbound.ts";

/** What a handler wrote: status, headers (flat) and the body, unless it outgrew `limit`. */
export interface CapturedResponse {
  statusCode: number;
  headers: string[];
  body: Buffer | undefined;
}

function flatten(
  headers: OutgoingHttpHeaders | readonly string[] | undefined,
  out: string[],
  overridden?: ReadonlySet<string>,
): void {
  if (headers === undefined) return;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) out.push(String(headers[i]), String(headers[i + 1]));
    return;
  }
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (value === undefined || overridden?.has(name.toLowerCase())) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, String(v));
    else out.push(name, String(value));
  }
}

/** Lower-cased names given to `writeHead`: Node lets them replace headers set before. */
function namesOf(headers: OutgoingHttpHeaders | readonly string[]): Set<string> {
  const names = new Set<string>();
  if (Array.isArray(headers))
    for (let i = 0; i < headers.length; i += 2) names.add(String(headers[i]).toLowerCase());
  else for (const name of Object.keys(headers)) names.add(name.toLowerCase());
  return names;
}

const toBuffer = (chunk: unknown): Buffer | undefined =>
  typeof chunk === "string"
    ? Buffer.from(chunk)
    : chunk instanceof Uint8Array
      ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      : undefined;

/**
 * Records what an integration writes to `res` while still sending it, so a cacheable answer can be
 * stored after the fact. Only the routes that cache pay for this; the body is kept up to `limit` bytes.
 */
export function captureResponse(res: Reply, limit: number, done: (captured: CapturedResponse) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  let statusCode = 0;
  const headers: string[] = [];
  const collect = (chunk: unknown) => {
    if (overflow) return;
    const b = toBuffer(chunk);
    if (b === undefined) return;
    size += b.length;
    if (size > limit) {
      overflow = true;
      chunks.length = 0;
    } else chunks.push(b);
  };
  const writeHead = res.writeHead;
  const write = res.write;
  const end = res.end;
  res.writeHead = function (this: Reply, code: number, ...rest: unknown[]) {
    statusCode = code;
    const last = rest.at(-1);
    const given = typeof last === "object" && last !== null ? (last as OutgoingHttpHeaders) : undefined;
    flatten(this.getHeaders(), headers, given === undefined ? undefined : namesOf(given));
    flatten(given, headers);
    return (writeHead as (...a: unknown[]) => Reply).call(this, code, ...rest);
  } as Reply["writeHead"];
  res.write = function (this: Reply, chunk: unknown, ...rest: unknown[]) {
    collect(chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Reply["write"];
  let ended = false;
  res.end = function (this: Reply, chunk?: unknown, ...rest: unknown[]) {
    if (ended) return (end as (...a: unknown[]) => Reply).call(this, chunk, ...rest);
    ended = true;
    if (typeof chunk !== "function") collect(chunk);
    const result = (end as (...a: unknown[]) => Reply).call(this, chunk, ...rest);
    if (statusCode === 0) {
      statusCode = this.statusCode;
      flatten(this.getHeaders(), headers);
    }
    done({ statusCode, headers, body: overflow ? undefined : Buffer.concat(chunks) });
    return result;
  } as Reply["end"];
}
