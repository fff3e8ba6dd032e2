import type { Inbound, Reply } from "../http/inbound.ts";
import { type RequestDoneMessage, requestsDone } from "./channels.ts";
import type { ApiType, RequestContext } from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";

/** The watch a response carries, and the gateway's own answer when it gave one. */
const WATCH = Symbol("portico.requestWatch");
const GATEWAY_ANSWER = Symbol("portico.gatewayResponse");

type Watched = Reply & { [WATCH]?: RequestWatch; [GATEWAY_ANSWER]?: GatewayResponse };
type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => Reply;

/** sendGatewayResponse marks its answer, so the request's observers know the gateway answered and how. */
export function markGatewayAnswer(res: Reply, response: GatewayResponse): void {
  if (requestsDone.hasSubscribers) (res as Watched)[GATEWAY_ANSWER] = response;
}

function bytesOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === "string")
    return Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

// Shared by every watched response (no closures per request): the watch is found on the response.
function countingWrite(this: Watched, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  const watch = this[WATCH]!;
  watch.bytes += bytesOf(chunk, encoding);
  return watch.write.call(this, chunk, encoding, callback);
}

function countingEnd(this: Watched, chunk?: unknown, encoding?: unknown, callback?: unknown): Reply {
  const watch = this[WATCH]!;
  if (chunk !== undefined && chunk !== null && typeof chunk !== "function")
    watch.bytes += bytesOf(chunk, encoding);
  return watch.end.call(this, chunk, encoding, callback);
}

function closed(this: Watched): void {
  this[WATCH]?.publish();
}

/**
 * Follows one request to its end for `portico:request` observers, counting the body bytes written
 * (a proxied answer has no Content-Length the gateway could read back). Made only when someone
 * subscribes; its cost is one object, two method slots and one `close` listener per request.
 */
export class RequestWatch {
  private readonly started = performance.now();
  bytes = 0;
  private published = false;
  api: RequestDoneMessage["api"] = undefined;
  ctx: RequestContext | undefined = undefined;
  readonly write: Write;
  readonly end: End;
  private readonly req: Inbound;
  private readonly res: Watched;
  private readonly ids: { requestId: string; extendedRequestId: string };
  private readonly startMs: number;

  constructor(
    req: Inbound,
    res: Reply,
    ids: { requestId: string; extendedRequestId: string },
    startMs: number,
  ) {
    this.req = req;
    this.res = res as Watched;
    this.ids = ids;
    this.startMs = startMs;
    this.write = res.write as unknown as Write;
    this.end = res.end as unknown as End;
    this.res[WATCH] = this;
    res.write = countingWrite as unknown as Reply["write"];
    res.end = countingEnd as unknown as Reply["end"];
    // A response emits `close` once, after `finish` when it finished, or when its client went away.
    res.once("close", closed);
  }

  found(apiId: string, apiType: ApiType, stageName: string): void {
    this.api = { apiId, apiType, stageName };
  }

  publish(): void {
    // The watch stays on the response: a pipe may still end it after its client went away.
    if (this.published) return;
    this.published = true;
    const res = this.res;
    if (!requestsDone.hasSubscribers) return;
    const message: RequestDoneMessage = {
      requestId: this.ids.requestId,
      extendedRequestId: this.ids.extendedRequestId,
      req: this.req,
      res,
      startMs: this.startMs,
      latencyMs: performance.now() - this.started,
      api: this.api,
      ctx: this.ctx,
      statusCode: res.statusCode,
      responseBytes: this.bytes,
      gatewayResponse: res[GATEWAY_ANSWER],
      aborted: !res.writableFinished,
    };
    requestsDone.publish(message);
  }
}
