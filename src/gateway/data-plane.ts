import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ClientCert } from "../http/client-cert.ts";
import type { Inbound } from "../http/inbound.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { MAX_PAYLOAD_BYTES } from "../http/request-body.ts";
import { newExtendedRequestId, newRequestId } from "../http/request-ids.ts";
import { drain, hardenedServer } from "../listen/hardened-server.ts";
import { type HttpsListener, hardenedHttpsServer } from "../listen/https-server.ts";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../listen/listener-limits.ts";
import { listening } from "../listen/listening.ts";
import { admitMutualTls } from "../listen/mutual-tls.ts";
import { defaultOverloadLimits, OverloadGuard, type OverloadLimits } from "../listen/overload.ts";
import type { TlsProfiles } from "../listen/tls-profiles.ts";
import type { Logger } from "../logger.ts";
import { runChain, tracesDecisions } from "./chain.ts";
import { apisInstalled, requestStarts, requestsDone } from "./channels.ts";
import type { CompiledApi, ListenerInfo, RequestContext } from "./context.ts";
import { DomainTable } from "./custom-domains.ts";
import { addEdgeHeaders } from "./edge-headers.ts";
import { failWith, internalFailure } from "./failure.ts";
import { refuseHead, refuseUrlForStage } from "./request-head.ts";
import { RequestWatch } from "./request-watch.ts";
import { resolve } from "./resolve.ts";
import {
  FORBIDDEN,
  type GatewayResponse,
  HTTP_API_RESPONSES,
  REST_RESPONSES,
} from "./responses/catalogue.ts";
import { gatewayResponseFor } from "./responses/errors.ts";
import { CONNECTION_FULL, MTLS_FORBIDDEN, NODE_FULL } from "./responses/listener-answers.ts";
import { sendGatewayResponse } from "./responses/send.ts";
import { RoutingTable } from "./routing-table.ts";
import { serveWithCache } from "./steps/cache.ts";
import { plainAddress, type TrustedProxies } from "./trusted-proxies.ts";

/**
 * What a WebSocket plane plugs into this listener (websocket/, injected by portico.ts so the data
 * plane does not import it): upgrades, and the plain HTTP requests of its APIs (`@connections`).
 */
export interface WebSocketHooks {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** True when the request was the WebSocket plane's to answer. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
}

export interface DataPlaneOptions {
  exposeTrace?: boolean;
  trustedProxies?: TrustedProxies;
  limits?: ListenerLimits;
  overload?: OverloadLimits;
  /** The public URL's host after `{apiId}` (`.api.example.com`): such hosts name APIs too. */
  publicHostSuffix?: string;
}

/**
 * The data-plane listener: resolve → route → integration. Holds the current routing table by a
 * single reference; `install`/`remove` swap it atomically.
 */
export class DataPlane {
  private table: RoutingTable = RoutingTable.empty;
  private domainTable: DomainTable = DomainTable.empty;
  private server: Server | undefined;
  private listener: ListenerInfo = { protocol: "http", port: 0 };
  private https: HttpsListener | undefined;
  private httpsListener: ListenerInfo = { protocol: "https", port: 0 };
  private tls: TlsProfiles | undefined;

  private readonly log: Logger;

  /** Test-invoke's private planes return the authorization trace in an `x-portico-trace` header. */
  private readonly exposeTrace: boolean;

  /** Proxies whose forwarding headers are believed (none by default). */
  private readonly trust: TrustedProxies | undefined;

  private readonly limits: ListenerLimits;
  private readonly publicHostSuffix: string | undefined;
  private readonly overloadLimits: OverloadLimits;
  private overload: OverloadGuard | undefined;
  private inProcess: Server | undefined;
  private websockets: WebSocketHooks | undefined;

  constructor(log: Logger, options: DataPlaneOptions = {}) {
    this.log = log;
    this.exposeTrace = options.exposeTrace === true;
    this.trust = options.trustedProxies?.empty === false ? options.trustedProxies : undefined;
    this.limits = options.limits ?? DEFAULT_LISTENER_LIMITS;
    this.overloadLimits = options.overload ?? defaultOverloadLimits();
    this.publicHostSuffix = options.publicHostSuffix;
  }

  /**
   * Whether a request is this listener's (observers in the same process tell gateways apart by it):
   * its context, or a `portico:request` message.
   */
  owns(request: { readonly listener?: ListenerInfo }): boolean {
    return request.listener === this.listener || request.listener === this.httpsListener;
  }

  /**
   * Whether a request arrived on this plane's port, for observers of a request no route matched (it
   * has no context to compare). Requests served in process (test-invoke) are nobody's.
   */
  servedHere(req: Inbound): boolean {
    const port = req.socket.localPort;
    return (
      port !== undefined && (port === this.listener.port || port === this.httpsListener.port) && port !== 0
    );
  }

  attachWebSockets(hooks: WebSocketHooks): void {
    this.websockets = hooks;
  }

  get routingTable(): RoutingTable {
    return this.table;
  }

  install(api: CompiledApi): void {
    this.table = this.table.with(api);
    if (apisInstalled.hasSubscribers) apisInstalled.publish({ api });
  }

  remove(apiId: string): void {
    this.table = this.table.without(apiId);
  }

  /** The custom domains and their API mappings (the WebSocket plane reads the same table). */
  get domains(): DomainTable {
    return this.domainTable;
  }

  /** A change of custom domains or mappings: served from the next request on, like a deployment. */
  installDomains(table: DomainTable): void {
    this.domainTable = table;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = hardenedServer(
      "data plane",
      this.limits,
      this.log,
      this.admitting((req, res) => this.handle(req, res)),
    );
    this.acceptUpgrades(server);
    await listening(server, port, host);
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    this.listener = { protocol: "http", port: bound };
    return bound;
  }

  /**
   * The HTTPS listener (listen/https-server.ts): the same pipeline, certificates chosen by SNI among
   * `profiles`, and mutual TLS domains' requests admitted only with a trusted client certificate.
   */
  async listenTls(port: number, host: string, profiles: TlsProfiles): Promise<number> {
    this.tls = profiles;
    const https = hardenedHttpsServer(
      "data plane (https)",
      this.limits,
      this.log,
      profiles,
      this.admitting((req, res) => this.handle(req, res, true)),
    );
    this.acceptUpgrades(https.server);
    await listening(https.server, port, host);
    this.https = https;
    const bound = (https.server.address() as AddressInfo).port;
    this.httpsListener = { protocol: "https", port: bound };
    return bound;
  }

  /** New domains or certificates for the HTTPS listener (a stored domain name changed). */
  updateTls(profiles: TlsProfiles): void {
    this.tls = profiles;
    this.https?.update(profiles);
  }

  /** Every request of a listener goes through the overload guard first (one guard for both listeners). */
  private admitting(serve: (req: IncomingMessage, res: ServerResponse) => void) {
    this.overload ??= new OverloadGuard(this.overloadLimits);
    const overload = this.overload;
    // One listener function for every request: counting in-flight requests allocates nothing.
    const answered = function (this: ServerResponse) {
      overload.done(this.req.socket);
    };
    return (req: IncomingMessage, res: ServerResponse) => {
      const shed = overload.admit(req.socket);
      if (shed !== undefined) {
        this.shed(req, res, shed === "node-full" ? NODE_FULL : CONNECTION_FULL);
        return;
      }
      res.once("close", answered);
      serve(req, res);
    };
  }

  private acceptUpgrades(server: Server | HttpsListener["server"]): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.websockets === undefined) socket.destroy();
      else if (server !== this.server && this.tls !== undefined && !admitMutualTls(req, this.tls).admitted)
        socket.end(
          `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 23\r\nConnection: close\r\n\r\n${MTLS_FORBIDDEN.body}`,
        );
      else this.websockets.upgrade(req, socket, head);
    });
  }

  /**
   * Serves one connection handed over in process (test-invoke): the listener's own pipeline, parser
   * included, over an in-memory stream instead of a socket, so nothing listens on a port.
   */
  serveConnection(connection: Duplex): void {
    this.inProcess ??= hardenedServer("in-process", this.limits, this.log, (req, res) =>
      this.handle(req, res),
    );
    this.inProcess.emit("connection", connection);
  }

  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then closes every socket. */
  async close(graceMs = this.limits.drainTimeoutMs): Promise<void> {
    // The in-process server never listened; closing it stops its connection-timeout checks.
    this.inProcess?.closeAllConnections();
    this.inProcess?.close(() => undefined);
    this.inProcess = undefined;
    const servers = [this.server, this.https?.server].filter((x) => x !== undefined);
    this.server = undefined;
    this.https = undefined;
    this.overload?.close();
    await Promise.all(servers.map((server) => drain(server, graceMs)));
  }

  private shed(req: IncomingMessage, res: ServerResponse, answer: typeof NODE_FULL | typeof CONNECTION_FULL) {
    const ids = { requestId: newRequestId(), extendedRequestId: newExtendedRequestId() };
    this.log.debug({ requestId: ids.requestId, status: answer.statusCode }, "request shed: node overloaded");
    sendGatewayResponse(res, undefined, ids, answer, req.headers["transfer-encoding"] !== undefined);
  }

  /** `secure`: the request came over the HTTPS listener (mutual TLS applies, the client certificate is read). */
  private handle(req: IncomingMessage, res: ServerResponse, secure?: true): void {
    // While closing, each answer ends its connection.
    if (this.server === undefined && this.https === undefined) res.shouldKeepAlive = false;
    const ids = { requestId: newRequestId(), extendedRequestId: newExtendedRequestId() };
    const startMs = Date.now();
    // Followed to its end only when metrics or logs observe requests.
    const watch = requestsDone.hasSubscribers
      ? new RequestWatch(req, res, ids, startMs, secure === true ? this.httpsListener : this.listener)
      : undefined;
    const head = refuseHead(req);
    if (head !== undefined) {
      sendGatewayResponse(res, undefined, ids, head, true);
      return;
    }
    let clientCert: ClientCert | undefined;
    if (secure === true && this.tls !== undefined) {
      const admission = admitMutualTls(req, this.tls);
      if (!admission.admitted) {
        this.log.debug({ requestId: ids.requestId, reason: admission.reason }, "mutual TLS: access denied");
        sendGatewayResponse(res, undefined, ids, MTLS_FORBIDDEN);
        return;
      }
      clientCert = admission.clientCert;
    }
    const raw = req.rawHeaders;
    const found = resolve(
      this.table,
      firstHeader(raw, "host"),
      req.url ?? "/",
      firstHeader(raw, "x-apigw-api-id"),
      this.publicHostSuffix,
      this.domainTable,
    );
    if (found.kind === "unknown-api" || found.kind === "unmapped") {
      if (this.websockets?.request(req, res) === true) return;
      if (found.kind === "unmapped") {
        sendGatewayResponse(res, undefined, ids, FORBIDDEN);
        return;
      }
    }
    // An API that disables its execute-api endpoint answers only by its custom domains.
    if (found.kind !== "unknown-api" && found.domain === undefined) {
      const disabled =
        found.kind === "found" ? found.stage.defaultEndpointDisabled : found.api.defaultEndpointDisabled;
      if (disabled === true) {
        sendGatewayResponse(res, found.api.apiType, ids, FORBIDDEN);
        return;
      }
    }
    if (found.kind !== "found") {
      const apiType = found.kind === "unknown-api" ? undefined : found.api.apiType;
      const responses = apiType === "HTTP" ? HTTP_API_RESPONSES : REST_RESPONSES;
      const type = found.kind === "unknown-api" ? "RESOURCE_NOT_FOUND" : "MISSING_AUTHENTICATION_TOKEN";
      sendGatewayResponse(res, apiType, ids, responses[type]);
      return;
    }
    const { stage } = found;
    watch?.found(stage);
    const longUrl = refuseUrlForStage(req.url ?? "/", stage);
    if (longUrl !== undefined) {
      sendGatewayResponse(res, stage.apiType, ids, longUrl, true);
      return;
    }
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
      startMs,
      stage,
      route,
      path: found.path,
      customDomain: found.domain,
      rawQuery: found.rawQuery,
      pathParams: match?.params ?? {},
      clientIp: origin?.clientIp ?? plainAddress(remote),
      sourceVpce: origin?.sourceVpce,
      listener: secure === true ? this.httpsListener : this.listener,
      clientCert,
    };
    if (watch !== undefined) watch.ctx = ctx;
    // A traced stage's request begins its trace here, before its steps (chain.ts publishes those).
    if (stage.tracingEnabled === true && requestStarts.hasSubscribers) requestStarts.publish({ ctx });
    // The decisions are traced only when someone will read them (test-invoke, the debug log).
    const trace =
      (this.exposeTrace || this.log.isLevelEnabled("debug")) && tracesDecisions(route.steps) ? [] : undefined;
    try {
      // Undefined when the answer was written synchronously (e.g. a cache hit): no promise to watch.
      const pending = runChain(
        ctx,
        route.steps,
        trace,
        serve,
        refuse,
        trace === undefined ? undefined : (c: RequestContext) => this.traced(c, trace),
      );
      if (pending !== undefined) pending.catch((err: unknown) => this.failed(ctx, err));
    } catch (err) {
      this.failed(ctx, err);
    }
  }

  private traced(ctx: RequestContext, trace: string[]): void {
    if (this.exposeTrace && !ctx.res.headersSent) ctx.res.setHeader("x-portico-trace", JSON.stringify(trace));
    this.log.debug({ requestId: ctx.requestId, trace }, "authorization");
  }

  private failed(ctx: RequestContext, err: unknown): void {
    const { req, res } = ctx;
    // A client that hung up mid-request is not a gateway failure; there is no one to answer.
    if (req.destroyed || res.destroyed || (err as { code?: string }).code === "ECONNRESET") {
      this.log.debug({ requestId: ctx.requestId }, "client went away");
      res.destroy();
      return;
    }
    const type = gatewayResponseFor(err);
    // A cause recorded on the way (a template error rethrown) is the one told; else it is ours.
    failWith(
      ctx,
      type === "INTEGRATION_TIMEOUT"
        ? { reason: "Execution failed due to a timeout error" }
        : internalFailure(err),
    );
    sendGatewayResponse(res, ctx.stage.apiType, ctx, ctx.stage.responses[type]);
  }
}

/** The cache (when the method has one) or the integration. */
function serve(ctx: RequestContext): Promise<void> | undefined {
  const policy = ctx.route.cache;
  return policy === undefined ? ctx.route.invoke(ctx) : serveWithCache(ctx, policy);
}

function refuse(ctx: RequestContext, response: GatewayResponse): void {
  sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, response);
}
