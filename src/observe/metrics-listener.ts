import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { drain, hardenedServer } from "../listen/hardened-server.ts";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../listen/listener-limits.ts";
import type { Logger } from "../logger.ts";
import type { Scrape, ScrapeAnswer } from "./metrics-endpoint.ts";

/**
 * A listener of its own for Prometheus (config `metrics.port`): `GET /metrics` and nothing else, so
 * it can be opened to a monitoring network while the admin API stays on loopback.
 */
export class MetricsListener {
  private server: Server | undefined;
  private readonly scrape: Scrape;
  private readonly log: Logger;
  private readonly limits: ListenerLimits;

  constructor(scrape: Scrape, log: Logger, limits: ListenerLimits = DEFAULT_LISTENER_LIMITS) {
    this.scrape = scrape;
    this.log = log;
    this.limits = limits;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = hardenedServer("metrics", this.limits, this.log, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err }, "metrics scrape failed");
        if (!res.headersSent) send(res, plain(500, "Internal Server Error"));
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
    await drain(server, this.limits.drainTimeoutMs);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A scrape has no body; whatever is sent is drained unread.
    req.resume();
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== "/metrics") {
      send(res, plain(404, "Not Found"));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, { ...plain(405, "Method Not Allowed"), headers: { Allow: "GET, HEAD" } });
      return;
    }
    const answer = await this.scrape(req.headers.authorization);
    send(res, answer, req.method === "HEAD");
  }
}

function plain(status: number, text: string): ScrapeAnswer {
  return { status, contentType: "text/plain; charset=utf-8", body: `${text}\n` };
}

function send(res: ServerResponse, answer: ScrapeAnswer, headOnly = false): void {
  res.writeHead(answer.status, {
    "Content-Type": answer.contentType,
    "Content-Length": String(Buffer.byteLength(answer.body)),
    ...answer.headers,
  });
  res.end(headOnly ? undefined : answer.body);
}
