import type { Cluster, Redis } from "ioredis";

type Connection = Redis | Cluster;

/** Waits for `promise`, failing with what was awaited once `ms` pass. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function ready(conn: Connection): Promise<void> {
  if (conn.status === "ready") return Promise.resolve();
  return new Promise((resolve) => conn.once("ready", () => resolve()));
}

export async function shut(conn: Connection): Promise<void> {
  if (conn.status === "ready") await withDeadline(conn.quit(), 1000, "QUIT").catch(() => undefined);
  // Also stops a reconnect loop while the server is down.
  conn.disconnect();
}
