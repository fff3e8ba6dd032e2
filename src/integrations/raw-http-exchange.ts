import { validateHeaderName, validateHeaderValue } from "node:http";
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { Readable } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { RequestContext } from "../gateway/context.ts";
import { BackendTimeoutError, BadBackendResponseError } from "../gateway/responses/errors.ts";
import { MAX_PAYLOAD_BYTES, readBody } from "../http/request-body.ts";
import type { BackendResponse } from "./backend-response.ts";
import type { HttpBackendSpec, ResolvedTarget } from "./backend-target.ts";
import type { Upstreams } from "./upstreams.ts";

/** A response head larger than this is refused (Node's own default limit). */
const MAX_HEAD_BYTES = 16 * 1024;
/** AWS's payload limit applies to responses too; past it the exchange is abandoned. */
const MAX_RESPONSE_BYTES = MAX_PAYLOAD_BYTES + MAX_HEAD_BYTES;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * One HTTP/1.1 request on its own connection, written header by header as given, and its response
 * read whole. For the rare integration whose mappings set headers neither undici nor node:http will
 * put on an ordinary request (backend-call.ts). The request body is read first and sent with its
 * Content-Length, as AWS does (a body-less GET goes out with `Content-Length: 0`, recorded);
 * `Connection: close` ends the exchange; the whole of it is bounded by the integration timeout.
 */
export async function callOverRawHttp(
  ctx: RequestContext,
  spec: HttpBackendSpec,
  target: ResolvedTarget,
  headers: string[],
  _upstreams: Upstreams,
  transformed?: Buffer,
): Promise<BackendResponse> {
  const body = transformed ?? (await readBody(ctx.req));
  const url = new URL(target.origin);
  const method = spec.method ?? ctx.req.method ?? "GET";
  const head = requestHead(method, target.path, url.host, headers, body.length);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const secure = url.protocol === "https:";
  const port = Number(url.port || (secure ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined })
      : tcpConnect({ host, port });
    const reader = new ResponseReader(method);
    let settled = false;
    const finish = (err: Error | undefined, response?: BackendResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(response!);
    };
    const timer = setTimeout(
      () => finish(new BackendTimeoutError("Endpoint request timed out")),
      spec.timeoutMs,
    );
    socket.once("error", (err) => finish(err));
    socket.on("data", (chunk: Buffer) => {
      try {
        const done = reader.push(chunk);
        if (done !== undefined) finish(undefined, done);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.once("end", () => {
      try {
        finish(undefined, reader.end());
      } catch (err) {
        finish(err as Error);
      }
    });
    // Not ended: a half-close can read as the client giving up; `Connection: close` ends it instead.
    socket.write(head);
    if (body.length > 0) socket.write(body);
  });
}

/** The request line and headers; an invalid mapped name or value fails the call, as undici's would. */
function requestHead(method: string, path: string, host: string, headers: string[], length: number): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let hasHost = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const lower = name.toLowerCase();
    if (lower === "content-length" || lower === "connection") continue;
    if (lower === "host") hasHost = true;
    validateHeaderName(name);
    validateHeaderValue(name, headers[i + 1]!);
    head += `${name}: ${headers[i + 1]}\r\n`;
  }
  if (!hasHost) head = head.replace("\r\n", `\r\nHost: ${host}\r\n`);
  return Buffer.from(`${head}Content-Length: ${length}\r\nConnection: close\r\n\r\n`, "latin1");
}

interface Head {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  /** Offset of the body in the received bytes. */
  readonly bodyAt: number;
}

/** Collects the response and answers as soon as its framing says it is complete. */
class ResponseReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private head: Head | undefined;
  private readonly method: string;

  constructor(method: string) {
    this.method = method;
  }

  push(chunk: Buffer): BackendResponse | undefined {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > MAX_RESPONSE_BYTES) throw new BadBackendResponseError("Response too large");
    if (this.head === undefined) {
      this.head = this.parseHead(this.bytes());
      if (this.head === undefined) return undefined;
    }
    return this.complete(false);
  }

  end(): BackendResponse {
    if (this.head === undefined) this.head = this.parseHead(this.bytes());
    if (this.head === undefined) throw new BadBackendResponseError("Connection closed before a response");
    const response = this.complete(true);
    if (response === undefined) throw new BadBackendResponseError("Connection closed mid-body");
    return response;
  }

  private endsWithBlankLine(): boolean {
    const last = this.chunks[this.chunks.length - 1]!;
    const tail = last.length >= 4 ? last.subarray(-4) : this.bytes().subarray(-4);
    return tail.equals(HEAD_END);
  }

  private bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** The final (non-1xx) response head, or undefined while it is incomplete. */
  private parseHead(bytes: Buffer): Head | undefined {
    let at = 0;
    for (;;) {
      const end = bytes.indexOf(HEAD_END, at);
      if (end === -1) {
        if (bytes.length - at > MAX_HEAD_BYTES) throw new BadBackendResponseError("Response head too large");
        return undefined;
      }
      const lines = bytes.toString("latin1", at, end).split("\r\n");
      const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]!);
      if (status === null) throw new BadBackendResponseError("Not an HTTP/1.1 response");
      const statusCode = Number(status[1]);
      const headers: Record<string, string | string[]> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).toLowerCase();
        if (colon <= 0 || !TOKEN.test(name)) throw new BadBackendResponseError("Malformed response header");
        const value = line.slice(colon + 1).trim();
        const prior = headers[name];
        if (name === "set-cookie") headers[name] = [...((prior as string[] | undefined) ?? []), value];
        else headers[name] = prior === undefined ? value : `${prior}, ${value}`;
      }
      at = end + HEAD_END.length;
      if (statusCode === 101) throw new BadBackendResponseError("The backend switched protocols");
      if (statusCode > 599) throw new BadBackendResponseError(`Status ${statusCode} is not an HTTP status`);
      if (statusCode >= 200) return { statusCode, headers, bodyAt: at };
      // 1xx interim responses (100 Continue, 103 Early Hints) precede the real one.
    }
  }

  /** The response once its body is all here (`closed`: the backend has ended the connection). */
  private complete(closed: boolean): BackendResponse | undefined {
    const head = this.head!;
    const respond = (body: Buffer): BackendResponse => ({
      statusCode: head.statusCode,
      headers: head.headers,
      body: Readable.from([body]),
    });
    if (this.method === "HEAD" || head.statusCode === 204 || head.statusCode === 304)
      return respond(Buffer.alloc(0));
    const encoding = head.headers["transfer-encoding"];
    if (typeof encoding === "string" && /(^|,)\s*chunked\s*$/i.test(encoding)) {
      // A chunked body ends in CRLF CRLF: decoding is only tried when the bytes so far do.
      if (!closed && !this.endsWithBlankLine()) return undefined;
      const body = unchunk(this.bytes(), head.bodyAt);
      if (body === undefined && closed) throw new BadBackendResponseError("Truncated chunked body");
      return body === undefined ? undefined : respond(body);
    }
    const length = head.headers["content-length"];
    if (typeof length === "string") {
      if (!/^\d+$/.test(length)) throw new BadBackendResponseError("Invalid Content-Length");
      const n = Number(length);
      if (this.size - head.bodyAt < n) return undefined;
      return respond(this.bytes().subarray(head.bodyAt, head.bodyAt + n));
    }
    return closed ? respond(this.bytes().subarray(head.bodyAt)) : undefined;
  }
}

/** A chunked body decoded, or undefined while its last chunk has not arrived; trailers are ignored. */
function unchunk(bytes: Buffer, from: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at, "latin1");
    if (lineEnd === -1) return undefined;
    const sizeText = bytes.toString("latin1", at, lineEnd).split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new BadBackendResponseError("Invalid chunk size");
    const size = Number.parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) return bytes.indexOf(HEAD_END, at - 2) === -1 ? undefined : Buffer.concat(parts);
    if (bytes.length < at + size + 2) return undefined;
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}
