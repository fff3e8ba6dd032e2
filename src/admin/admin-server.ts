import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ControlError } from "../control/errors.ts";
import { newRequestId } from "../gateway/request-ids.ts";
import type { Logger } from "../observe/logger.ts";
import type { AdminResponse, AdminRouter } from "./admin-router.ts";

/** AWS's limit for ImportRestApi bodies is 6 MB; the admin plane accepts up to 10 MB of anything. */
const MAX_ADMIN_BODY = 10 * 1024 * 1024;

/** Decides whether a signed admin request may proceed; an error is answered as AWS answers it. */
export type AdminAuthenticator = (
  req: IncomingMessage,
  body: Buffer,
) => { ok: true } | { ok: false; status: number; type: string; message: string };

/** Paths served without authentication (liveness probes). */
const PUBLIC_PATHS = new Set(["/health"]);

export class AdminServer {
  private server: Server | undefined;
  private readonly router: AdminRouter;
  private readonly authenticate: AdminAuthenticator;
  private readonly log: Logger;

  constructor(router: AdminRouter, authenticate: AdminAuthenticator, log: Logger) {
    this.router = router;
    this.authenticate = authenticate;
    this.log = log;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err }, "admin request failed");
        if (!res.headersSent)
          send(res, { status: 500, body: { message: "Internal server error" } }, "InternalFailure");
        else res.destroy();
      });
    });
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(port, host, () => ok());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((ok) => server.close(() => ok()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://admin");
    const body = await readAll(req);
    if (body === undefined) {
      send(res, { status: 413, body: { message: "Request entity too large" } }, "BadRequestException");
      return;
    }
    if (!PUBLIC_PATHS.has(url.pathname)) {
      const auth = this.authenticate(req, body);
      if (!auth.ok) {
        send(res, { status: auth.status, body: { message: auth.message } }, auth.type);
        return;
      }
    }
    const found = this.router.find(req.method ?? "GET", url.pathname);
    if (found === undefined || found === "method-not-allowed") {
      send(
        res,
        { status: 404, body: { message: `Unknown operation: ${req.method} ${url.pathname}` } },
        "NotFoundException",
      );
      return;
    }
    try {
      const response = await found.handler({ req, params: found.params, query: url.searchParams, body });
      send(res, response);
    } catch (err) {
      if (err instanceof ControlError) {
        send(res, { status: err.status, body: { message: err.message } }, err.type);
        return;
      }
      throw err;
    }
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: AdminResponse, errorType?: string): void {
  const text = response.raw?.data ?? (response.body === undefined ? "" : JSON.stringify(response.body));
  const headers: Record<string, string> = {
    "x-amzn-RequestId": newRequestId(),
    "Content-Type": response.raw?.contentType ?? "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    ...response.headers,
  };
  if (errorType !== undefined) headers["x-amzn-ErrorType"] = errorType;
  res.writeHead(response.status, headers);
  res.end(text);
}
