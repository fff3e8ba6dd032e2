import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MAX_PAYLOAD_BYTES } from "../integrations/request-body.ts";
import type { Logger } from "../observe/logger.ts";
import { serveWithCache } from "./cache-gate.ts";
import type { CompiledApi, ListenerInfo, RequestContext } from "./compiled.ts";
import { addEdgeHeaders } from "./edge-headers.ts";
import { HTTP_API_RESPONSES, REST_RESPONSES } from "./gateway-responses.ts";
import { guardRequest } from "./guard.ts";
import { firstHeader } from "./raw-headers.ts";
import { newExtendedRequestId, newRequestId } from "./request-ids.ts";
import { validateRequest } from "./request-validation.ts";
import { resolve } from "./resolve.ts";
import { RoutingTable } from "./routing-table.ts";
import { sendGatewayResponse } from "./send.ts";
import { admitTraffic } from "./traffic-gate.ts";
import { plainAddress, type TrustedProxies } from "./trusted-proxies.ts";

/** How often a closing listener looks for connections that have finished their last request. */
const DRAIN_POLL_MS = 20;

/**
 * The data-plane listener: resolve → route → integration. Holds the current routing table by a
 * single reference; `install`/`remove` swap it atomically.
 */
export class DataPlane {
  private table: RoutingTable = RoutingTable.empty;
  private server: Server | undefined;
  private listener: ListenerInfo = { protocol: "http", port: 0 };

  private readonly log: Logger;

  /** Test-invoke's private planes return the authorization trace in an `x-portico-trace` header. */
  private readonly exposeTrace: boolean;

  /** Proxies whose forwarding headers are believed (none by default). */
  private readonly trust: TrustedProxies | undefined;

  constructor(log: Logger, options: { exposeTrace?: boolean; trustedProxies?: TrustedProxies } = {}) {
    this.log = log;
    this.exposeTrace = options.exposeTrace === true;
    this.trust = options.trustedProxies?.empty === false ? options.trustedProxies : undefined;
  }

  get routingTable(): RoutingTable {
    return this.table;
  }

  install(api: CompiledApi): void {
    this.table = this.table.with(api);
  }

  remove(apiId: string): void {
    this.table = this.table.without(apiId);
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer(
      { keepAliveTimeout: 65_000, requestTimeout: 0, maxHeaderSize: 16 * 1024 },
      (req, res) => this.handle(req, res),
    );
    server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
      // Answers the HTTP parser's refusals itself; header overflow is 431 as HTTP says.
      const status =
        err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      else socket.destroy(err);
    });
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(port, host, () => ok());
    });
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    this.listener = { protocol: "http", port: bound };
    return bound;
  }

  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every socket.
   * Connections are closed as they fall idle, polled rather than tracked per request, so that
   * serving a request costs no listener.
   */
  async close(graceMs = 30_000): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    let done = false;
    const closed = new Promise<void>((ok) =>
      server.close(() => {
        done = true;
        ok();
      }),
    );
    const deadline = Date.now() + graceMs;
    while (!done && Date.now() < deadline) {
      server.closeIdleConnections();
      await Promise.race([closed, new Promise<void>((ok) => setTimeout(ok, DRAIN_POLL_MS).unref())]);
    }
    server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // While closing, each answer ends its connection.
    if (this.server === undefined) res.shouldKeepAlive = false;
    const ids = { requestId: newRequestId(), extendedRequestId: newExtendedRequestId() };
    const raw = req.rawHeaders;
    const found = resolve(
      this.table,
      firstHeader(raw, "host"),
      req.url ?? "/",
      firstHeader(raw, "x-apigw-api-id"),
    );
    if (found.kind !== "found") {
      const apiType = found.kind === "unknown-api" ? undefined : found.api.apiType;
      const responses = apiType === "HTTP" ? HTTP_API_RESPONSES : REST_RESPONSES;
      const type = found.kind === "unknown-api" ? "RESOURCE_NOT_FOUND" : "MISSING_AUTHENTICATION_TOKEN";
      sendGatewayResponse(res, apiType, ids, responses[type]);
      return;
    }
    const { stage } = found;
    const declared = firstHeader(raw, "content-length");
    if (declared !== undefined && Number(declared) > MAX_PAYLOAD_BYTES) {
      sendGatewayResponse(res, stage.apiType, ids, stage.responses.REQUEST_TOO_LARGE, true);
      return;
    }
    const method = req.method ?? "GET";
    const match = stage.routes.matchPath(method, found.path);
    const route = match?.value ?? stage.defaultRoute;
    if (route === undefined) {
      sendGatewayResponse(res, stage.apiType, ids, stage.responses.MISSING_AUTHENTICATION_TOKEN);
      return;
    }
    if (stage.edge === true) addEdgeHeaders(req);
    const remote = req.socket.remoteAddress ?? "";
    const origin = this.trust?.origin(remote, req.headers);
    const ctx: RequestContext = {
      req,
      res,
      requestId: ids.requestId,
      extendedRequestId: ids.extendedRequestId,
      startMs: Date.now(),
      stage,
      route,
      path: found.path,
      rawQuery: found.rawQuery,
      pathParams: match?.params ?? {},
      clientIp: origin?.clientIp ?? plainAddress(remote),
      sourceVpce: origin?.sourceVpce,
      listener: this.listener,
    };
    const iam = route.authorizationType === "AWS_IAM";
    // The common case (no policy, no IAM) goes straight to the integration, synchronously.
    const guarded =
      iam ||
      stage.hasPolicy ||
      stage.privateEndpoint !== undefined ||
      route.apiKeyRequired ||
      (route.authorizationType !== undefined && route.authorizationType !== "NONE");
    try {
      // Undefined when the answer was written synchronously (e.g. a cache hit): no promise to watch.
      const pending = guarded ? this.authorizeThenInvoke(ctx, iam) : this.admitThenInvoke(ctx);
      if (pending !== undefined) pending.catch((err: unknown) => this.failed(ctx, err));
    } catch (err) {
      this.failed(ctx, err);
    }
  }

  private failed(ctx: RequestContext, err: unknown): void {
    const { req, res } = ctx;
    // A client that hung up mid-request is not a gateway failure; there is no one to answer.
    if (req.destroyed || res.destroyed || (err as { code?: string }).code === "ECONNRESET") {
      this.log.debug({ requestId: ctx.requestId }, "client went away");
      res.destroy();
      return;
    }
    this.log.error({ err, requestId: ctx.requestId }, "integration failed unexpectedly");
    sendGatewayResponse(res, ctx.stage.apiType, ctx, ctx.stage.responses.INTEGRATION_FAILURE);
  }

  private async authorizeThenInvoke(ctx: RequestContext, iam: boolean): Promise<void> {
    const trace: string[] = [];
    const refusal = await guardRequest(ctx, iam, trace);
    if (this.exposeTrace && !ctx.res.headersSent) ctx.res.setHeader("x-portico-trace", JSON.stringify(trace));
    this.log.debug({ requestId: ctx.requestId, trace }, "authorization");
    if (refusal !== undefined) {
      sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, refusal);
      return;
    }
    await this.admitThenInvoke(ctx);
  }

  /** Throttles and quotas, then the cache or the integration; synchronous while state is in-process. */
  private admitThenInvoke(ctx: RequestContext): Promise<void> | undefined {
    const verdict = admitTraffic(ctx);
    if (verdict === undefined) return this.invoke(ctx);
    if (!(verdict instanceof Promise)) {
      sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, verdict);
      return undefined;
    }
    return verdict.then((refusal) => {
      if (refusal === undefined) return this.invoke(ctx);
      sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, refusal);
    });
  }

  /** Request validation (AWS runs it after throttling), then the cache or the integration. */
  private invoke(ctx: RequestContext): Promise<void> | undefined {
    const validation = ctx.route.validation;
    if (validation !== undefined) {
      const verdict = validateRequest(ctx, validation);
      if (verdict instanceof Promise)
        return verdict.then((refusal) =>
          refusal === undefined
            ? this.serve(ctx)
            : sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, refusal),
        );
      if (verdict !== undefined) {
        sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, verdict);
        return undefined;
      }
    }
    return this.serve(ctx);
  }

  private serve(ctx: RequestContext): Promise<void> | undefined {
    const policy = ctx.route.cache;
    return policy === undefined ? ctx.route.invoke(ctx) : serveWithCache(ctx, policy);
  }
}
