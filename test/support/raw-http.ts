import { connect } from "node:net";

/**
 * Sends raw bytes to a port and collects whatever comes back until the peer closes or `waitMs`
 * passes. For requests a well-behaved client refuses to send (lying Content-Length, endless
 * chunks), where the server may answer and hang up before the upload is done.
 */
export function rawExchange(
  port: number,
  head: string,
  body?: () => AsyncIterable<Buffer>,
  waitMs = 5_000,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received).toString("latin1"));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (d) => received.push(d));
    socket.on("close", finish);
    socket.on("error", () => undefined);
    socket.write(head);
    if (body !== undefined) {
      (async () => {
        for await (const chunk of body()) {
          if (socket.destroyed) return;
          if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
        }
      })().catch(() => undefined);
    }
  });
}
