import type { Socket } from "node:net";

/** How long a refused upload may keep sending after its answer before the socket is dropped. */
const LINGER_MS = 2_000;

/**
 * Answers that close the connection before the request's body has arrived (413 for an upload that is
 * too large) must not be lost: closing a socket whose peer is still sending makes the kernel send a
 * reset, and a reset discards the answer from the client's receive buffer before it reads it. So the
 * close lingers, as nginx's `lingering_close` does: send the answer, shut our side (FIN), then keep
 * reading and discarding what the client still sends, for a moment, before dropping the socket.
 *
 * Node ends a `Connection: close` answer with `socket.destroySoon()`; this replaces that call for the
 * one socket, so nothing changes for any other connection.
 */
export function lingerOnClose(socket: Socket, lingerMs = LINGER_MS): void {
  const patched = socket as Socket & { destroySoon?: () => void };
  patched.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}
