import { request } from "node:http";
import { duplexPair } from "node:stream";
import type { DataPlane } from "../gateway/data-plane.ts";

export interface Exchange {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP/1.1 exchange with the plane over an in-memory stream pair: Node's own client and server
 * parsers at either end, as over a socket. A test invocation comes from the caller's own machine, so
 * the plane sees the loopback address as its source.
 */
export function exchange(
  plane: DataPlane,
  r: { method: string; path: string; headers: Record<string, string | string[]>; body?: string },
): Promise<Exchange> {
  const [client, server] = duplexPair();
  Object.defineProperty(server, "remoteAddress", { value: "127.0.0.1" });
  plane.serveConnection(server);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method: r.method,
        path: r.path,
        headers: r.headers,
        createConnection: () => client as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(r.body);
  });
}
