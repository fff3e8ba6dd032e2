import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../auth/sigv4/verify-request.ts";
import type { IamAuthority } from "../gateway/context.ts";
import { apiIdFromHost } from "../gateway/resolve.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { newExtendedRequestId, newRequestId } from "../http/request-ids.ts";
import type { Logger } from "../logger.ts";
import { type WsConnectionMessage, type WsMessageMessage, wsConnections, wsMessages } from "./channels.ts";
import type { CompiledWsApi, CompiledWsStage, WsInvocation } from "./compiled.ts";
import { newConnectionId, newMessageId } from "./connection-ids.ts";
import { MAX_MESSAGE_BYTES, serveConnectionsApi } from "./connections-api.ts";
import type { ConnectionRegistry } from "./registry.ts";

/** AWS's WebSocket limits (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). */
export interface WsLimits {
  /** A connection with no message either way for this long is closed (AWS: 10 minutes). */
  readonly idleTimeoutMs: number;
  /** No connection lasts longer (AWS: 2 hours). */
  readonly maxDurationMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = { idleTimeoutMs: 10 * 60_000, maxDurationMs: 2 * 60 * 60_000 };

const EMPTY_SHA256 = sha256Hex(Buffer.alloc(0));
const PATH_STYLE = /^\/restapis\/([a-z0-9]{10})\/([^/]+)\/_user_request_(\/.*)?$/;
const CONNECTIONS = /^\/@connections\/([^/?]+)$/;

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

  constructor(
    registry: ConnectionRegistry,
    log: Logger,
    options: { iam?: IamAuthority; limits?: WsLimits } = {},
  ) {
    this.registry = registry;
    this.log = log;
    this.iam = options.iam;
    this.limits = options.limits ?? DEFAULT_WS_LIMITS;
  }

  install(api: CompiledWsApi): void {
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

  /** The stage and the path below it a request names, when it names a deployed WebSocket stage. */
  private find(req: IncomingMessage): { stage: CompiledWsStage; rest: string } | undefined {
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    const style = PATH_STYLE.exec(path);
    const apiId = style?.[1] ?? apiIdFromHost(firstHeader(req.rawHeaders, "host"));
    if (apiId === undefined) return undefined;
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
    return stage === undefined ? undefined : { stage, rest };
  }

  /** The data plane's hook for plain HTTP requests it has no REST or HTTP API for: `@connections`. */
  request(req: IncomingMessage, res: ServerResponse): boolean {
    const found = this.find(req);
    if (found === undefined) return false;
    const m = CONNECTIONS.exec(found.rest);
    if (m === null) return false;
    serveConnectionsApi(req, res, decodeURIComponent(m[1]!), this.registry, this.iam).catch(
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
    const found = this.find(req);
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
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const base = {
      connectionId,
      connectedAt,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
      userAgent: firstHeader(req.rawHeaders, "user-agent") ?? "",
      domainName: (firstHeader(req.rawHeaders, "host") ?? "").replace(/:\d+$/, ""),
    };
    const onConnect = stage.routes.get("$connect");
    let authorizer: Record<string, unknown> | undefined;
    if (onConnect?.authorizer !== undefined) {
      const decision = await onConnect.authorizer(req, stage, connectionId);
      if (!decision.allowed) {
        this.refuse(stage, connectionId, socket, decision.status, decision.message);
        return;
      }
      authorizer = decision.authorizer;
    } else {
      const refused = this.authenticate(req, onConnect?.authorizationType ?? "NONE");
      if (refused !== undefined) {
        this.refuse(stage, connectionId, socket, refused.status, refused.message);
        return;
      }
    }
    if (onConnect !== undefined) {
      const outcome = await onConnect.integrate(
        {
          ...base,
          authorizer,
          ...ids(),
          eventType: "CONNECT",
          routeKey: "$connect",
          rawHeaders: req.rawHeaders,
          rawQuery: q === -1 ? "" : url.slice(q + 1),
        },
        stage,
      );
      if (outcome.statusCode < 200 || outcome.statusCode > 299) {
        this.refuse(stage, connectionId, socket, outcome.statusCode, "Refused");
        return;
      }
    }
    const connection = authorizer === undefined ? base : { ...base, authorizer };
    this.server.handleUpgrade(req, socket, head, (ws) => this.opened(ws, stage, connection));
  }

  private opened(
    ws: WebSocket,
    stage: CompiledWsStage,
    base: Pick<
      WsInvocation,
      "connectionId" | "connectedAt" | "sourceIp" | "userAgent" | "domainName" | "authorizer"
    >,
  ): void {
    const { connectionId } = base;
    this.observeConnection(stage, connectionId, "connect");
    let closed = false;
    let idle: NodeJS.Timeout;
    const resetIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ws.close(1001, "Going away"), this.limits.idleTimeoutMs);
      idle.unref();
    };
    resetIdle();
    const lifetime = setTimeout(() => ws.close(1001, "Going away"), this.limits.maxDurationMs);
    lifetime.unref();
    void this.registry.add(
      {
        connectionId,
        apiId: stage.apiId,
        stage: stage.stageName,
        connectedAt: base.connectedAt,
        sourceIp: base.sourceIp,
        userAgent: base.userAgent,
      },
      {
        send: (data) => {
          if (closed || ws.readyState !== ws.OPEN) return "gone";
          resetIdle();
          ws.send(data);
          return "sent";
        },
        close: () => ws.close(1000),
      },
    );
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      resetIdle();
      this.registry.touch(connectionId);
      const body = isBinary ? data.toString("base64") : data.toString("utf8");
      const key = isBinary ? undefined : stage.selectRoute(body);
      const route = (key === undefined ? undefined : stage.routes.get(key)) ?? stage.routes.get("$default");
      const requestIds = ids();
      const observed = (outcome: WsMessageMessage["outcome"], integrationLatencyMs: number) => {
        if (wsMessages.hasSubscribers)
          wsMessages.publish({
            apiId: stage.apiId,
            stage: stage.stageName,
            connectionId,
            routeKey: route?.routeKey,
            outcome,
            integrationLatencyMs,
          } satisfies WsMessageMessage);
      };
      if (route === undefined) {
        ws.send(JSON.stringify({ message: "Forbidden", connectionId, requestId: requestIds.requestId }));
        observed("client-error", 0);
        return;
      }
      const started = performance.now();
      route
        .integrate(
          {
            ...base,
            ...requestIds,
            eventType: "MESSAGE",
            routeKey: route.routeKey,
            messageId: newMessageId(),
            body,
            isBase64Encoded: isBinary,
          },
          stage,
        )
        .then((outcome) => {
          observed(
            outcome.statusCode >= 500
              ? "integration-error"
              : outcome.statusCode >= 400
                ? "client-error"
                : "ok",
            performance.now() - started,
          );
          if (ws.readyState !== ws.OPEN) return;
          if (outcome.statusCode >= 500)
            ws.send(
              JSON.stringify({
                message: "Internal server error",
                connectionId,
                requestId: requestIds.requestId,
              }),
            );
          else if (route.twoWay && outcome.body !== undefined) ws.send(outcome.body);
        })
        .catch((err: unknown) => this.log.error({ err, connectionId }, "WebSocket message failed"));
    });
    ws.on("error", (err) => this.log.debug({ err, connectionId }, "WebSocket connection error"));
    ws.on("close", (code: number, reason: Buffer) => {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      clearTimeout(lifetime);
      void this.registry.forget(connectionId);
      this.observeConnection(stage, connectionId, "disconnect");
      const onDisconnect = stage.routes.get("$disconnect");
      if (onDisconnect === undefined) return;
      onDisconnect
        .integrate(
          {
            ...base,
            ...ids(),
            eventType: "DISCONNECT",
            routeKey: "$disconnect",
            disconnectStatusCode: code,
            disconnectReason: reason.toString("utf8"),
          },
          stage,
        )
        .catch((err: unknown) => this.log.error({ err, connectionId }, "WebSocket $disconnect failed"));
    });
  }

  /**
   * `$connect` with AWS_IAM: the upgrade request must be SigV4-signed for `execute-api` (headers or
   * query string). A Lambda authorizer on `$connect` is not served yet: such a route refuses every
   * connection rather than let one in unchecked.
   */
  private authenticate(req: IncomingMessage, type: string): { status: number; message: string } | undefined {
    if (type === "NONE") return undefined;
    if (type === "AWS_IAM" && this.iam !== undefined) {
      const verified = verifySigV4(
        {
          method: req.method ?? "GET",
          rawPath: req.url ?? "/",
          headers: req.headers,
          bodySha256Hex: EMPTY_SHA256,
        },
        { service: "execute-api", region: this.iam.region, lookup: this.iam.credentials.lookup },
      );
      return verified.ok ? undefined : { status: verified.error.status, message: "Forbidden" };
    }
    this.log.error(
      { authorizationType: type },
      "WebSocket $connect: this authorization type is not served yet; refused",
    );
    return { status: 500, message: "Internal Server Error" };
  }

  private refuse(
    stage: CompiledWsStage,
    connectionId: string,
    socket: Duplex,
    status: number,
    reason: string,
  ) {
    this.observeConnection(stage, connectionId, "refused");
    refuseUpgrade(socket, status, reason);
  }

  private observeConnection(
    stage: CompiledWsStage,
    connectionId: string,
    event: WsConnectionMessage["event"],
  ) {
    if (wsConnections.hasSubscribers)
      wsConnections.publish({
        apiId: stage.apiId,
        stage: stage.stageName,
        connectionId,
        event,
      } satisfies WsConnectionMessage);
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((ok) => this.server.close(() => ok()));
    await this.registry.close();
  }
}

const ids = () => ({
  requestId: newRequestId(),
  extendedRequestId: newExtendedRequestId(),
  startMs: Date.now(),
});

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
