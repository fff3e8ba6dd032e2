import type { Server } from "node:http";
import type { Server as TlsServer } from "node:https";

/** Starts a server listening; rejects with its error (the port taken, say). */
export function listening(server: Server | TlsServer, port: number, host: string): Promise<void> {
  return new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok());
  });
}
