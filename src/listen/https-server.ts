import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { SecureContext, TLSSocket } from "node:tls";
import type { Logger } from "../logger.ts";
import { hardenServer, MAX_HEADER_BYTES } from "./hardened-server.ts";
import { checkingIntervalMs, type ListenerLimits } from "./listener-limits.ts";
import { type TlsProfiles, versionAtLeast } from "./tls-profiles.ts";

/**
 * The data plane's HTTPS listener: the plain listener's limits (hardened-server.ts), plus the
 * handshake's. The certificate is chosen by the client's server name (SNI), a wildcard name matching
 * one label as TLS does; no name, or a name no domain has, gets the default certificate, or has its
 * handshake refused when there is none. A domain's security policy refuses older TLS versions, and a
 * mutual TLS domain asks for a client certificate, which its truststore verifies; whether the request
 * may pass is decided per request (mutual-tls.ts), so that a refusal is AWS's 403, not a broken handshake.
 */

/** Node's server socket, with the internals that ask one connection (not all) for a client certificate. */
interface ServerTlsSocket extends TLSSocket {
  _handle?: { setVerifyMode?(requestCert: boolean, rejectUnauthorized: boolean): void } | null;
  _requestCert?: boolean;
}

/**
 * Asks this connection's client for its certificate. Node offers `requestCert` for a whole listener
 * only; a listener serving public and mutual TLS domains side by side must ask only for the latter
 * (browsers prompt for a certificate when asked). Node's `onServerSocketSecure` then sets
 * `authorized` from OpenSSL's verification. Without these internals the request is not made, no
 * connection is authorized, and mutual TLS domains refuse every client (fails closed).
 */
function requestClientCertificate(socket: ServerTlsSocket): boolean {
  const handle = socket._handle;
  if (typeof handle?.setVerifyMode !== "function") return false;
  handle.setVerifyMode(true, false);
  socket._requestCert = true;
  return true;
}

export interface HttpsListener {
  readonly server: Server;
  /** New domains or certificates: new connections use them, open ones keep theirs. */
  update(profiles: TlsProfiles): void;
}

/** How often handshake failures are logged at most (a port scan is many of them). */
const HANDSHAKE_LOG_MS = 10_000;

export function hardenedHttpsServer(
  name: string,
  limits: ListenerLimits,
  log: Logger,
  initial: TlsProfiles,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): HttpsListener {
  let profiles = initial;
  let warnedInternals = false;
  const server = createServer(
    {
      ...profiles.baseOptions,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(limits),
      maxHeaderSize: MAX_HEADER_BYTES,
      // A handshake is held to the same bound as a request's headers (slow handshakes hold sockets too).
      handshakeTimeout: limits.headersTimeoutMs,
      // A certificate is asked for per domain; an untrusted or missing one is answered 403, not cut off.
      requestCert: false,
      rejectUnauthorized: false,
      SNICallback(
        this: ServerTlsSocket,
        servername: string,
        done: (err: Error | null, ctx?: SecureContext) => void,
      ) {
        const profile = profiles.serving(servername);
        if (profile.context === undefined) {
          done(new Error(`no certificate for ${servername}`));
          return;
        }
        if (!versionAtLeast(this.getProtocol(), profile.minVersion)) {
          done(new Error(`${this.getProtocol()} is below the security policy of ${servername}`));
          return;
        }
        if (profile.mutual && !requestClientCertificate(this) && !warnedInternals) {
          warnedInternals = true;
          log.error({ servername }, "mutual TLS is unavailable on this Node.js: every client is refused");
        }
        done(null, profile.context);
      },
    },
    handler,
  );
  hardenServer(server, name, limits, log);
  // A resumed session or a handshake without a server name skipped SNICallback: its version is checked here.
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    if (!versionAtLeast(socket.getProtocol(), profiles.serving(socket.servername).minVersion))
      socket.destroy();
  });
  let failed = 0;
  let lastLogged = 0;
  server.on("tlsClientError", (err: NodeJS.ErrnoException) => {
    failed++;
    const now = Date.now();
    if (now - lastLogged < HANDSHAKE_LOG_MS) return;
    lastLogged = now;
    log.debug({ listener: name, err: err.message, failedSinceLastLog: failed }, "TLS handshake refused");
    failed = 0;
  });
  return {
    server,
    update(next) {
      profiles = next;
      server.setSecureContext(next.baseOptions);
    },
  };
}
