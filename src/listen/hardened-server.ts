import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Server as TlsServer } from "node:tls";
import type { Logger } from "../logger.ts";
import { answerClientError } from "./client-errors.ts";
import { checkingIntervalMs, type ListenerLimits } from "./listener-limits.ts";

/** Node's parser refuses heads beyond this; AWS's own limits (URL, header values) are checked below it. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** A warning about refused connections at most this often, so a flood does not become a log flood. */
const DROP_LOG_MS = 10_000;

/**
 * An HTTP server with the listener limits applied: headers, request and keep-alive timeouts, a
 * connection cap, and an answer to every request the parser refuses. Both planes are built on it.
 */
export function hardenedServer(
  name: string,
  limits: ListenerLimits,
  log: Logger,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(limits),
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    handler,
  );
  hardenServer(server, name, limits, log);
  return server;
}

/** The connection cap, its rate-limited warning and the parser-error answers, on a plain or TLS listener. */
export function hardenServer(
  server: Server | TlsServer,
  name: string,
  limits: ListenerLimits,
  log: Logger,
): void {
  server.maxConnections = limits.maxConnections;
  let dropped = 0;
  let lastLogged = 0;
  server.on("drop", () => {
    dropped++;
    const now = Date.now();
    if (now - lastLogged < DROP_LOG_MS) return;
    lastLogged = now;
    log.warn(
      { listener: name, maxConnections: limits.maxConnections, refusedSinceLastWarning: dropped },
      "connection limit reached: new connections are closed (listen.maxConnections)",
    );
    dropped = 0;
  });
  server.on("clientError", answerClientError);
}

/**
 * Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every socket.
 * Idle connections are closed as they fall idle, polled rather than tracked per request, so that
 * serving a request costs no listener.
 */
export async function drain(server: Server, graceMs: number): Promise<void> {
  let done = false;
  const closed = new Promise<void>((ok) =>
    server.close(() => {
      done = true;
      ok();
    }),
  );
  const deadline = performance.now() + graceMs;
  while (!done && performance.now() < deadline) {
    server.closeIdleConnections();
    await Promise.race([closed, new Promise<void>((ok) => setTimeout(ok, DRAIN_POLL_MS).unref())]);
  }
  server.closeAllConnections();
  await closed;
}

/** How often a closing listener looks for connections that have finished their last request. */
const DRAIN_POLL_MS = 20;
