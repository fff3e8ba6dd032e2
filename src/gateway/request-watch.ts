import type { OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import type { Inbound, Reply } from "../http/inbound.ts";
import { type RequestDoneMessage, requestsDone } from "./channels.ts";
import { type CompiledStage, DATA_TRACE_BYTES, type ListenerInfo, type RequestContext } from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";

/** What the gateway's own answer leaves on the response for the request's observers. */
const GATEWAY_ANSWER = Symbol("portico.gatewayResponse");

type Marked = Reply & { [GATEWAY_ANSWER]?: GatewayResponse };

/** sendGatewayResponse marks its answer, so the request's observers know the gateway answered and how. */
export function markGatewayAnswer(res: Reply, response: GatewayResponse): void {
  if (requestsDone.hasSubscribers) (res as Marked)[GATEWAY_ANSWER] = response;
}

const WATCH = Symbol("portico.watch");

type Watched = Reply & { [WATCH]?: RequestWatch };

/**
 * A body, or a chunk of one, on its way out: Portico's writers report what they send, for the
 * request's observers ($context.responseLength, DataProcessed, data traces). Wrapping each response's
 * write and end instead gave every ServerResponse its own methods, which cost Node's HTTP code more
 * than the rest of the observing together.
 */
export function countBody(res: Reply, chunk: unknown): void {
  (res as Watched)[WATCH]?.count(chunk, undefined);
}

/** Whether anyone counts this response's body (so a relay need not listen for its chunks). */
export function bodyCounted(res: Reply): boolean {
  return (res as Watched)[WATCH] !== undefined;
}

/**
 * 'close' ends every response: after 'finish' when it was sent whole, or alone when the client went
 * away first (Node's ServerResponse 'close': "completed, or its underlying connection was terminated
 * prematurely"). One listener per response instead of two.
 */
function onClose(this: Watched): void {
  this[WATCH]?.publish(!this.writableFinished);
}

/**
 * Follows one request to its end for `portico:request` observers, counting the body bytes written
 * (a proxied answer has no Content-Length the gateway could read back). Made only when someone
 * subscribes: a gateway nobody observes does none of this.
 */
export class RequestWatch {
  private readonly started = performance.now();
  private bytes = 0;
  private published = false;
  /** The start of the body, on a method with `dataTraceEnabled` (execution logs show it). */
  private kept: Buffer[] | undefined;
  private keptBytes = 0;
  /** The head as written, on a method with `dataTraceEnabled` (headers given to writeHead are not kept by Node). */
  private head: OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined;
  private context: RequestContext | undefined;
  api: RequestDoneMessage["api"];
  stage: CompiledStage | undefined;

  get ctx(): RequestContext | undefined {
    return this.context;
  }

  /** The matched request; a data-traced method's head is kept for its execution log. */
  set ctx(ctx: RequestContext | undefined) {
    this.context = ctx;
    if (ctx?.route.logging?.dataTrace !== true) return;
    const writeHead = this.res.writeHead;
    const watch = this;
    this.res.writeHead = function (this: Reply, statusCode: number, ...rest: unknown[]) {
      const headers = rest.find((r) => typeof r === "object" && r !== null);
      if (headers !== undefined) watch.head = headers as OutgoingHttpHeaders;
      return (writeHead as (...a: unknown[]) => Reply).call(this, statusCode, ...rest);
    } as Reply["writeHead"];
  }

  private readonly req: Inbound;
  private readonly res: Reply;
  private readonly ids: { requestId: string; extendedRequestId: string };
  private readonly startMs: number;
  private readonly listener: ListenerInfo | undefined;

  constructor(
    req: Inbound,
    res: Reply,
    ids: { requestId: string; extendedRequestId: string },
    startMs: number,
    listener?: ListenerInfo,
  ) {
    this.req = req;
    this.res = res;
    this.ids = ids;
    this.startMs = startMs;
    this.listener = listener;
    // One shared listener and one watch per response (no closures per request).
    (res as Watched)[WATCH] = this;
    res.on("close", onClose);
  }

  /** A chunk of the body on its way out. */
  count(chunk: unknown, encoding: unknown): void {
    if (typeof chunk === "string")
      this.bytes += Buffer.byteLength(
        chunk,
        typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
      );
    else if (chunk instanceof Uint8Array) this.bytes += chunk.byteLength;
    else return;
    if (this.context?.route.logging?.dataTrace === true) this.keep(chunk, encoding);
  }

  found(stage: CompiledStage): void {
    this.api = { apiId: stage.apiId, apiType: stage.apiType, stageName: stage.stageName };
    this.stage = stage;
  }

  private keep(chunk: string | Uint8Array, encoding: unknown): void {
    if (this.keptBytes >= DATA_TRACE_BYTES) return;
    const bytes =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const part = bytes.subarray(0, DATA_TRACE_BYTES - this.keptBytes);
    // A copy: the caller may reuse its buffer once written.
    this.kept ??= [];
    this.kept.push(Buffer.from(part));
    this.keptBytes += part.length;
  }

  /** Publishes the finished request, once, at 'close': aborted when the client went away before the end. */
  publish(aborted: boolean): void {
    if (this.published) return;
    this.published = true;
    if (!requestsDone.hasSubscribers) return;
    // One shape for every message (absent facts as undefined): no spread copies, one hidden class.
    requestsDone.publish({
      requestId: this.ids.requestId,
      extendedRequestId: this.ids.extendedRequestId,
      req: this.req,
      res: this.res,
      startMs: this.startMs,
      latencyMs: performance.now() - this.started,
      api: this.api,
      ctx: this.context,
      statusCode: this.res.statusCode,
      responseBytes: this.bytes,
      gatewayResponse: (this.res as Marked)[GATEWAY_ANSWER],
      aborted,
      stage: this.stage,
      listener: this.listener,
      responseBody: this.kept === undefined ? undefined : Buffer.concat(this.kept),
      responseHeaders:
        this.context?.route.logging?.dataTrace === true ? responseHeaders(this.res, this.head) : undefined,
    } satisfies RequestDoneMessage);
  }
}

/** The headers a response went out with: those set one by one, and those given to writeHead (flat or paired). */
function responseHeaders(
  res: Reply,
  head: OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (name: unknown, value: unknown) => {
    if (value === undefined) return;
    const key = String(name).toLowerCase();
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    const prior = out[key];
    const all = prior === undefined ? values : [...(Array.isArray(prior) ? prior : [prior]), ...values];
    out[key] = all.length === 1 ? all[0]! : all;
  };
  for (const [name, value] of Object.entries(res.getHeaders())) add(name, value);
  if (Array.isArray(head)) {
    if (head.length > 0 && Array.isArray(head[0]))
      for (const [n, v] of head as unknown as [string, string][]) add(n, v);
    else for (let i = 0; i + 1 < head.length; i += 2) add(head[i], head[i + 1]);
  } else if (head !== undefined) for (const [name, value] of Object.entries(head)) add(name, value);
  return out;
}
