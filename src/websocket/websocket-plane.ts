import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { IamAuthority } from "../gateway/context.ts";
import { type DomainTable, matchMapping } from "../gateway/custom-domains.ts";
import { apiIdFromHost } from "../gateway/resolve.ts";
import { firstHeader } from "../http/raw-headers.ts";
import type { Logger } from "../logger.ts";
import { type WsConnectionMessage, type WsEventMessage, wsConnections, wsEvents } from "./channels.ts";
import type { CompiledWsApi, CompiledWsStage } from "./compiled.ts";
import { type ServedConnection, serveConnection } from "./connection.ts";
import { newConnectionId } from "./connection-ids.ts";
import { MAX_MESSAGE_BYTES, serveConnectionsApi } from "./connections-api.ts";
import { limitFrames } from "./frame-limit.ts";
import { type Handshake, shakeHands } from "./handshake.ts";
import { DEFAULT_WS_LIMITS, type WsLimits } from "./limits.ts";
import type { ConnectionRegistry } from "./registry.ts";

const PATH_STYLE = /^\/restapis\/([a-z0-9]{10})\/([^/]+)\/_user_request_(\/.*)?$/;
const CONNECTIONS = /^\/@connections\/([^/?]+)$/;

/** A request's WebSocket stage, and whether a custom domain's mapping chose it. */
interface Found {
  readonly stage: CompiledWsStage;
  /** The path below the stage (or the mapping's base path). */
  readonly rest: string;
  readonly viaDomain: boolean;
}

/** A stage whose deployment disables its execute-api endpoint answers only by its custom domains. */
const refused = (found: Found): boolean => !found.viaDomain && found.stage.defaultEndpointDisabled;

/**
 * The WebSocket data plane: upgrades on the data-plane listener (`ws://{api-id}.execute-api.{region}.
 * localhost:8080/{stage}`), `$connect` deciding whether the upgrade completes, each message routed by
 * the API's `routeSelectionExpression` (else `$default`), `$disconnect` once per connection however it
 * ends; and the stage's `@connections` API over plain HTTP on the same listener.
 */
export class WebSocketPlane {
  private apis = new Map<string, CompiledWsApi>();
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly registry: ConnectionRegistry;
  private readonly log: Logger;
  private readonly iam: IamAuthority | undefined;
  private readonly limits: WsLimits;
  /** The public URL's host after `{apiId}` (gateway/resolve.ts). */
  private readonly publicHostSuffix: string | undefined;
  /** The data plane's custom domains as they are now (gateway/custom-domains.ts). */
  private readonly domains: (() => DomainTable) | undefined;
  /** Clients pinged and not yet answered. */
  private readonly unanswered = new Set<WebSocket>();
  private readonly pinger: NodeJS.Timeout;
  private warnedFrames = false;
  /** Every stage this plane has served, the ones open connections still hold included: whose events are ours. */
  private readonly installed = new WeakSet<CompiledWsStage>();
  /** Connections being served, until their `$disconnect` has run. */
  private readonly served = new Set<ServedConnection>();
  private closing = false;

  constructor(
    registry: ConnectionRegistry,
    log: Logger,
    options: {
      iam?: IamAuthority;
      limits?: Partial<WsLimits>;
      publicHostSuffix?: string;
      domains?: () => DomainTable;
    } = {},
  ) {
    this.registry = registry;
    this.log = log;
    this.iam = options.iam;
    this.limits = { ...DEFAULT_WS_LIMITS, ...options.limits };
    this.publicHostSuffix = options.publicHostSuffix;
    this.domains = options.domains;
    this.pinger = setInterval(this.sweep, this.limits.pingIntervalMs);
    this.pinger.unref();
  }

  install(api: CompiledWsApi): void {
    for (const stage of api.stages.values()) this.installed.add(stage);
    const next = new Map(this.apis);
    next.set(api.apiId, api);
    this.apis = next;
  }

  remove(apiId: string): void {
    if (!this.apis.has(apiId)) return;
    const next = new Map(this.apis);
    next.delete(apiId);
    this.apis = next;
  }

  has(apiId: string): boolean {
    return this.apis.has(apiId);
  }

  get apiIds(): Iterable<string> {
    return this.apis.keys();
  }

  /** A deployed stage, for observers that need its compiled settings (metrics: detailed routes). */
  stage(apiId: string, stageName: string): CompiledWsStage | undefined {
    return this.apis.get(apiId)?.stages.get(stageName);
  }

  /**
   * For observers of an event (access logs): the stage deployed now under the name of `stage`, when
   * `stage` is one of this plane's — perhaps an earlier deployment that an open connection still
   * holds. Another gateway's stage in the same process is never ours, whatever its name.
   */
  current(stage: CompiledWsStage): CompiledWsStage | undefined {
    return this.installed.has(stage) ? this.stage(stage.apiId, stage.stageName) : undefined;
  }

  /**
   * The stage and the path below it a request names, when it names a deployed WebSocket stage;
   * `unmapped` when its Host is a custom domain none of whose mappings takes the path.
   */
  private find(req: IncomingMessage): Found | "unmapped" | undefined {
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    const style = PATH_STYLE.exec(path);
    const host = firstHeader(req.rawHeaders, "host");
    const apiId = style?.[1] ?? apiIdFromHost(host, this.publicHostSuffix);
    if (apiId === undefined) {
      const domain = this.domains?.().lookup(host);
      if (domain === undefined) return undefined;
      const match = matchMapping(domain, path);
      const mapped = match?.mapping.stage;
      const stage =
        mapped === undefined ? undefined : this.apis.get(match!.mapping.apiId)?.stages.get(mapped);
      return stage === undefined ? "unmapped" : { stage, rest: match!.rest, viaDomain: true };
    }
    const api = this.apis.get(apiId);
    if (api === undefined) return undefined;
    let stageName: string;
    let rest: string;
    if (style !== null) {
      stageName = style[2]!;
      rest = style[3] ?? "/";
    } else {
      const end = path.indexOf("/", 1);
      stageName = end === -1 ? path.slice(1) : path.slice(1, end);
      rest = end === -1 ? "/" : path.slice(end);
    }
    const stage = api.stages.get(decodeURIComponent(stageName));
    return stage === undefined ? undefined : { stage, rest, viaDomain: false };
  }

  /** The data plane's hook for plain HTTP requests it has no REST or HTTP API for: `@connections`. */
  request(req: IncomingMessage, res: ServerResponse): boolean {
    const found = this.find(req);
    if (found === undefined || found === "unmapped" || refused(found)) return false;
    const m = CONNECTIONS.exec(found.rest);
    if (m === null) return false;
    serveConnectionsApi(req, res, decodeURIComponent(m[1]!), this.registry, this.iam, found.stage).catch(
      (err: unknown) => {
        this.log.error({ err }, "@connections request failed");
        if (!res.headersSent) res.writeHead(500).end('{"message":"Internal server error"}');
        else res.destroy();
      },
    );
    return true;
  }

  /** The data plane's `upgrade` hook. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Shutting down: a new connection would only be closed again.
    if (this.closing) {
      refuseUpgrade(socket, 503, "Service Unavailable");
      return;
    }
    const found = this.find(req);
    // AWS answers a custom domain path no mapping takes, and a disabled execute-api endpoint, 403.
    if (found === "unmapped" || (found !== undefined && refused(found))) {
      refuseUpgrade(socket, 403, "Forbidden");
      return;
    }
    if (found === undefined || found.rest !== "/") {
      refuseUpgrade(socket, 404, "Not Found");
      return;
    }
    this.connect(req, socket, head, found.stage).catch((err: unknown) => {
      this.log.error({ err }, "WebSocket $connect failed");
      refuseUpgrade(socket, 500, "Internal Server Error");
    });
  }

  private async connect(req: IncomingMessage, socket: Duplex, head: Buffer, stage: CompiledWsStage) {
    const facts = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
      userAgent: firstHeader(req.rawHeaders, "user-agent") ?? "",
      domainName: (firstHeader(req.rawHeaders, "host") ?? "").replace(/:\d+$/, ""),
    };
    const { connectionId } = facts;
    const handshake = await shakeHands(req, stage, facts, { iam: this.iam, log: this.log });
    if (!handshake.accepted) {
      this.observeConnection(stage, connectionId, "refused", handshake.integrated);
      refuseUpgrade(socket, handshake.status, handshake.message);
      if (wsEvents.hasSubscribers)
        publishConnect(stage, facts, handshake, handshake.status, handshake.message);
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      if (!limitFrames(ws, this.limits.maxFrameBytes) && !this.warnedFrames) {
        this.warnedFrames = true;
        this.log.warn("WebSocket frames are not limited to maxFrameBytes: ws's receiver is not as expected");
      }
      this.observeConnection(stage, connectionId, "connect", handshake.integrated);
      ws.on("pong", () => this.unanswered.delete(ws));
      const served = serveConnection(ws, stage, handshake.facts, handshake.apiKey, {
        registry: this.registry,
        log: this.log,
        limits: this.limits,
        closed: (closedWs) => {
          this.unanswered.delete(closedWs);
          this.observeConnection(stage, connectionId, "disconnect");
        },
      });
      if (wsEvents.hasSubscribers) publishConnect(stage, handshake.facts, handshake, 200, undefined);
      this.served.add(served);
      void served.finished.then(() => this.served.delete(served));
      // Its $connect answered while the plane began to close.
      if (this.closing) served.goAway();
    });
  }

  /**
   * Each client is pinged every `pingIntervalMs`; one that has not answered the previous ping by
   * the next is cut (1006 for `$disconnect`), so a peer that vanished without a close frame does not
   * hold its connection until the idle timeout.
   */
  private readonly sweep = () => {
    for (const ws of this.server.clients) {
      // Not read while its messages wait for their integrations: its pong is queued behind them.
      if (ws.isPaused) {
        this.unanswered.delete(ws);
        continue;
      }
      if (this.unanswered.has(ws)) {
        this.unanswered.delete(ws);
        ws.terminate();
        continue;
      }
      this.unanswered.add(ws);
      ws.ping();
    }
  };

  private observeConnection(
    stage: CompiledWsStage,
    connectionId: string,
    event: WsConnectionMessage["event"],
    integrated?: boolean,
  ) {
    if (wsConnections.hasSubscribers)
      wsConnections.publish({
        apiId: stage.apiId,
        stage: stage.stageName,
        connectionId,
        event,
        ...(integrated === undefined ? {} : { integrated }),
      } satisfies WsConnectionMessage);
  }

  /**
   * Graceful: no new connections; each open one finishes the messages it has in flight, then gets
   * 1001 Going away and its `$disconnect` runs. Those still open after `graceMs` are cut.
   */
  async close(graceMs = 0): Promise<void> {
    this.closing = true;
    clearInterval(this.pinger);
    const served = [...this.served];
    for (const connection of served) connection.goAway();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(served.map((c) => c.finished)),
      new Promise<void>((ok) => {
        timer = setTimeout(ok, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((ok) => this.server.close(() => ok()));
    await this.registry.close();
  }
}

/** A `$connect`'s access-log event, once the client has its answer. */
function publishConnect(
  stage: CompiledWsStage,
  facts: WsEventMessage["facts"],
  handshake: Handshake,
  status: number,
  error: string | undefined,
): void {
  wsEvents.publish({
    stage,
    eventType: "CONNECT",
    routeKey: "$connect",
    facts,
    ids: handshake.ids,
    status,
    error,
    integration: handshake.integration,
    authorizerCall: handshake.authorizerCall,
    apiKeyId: handshake.accepted ? handshake.apiKey?.entry.id : undefined,
    apiKey: handshake.accepted ? handshake.apiKey?.value : undefined,
  } satisfies WsEventMessage);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
