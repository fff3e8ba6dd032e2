import type { WebSocket } from "ws";
import type { Logger } from "../logger.ts";
import { type WsEventMessage, type WsMessageMessage, wsEvents, wsMessages } from "./channels.ts";
import type { CompiledWsRoute, CompiledWsStage } from "./compiled.ts";
import { newMessageId } from "./connection-ids.ts";
import { type ConnectionFacts, type ConnectionKey, type EventIds, newIds } from "./handshake.ts";
import type { WsLimits } from "./limits.ts";
import type { ConnectionRegistry, SendResult } from "./registry.ts";
import { admitWsTraffic, refusalMessage } from "./ws-traffic.ts";

export interface ConnectionEnv {
  readonly registry: ConnectionRegistry;
  readonly log: Logger;
  readonly limits: WsLimits;
  /** Called once the connection has closed, however it closed, before `$disconnect` runs. */
  readonly closed: (ws: WebSocket) => void;
}

/** What the plane holds of a served connection, for shutting down. */
export interface ServedConnection {
  /**
   * Shutdown: messages that arrive from now on are dropped; once those in flight have answered,
   * the connection is closed with 1001 Going away (as AWS closes connections it stops serving).
   */
  goAway(): void;
  /** Settles once the connection has closed and its `$disconnect` integration has finished. */
  readonly finished: Promise<void>;
}

/**
 * One open connection: its idle and lifetime limits, its messages routed to their integrations (at
 * most `maxInFlightMessages` at once, then the socket is not read until they answer, so a fast sender
 * cannot queue work without bound), sends bounded by `maxBufferedBytes` (a slow reader gets "full",
 * never an ever-growing buffer), and `$disconnect` exactly once however it ends.
 */
export function serveConnection(
  ws: WebSocket,
  stage: CompiledWsStage,
  facts: ConnectionFacts,
  apiKey: ConnectionKey | undefined,
  env: ConnectionEnv,
): ServedConnection {
  const { connectionId } = facts;
  const { registry, log, limits } = env;
  const stageId = `${stage.apiId}/${stage.stageName}`;
  let closed = false;
  let inFlight = 0;
  let paused = false;
  let goingAway = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((ok) => {
    finish = ok;
  });
  /** Going away, and nothing in flight: the close frame can go now, no reply left to send before it. */
  const goAwayIfDrained = () => {
    if (!goingAway || inFlight > 0 || closed) return;
    // Its close frame answers ours: it must be read.
    if (paused) ws.resume();
    paused = false;
    ws.close(1001, "Going away");
  };
  const idle = setTimeout(() => ws.close(1001, "Going away"), limits.idleTimeoutMs);
  idle.unref();
  const lifetime = setTimeout(() => ws.close(1001, "Going away"), limits.maxDurationMs);
  lifetime.unref();

  const send = (data: Buffer | string): SendResult => {
    if (closed || ws.readyState !== ws.OPEN) return "gone";
    if (ws.bufferedAmount + Buffer.byteLength(data) > limits.maxBufferedBytes) return "full";
    idle.refresh();
    ws.send(data);
    return "sent";
  };
  /** The gateway's own frames (replies, errors): dropped, not queued, when the client does not read. */
  const reply = (data: Buffer | string) => {
    if (send(data) === "full")
      log.debug({ connectionId }, "WebSocket reply dropped: the client's buffer is full");
  };
  const errorFrame = (message: string, requestId: string) =>
    reply(JSON.stringify({ message, connectionId, requestId }));

  void registry.add(
    {
      connectionId,
      apiId: stage.apiId,
      stage: stage.stageName,
      connectedAt: facts.connectedAt,
      sourceIp: facts.sourceIp,
      userAgent: facts.userAgent,
    },
    { send, close: () => ws.close(1000) },
  );

  const observe = (
    route: CompiledWsRoute | undefined,
    outcome: WsMessageMessage["outcome"],
    integrationLatencyMs: number,
  ) => {
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

  const dispatch = async (body: string, isBinary: boolean) => {
    try {
      await serve(body, isBinary);
    } catch (err) {
      log.error({ err, connectionId }, "WebSocket message failed");
    } finally {
      inFlight--;
      goAwayIfDrained();
      if (paused && !closed && !goingAway && inFlight < limits.maxInFlightMessages / 2) {
        paused = false;
        ws.resume();
      }
    }
  };

  /** A message's or `$disconnect`'s access-log event, once it is answered. */
  const logEvent = (
    eventType: "MESSAGE" | "DISCONNECT",
    routeKey: string | undefined,
    ids: EventIds,
    status: number,
    error?: string,
    integration?: WsEventMessage["integration"],
    messageId?: string,
  ) => {
    wsEvents.publish({
      stage,
      eventType,
      routeKey,
      facts,
      ids,
      messageId,
      status,
      error,
      integration,
      apiKeyId: apiKey?.entry.id,
      apiKey: apiKey?.value,
    } satisfies WsEventMessage);
  };

  const serve = async (body: string, isBinary: boolean) => {
    const key = isBinary ? undefined : stage.selectRoute(body);
    const route = (key === undefined ? undefined : stage.routes.get(key)) ?? stage.routes.get("$default");
    const ids = newIds();
    const messageId = newMessageId();
    if (route === undefined) {
      errorFrame("Forbidden", ids.requestId);
      observe(route, "client-error", 0);
      if (wsEvents.hasSubscribers)
        logEvent("MESSAGE", undefined, ids, 403, "Forbidden", undefined, messageId);
      return;
    }
    const admitting = admitWsTraffic(stage.traffic, route.buckets, stageId, apiKey?.entry, ids.startMs);
    // Most answers are known at once (no throttle, or a local bucket): no need to wait a turn for them.
    const admission = typeof admitting === "string" ? admitting : await admitting;
    if (admission !== "admitted") {
      const message = refusalMessage(admission);
      errorFrame(message, ids.requestId);
      observe(route, "client-error", 0);
      if (wsEvents.hasSubscribers)
        logEvent("MESSAGE", route.routeKey, ids, 429, message, undefined, messageId);
      return;
    }
    const started = performance.now();
    const outcome = await route.integrate(
      {
        ...facts,
        ...ids,
        eventType: "MESSAGE",
        routeKey: route.routeKey,
        messageId,
        body,
        isBase64Encoded: isBinary,
      },
      stage,
    );
    const latencyMs = performance.now() - started;
    const failed = outcome.failed === true;
    observe(
      route,
      failed ? "execution-error" : outcome.statusCode >= 400 ? "integration-error" : "ok",
      latencyMs,
    );
    // A 5xx an integration response mapped into an answer is that answer; an unmapped one, or an
    // integration that could not be called, is AWS's Internal server error frame.
    const internalError = failed || (outcome.statusCode >= 500 && outcome.body === undefined);
    if (internalError) errorFrame("Internal server error", ids.requestId);
    else if (route.twoWay && outcome.body !== undefined)
      reply(outcome.binary === true ? Buffer.from(outcome.body, "base64") : outcome.body);
    if (wsEvents.hasSubscribers)
      logEvent(
        "MESSAGE",
        route.routeKey,
        ids,
        outcome.statusCode,
        internalError ? "Internal server error" : undefined,
        failed ? { latencyMs } : { status: outcome.statusCode, latencyMs },
        messageId,
      );
  };

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (goingAway) return;
    idle.refresh();
    registry.touch(connectionId);
    if (++inFlight >= limits.maxInFlightMessages && !paused) {
      paused = true;
      ws.pause();
    }
    void dispatch(isBinary ? data.toString("base64") : data.toString("utf8"), isBinary);
  });
  ws.on("error", (err) => log.debug({ err, connectionId }, "WebSocket connection error"));
  ws.on("close", (code: number, reason: Buffer) => {
    if (closed) return;
    closed = true;
    clearTimeout(idle);
    clearTimeout(lifetime);
    void registry.forget(connectionId);
    env.closed(ws);
    const onDisconnect = stage.routes.get("$disconnect");
    const ids = newIds();
    if (onDisconnect === undefined) {
      if (wsEvents.hasSubscribers) logEvent("DISCONNECT", "$disconnect", ids, 200);
      finish();
      return;
    }
    const started = performance.now();
    onDisconnect
      .integrate(
        {
          ...facts,
          ...ids,
          eventType: "DISCONNECT",
          routeKey: "$disconnect",
          disconnectStatusCode: code,
          disconnectReason: reason.toString("utf8"),
        },
        stage,
      )
      .then((outcome) => {
        if (!wsEvents.hasSubscribers) return;
        const latencyMs = performance.now() - started;
        const failed = outcome.failed === true;
        logEvent(
          "DISCONNECT",
          "$disconnect",
          ids,
          outcome.statusCode,
          failed ? "Internal server error" : undefined,
          failed ? { latencyMs } : { status: outcome.statusCode, latencyMs },
        );
      })
      .catch((err: unknown) => log.error({ err, connectionId }, "WebSocket $disconnect failed"))
      .finally(finish);
  });
  return {
    goAway() {
      goingAway = true;
      goAwayIfDrained();
    },
    finished,
  };
}
