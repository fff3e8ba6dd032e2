import { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import type { RequestContext } from "../gateway/context.ts";
import { integrationAnswered, integrationStarted } from "../gateway/integration-timing.ts";
import { countBody } from "../gateway/request-watch.ts";
import { BadBackendResponseError } from "../gateway/responses/errors.ts";
import type { Reply } from "../http/inbound.ts";
import { streamingBody } from "../http/request-body.ts";
import type { HttpBackendSpec, ResolvedTarget } from "./backend-target.ts";
import type { BackendHeaders } from "./response-headers.ts";
import type { Upstreams } from "./upstreams.ts";

/** What the integration does with the backend's answer: write its head, or answer a failure before one. */
export interface ProxyAnswer {
  /** The backend's status and headers: write the response head (the body follows as it comes). */
  head(ctx: RequestContext, statusCode: number, headers: BackendHeaders): void;
  /** No head was written: the backend could not be reached, timed out, or answered no HTTP status. */
  fail(ctx: RequestContext, err: unknown, target: ResolvedTarget): void;
}

const EXCHANGE = Symbol("portico.proxyExchange");
type Tracked = Reply & { [EXCHANGE]?: ProxyExchange };

/** The client went away (or the answer was sent): a body still coming is cut off. Shared, no closure per request. */
function onClientClose(this: Tracked): void {
  this[EXCHANGE]?.clientClosed();
}

const noop = (): undefined => undefined;

/** As undici's request() leaves a request body after a failed exchange: destroyed, the client's socket kept. */
function destroyBody(body: unknown, err: Error): void {
  if (body === null || typeof body !== "object" || typeof (body as Readable).pipe !== "function") return;
  const stream = body as Readable & { socket?: unknown };
  if (stream.destroyed) return;
  stream.on("error", noop);
  if (Object.getPrototypeOf(stream).constructor === IncomingMessage) stream.socket = null;
  stream.destroy(err);
}

const WAITING = 0;
const STREAMING = 1;
const DONE = 2;

/**
 * One HTTP_PROXY exchange on undici's dispatch API: the backend's body goes straight from the
 * connection to the client's response. `request()` would put a Readable, a promise, an
 * AsyncResource and a pipe between the two for every request (measured: most of undici's share of
 * a proxied request's CPU); backpressure and teardown are the same as the pipe's.
 */
class ProxyExchange implements Dispatcher.DispatchHandler {
  private state = WAITING;
  private controller: Dispatcher.DispatchController | undefined;
  private drain: (() => void) | undefined;
  /** Settles the integration's promise once the head is written or the failure answered (tracers end its span then). */
  settle: (() => void) | undefined;
  private readonly ctx: RequestContext;
  private readonly res: Tracked;
  private readonly target: ResolvedTarget;
  private readonly body: unknown;
  private readonly answer: ProxyAnswer;

  constructor(ctx: RequestContext, target: ResolvedTarget, body: unknown, answer: ProxyAnswer) {
    this.ctx = ctx;
    this.res = ctx.res as Tracked;
    this.target = target;
    this.body = body;
    this.answer = answer;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: BackendHeaders,
  ): void {
    if (statusCode < 200 || this.state !== WAITING) return;
    integrationAnswered(this.ctx, statusCode);
    if (statusCode > 599) {
      this.state = DONE;
      const err = new BadBackendResponseError(`Status ${statusCode} is not an HTTP status`);
      controller.abort(err);
      this.answer.fail(this.ctx, err, this.target);
      this.settle?.();
      return;
    }
    const res = this.res;
    if (res.destroyed) {
      // The client went away while the backend was answering: no one to relay the answer to.
      this.state = DONE;
      controller.abort(new Error("client went away"));
      this.settle?.();
      return;
    }
    this.state = STREAMING;
    res[EXCHANGE] = this;
    res.once("close", onClientClose);
    try {
      this.answer.head(this.ctx, statusCode, headers);
    } catch (err) {
      // A head Node refuses (a header value it will not send) fails as an unreadable answer would.
      this.state = DONE;
      res.off("close", onClientClose);
      controller.abort(err as Error);
      this.answer.fail(this.ctx, err, this.target);
    }
    this.settle?.();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.state !== STREAMING) return;
    countBody(this.res, chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.drain ??= () => this.controller?.resume();
      this.res.once("drain", this.drain);
    }
  }

  onResponseEnd(): void {
    if (this.state !== STREAMING) return;
    this.state = DONE;
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    destroyBody(this.body, err);
    const state = this.state;
    this.state = DONE;
    if (state === WAITING) {
      integrationAnswered(this.ctx, undefined, err.message);
      this.answer.fail(this.ctx, err, this.target);
      this.settle?.();
    } else if (state === STREAMING) this.res.destroy();
  }

  clientClosed(): void {
    if (this.state !== STREAMING) return;
    this.state = DONE;
    this.controller?.abort(new Error("client went away"));
  }
}

/**
 * Sends the request to the backend through the origin's pool, with the integration timeout, and
 * relays the answer to the client as it comes: `answer.head` writes the head, the body follows. The
 * promise settles (never rejects) once the head is written or the failure answered, as the
 * integration's own promise did when it awaited request().
 */
export function proxyToBackend(
  ctx: RequestContext,
  spec: HttpBackendSpec,
  target: ResolvedTarget,
  headers: string[],
  upstreams: Upstreams,
  answer: ProxyAnswer,
  /** A body already read (a mapping needed it); otherwise the client's body is streamed. */
  buffered?: Buffer,
): Promise<void> {
  integrationStarted(ctx);
  const body = buffered ?? streamingBody(ctx.req);
  const exchange = new ProxyExchange(ctx, target, body, answer);
  const settled = new Promise<void>((resolve) => {
    exchange.settle = resolve;
  });
  upstreams.pool(target.origin).dispatch(
    {
      method: (spec.method ?? ctx.req.method ?? "GET") as Dispatcher.HttpMethod,
      path: target.path,
      headers,
      body,
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
    },
    exchange,
  );
  return settled;
}
