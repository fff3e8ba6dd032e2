import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ControlError } from "../control/errors.ts";
import { newRequestId } from "../http/request-ids.ts";
import { drain, hardenedServer } from "../listen/hardened-server.ts";
import { lingerOnClose } from "../listen/lingering-close.ts";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../listen/listener-limits.ts";
import type { Logger } from "../logger.ts";
import { isStsRequest, type StsService } from "../sts/sts-service.ts";
import type { StsReply } from "../sts/sts-xml.ts";
import type { AdminResponse, AdminRouter } from "./admin-router.ts";
import { BodyBudget, BodyReservation, readBody } from "./body-budget.ts";
import type { AdminAuthenticator, AdminRefusal } from "./sigv4-authenticator.ts";

/** AWS's limit for ImportRestApi bodies is 6 MB; the admin plane accepts up to 10 MB of anything. */
const MAX_ADMIN_BODY = 10 * 1024 * 1024;
/** Bodies held at once across all admin requests, unless configured otherwise. */
export const DEFAULT_ADMIN_BODY_BUDGET = 64 * 1024 * 1024;

/**
 * Paths served without SigV4: liveness probes, and Prometheus' scrapes (which a configured bearer
 * token guards instead).
 */
const PUBLIC_PATHS = new Set(["/health", "/metrics"]);

export interface AdminServerOptions {
  /** Bytes of request bodies held at once (default {@link DEFAULT_ADMIN_BODY_BUDGET}). */
  bodyBudgetBytes?: number;
  /** Timeouts and connection cap, shared with the data plane's listener. */
  limits?: ListenerLimits;
  /** AWS STS (AssumeRole, GetCallerIdentity), served beside the API Gateway services. */
  sts?: StsService;
}

export class AdminServer {
  private server: Server | undefined;
  private readonly router: AdminRouter;
  private readonly authenticate: AdminAuthenticator;
  private readonly log: Logger;
  private readonly budget: BodyBudget;
  private readonly limits: ListenerLimits;
  private readonly sts: StsService | undefined;

  constructor(
    router: AdminRouter,
    authenticate: AdminAuthenticator,
    log: Logger,
    options: AdminServerOptions = {},
  ) {
    this.router = router;
    this.authenticate = authenticate;
    this.log = log;
    this.budget = new BodyBudget(options.bodyBudgetBytes ?? DEFAULT_ADMIN_BODY_BUDGET);
    this.limits = options.limits ?? DEFAULT_LISTENER_LIMITS;
    this.sts = options.sts;
  }

  async listen(port: number, host: string): Promise<number> {
    const serve = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
      this.handle(req, res, expectsContinue).catch((err: unknown) => {
        this.log.error({ err }, "admin request failed");
        if (!res.headersSent)
          send(res, { status: 500, body: { message: "Internal server error" } }, "InternalFailure");
        else res.destroy();
      });
    };
    const server = hardenedServer("admin", this.limits, this.log, (req, res) => serve(req, res, false));
    // "100 Continue" only once the headers passed: a refused upload is never invited.
    server.on("checkContinue", (req, res) => serve(req, res, true));
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

  private async handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const url = new URL(req.url ?? "/", "http://admin");
    const now = new Date();
    const authenticated = !PUBLIC_PATHS.has(url.pathname);
    // STS requests are told apart by their signing scope (or Query form) and answered in STS's XML.
    const sts = this.sts !== undefined && isStsRequest(req, url) ? this.sts : undefined;
    // Everything up to claiming the budget runs before the body is read, and synchronously.
    if (sts !== undefined) {
      const refused = sts.precheck(req, now);
      if (refused !== undefined) {
        sendSts(res, refused, pendingBody(req));
        return;
      }
    } else if (authenticated) {
      const refused = this.authenticate.precheck(req, url.pathname, now);
      if (refused !== undefined) {
        refuse(req, res, refused);
        return;
      }
    }
    const declared = declaredLength(req);
    if (declared > MAX_ADMIN_BODY) {
      refuse(req, res, TOO_LARGE);
      return;
    }
    const reservation = new BodyReservation(this.budget);
    try {
      if (!reservation.cover(declared)) {
        refuse(req, res, BUSY);
        return;
      }
      if (expectsContinue) res.writeContinue();
      const read = await readBody(req, reservation, MAX_ADMIN_BODY);
      if (!read.ok) {
        if (read.reason === "aborted") res.destroy();
        else refuse(req, res, read.reason === "busy" ? BUSY : TOO_LARGE);
        return;
      }
      if (sts !== undefined) sendSts(res, sts.serve(req, url, read.body, now), false);
      else await this.serve(req, res, url, read.body, authenticated, now);
    } finally {
      reservation.release();
    }
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
    authenticated: boolean,
    now: Date,
  ): Promise<void> {
    if (authenticated) {
      const refused = this.authenticate.complete(req, url.pathname, body, now);
      if (refused !== undefined) {
        send(res, { status: refused.status, body: { message: refused.message } }, refused.type);
        return;
      }
    }
    const found = this.router.find(req.method ?? "GET", url.pathname, url.searchParams);
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

const TOO_LARGE: AdminRefusal = {
  status: 413,
  type: "BadRequestException",
  message: "Request entity too large",
};
/** API Gateway's throttling answer; the SDKs retry it. */
const BUSY: AdminRefusal = { status: 429, type: "TooManyRequestsException", message: "Too Many Requests" };

/** The body length the request announces; a chunked body counts as 0 until it arrives. */
function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers["content-length"] ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Answers without (all of) the body. When a body is still on its way the connection is closed after the
 * answer, so the rest is never waited for.
 */
function pendingBody(req: IncomingMessage): boolean {
  const pending =
    !req.complete && (declaredLength(req) > 0 || req.headers["transfer-encoding"] !== undefined);
  // The client may still be sending: close lingering, so it reads this answer rather than a reset.
  if (pending) lingerOnClose(req.socket);
  return pending;
}

/** An STS answer: XML, the request id in the header too, as STS sends it. */
function sendSts(res: ServerResponse, reply: StsReply, closing: boolean): void {
  res.writeHead(reply.status, {
    "x-amzn-RequestId": reply.requestId,
    "Content-Type": "text/xml",
    "Content-Length": String(Buffer.byteLength(reply.body)),
    ...(closing ? { Connection: "close" } : {}),
  });
  res.end(reply.body);
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: AdminRefusal): void {
  const pending = pendingBody(req);
  send(
    res,
    {
      status: refusal.status,
      body: { message: refusal.message },
      headers: {
        ...(pending ? { Connection: "close" } : {}),
        ...(refusal.status === 429 ? { "Retry-After": "1" } : {}),
      },
    },
    refusal.type,
  );
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
