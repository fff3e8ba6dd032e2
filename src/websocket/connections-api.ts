import type { IncomingMessage, ServerResponse } from "node:http";
import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../auth/sigv4/verify-request.ts";
import type { IamAuthority } from "../gateway/context.ts";
import { countBody } from "../gateway/request-watch.ts";
import { PayloadTooLargeError, readBody } from "../http/request-body.ts";
import { newRequestId } from "../http/request-ids.ts";
import { identityRefusal } from "./identity-check.ts";
import type { ConnectionRegistry } from "./registry.ts";

/** AWS's limit for a message posted to a connection (as for messages from the client). */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/**
 * The `@connections` API of a WebSocket stage
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html):
 * POST sends a message, GET describes the connection, DELETE closes it; SigV4-signed for service
 * `execute-api` by a caller whose identity policies allow `execute-api:ManageConnections` on
 * `{api}/{stage}/{METHOD}/@connections/{id}`. An unknown or closed connection is 410 GoneException.
 */
export async function serveConnectionsApi(
  req: IncomingMessage,
  res: ServerResponse,
  connectionId: string,
  registry: ConnectionRegistry,
  iam: IamAuthority | undefined,
  stage: { apiId: string; stageName: string; region: string; accountId: string },
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_MESSAGE_BYTES);
  } catch (err) {
    if (!(err instanceof PayloadTooLargeError)) throw err;
    answer(res, 413, "PayloadTooLargeException", { message: "Message too long" });
    return;
  }
  if (iam !== undefined) {
    const verified = verifySigV4(
      {
        method: req.method ?? "GET",
        rawPath: req.url ?? "/",
        headers: req.headers,
        bodySha256Hex: sha256Hex(body),
      },
      { service: "execute-api", region: iam.region, lookup: iam.credentials.lookup },
    );
    if (!verified.ok) {
      answer(res, verified.error.status, verified.error.type, { message: verified.error.message });
      return;
    }
    const resource = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/${req.method ?? "GET"}/@connections/${connectionId}`;
    const denial = identityRefusal(verified.credential, "execute-api:ManageConnections", resource, {
      accountId: stage.accountId,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
      nowMs: Date.now(),
    });
    if (denial !== undefined) {
      answer(res, 403, "ForbiddenException", { message: denial });
      return;
    }
  }
  switch (req.method) {
    case "POST": {
      const sent = await registry.post(connectionId, body);
      if (sent === "gone") gone(res);
      // The client reads too slowly: its buffer is full and the message is not queued.
      else if (sent === "full") answer(res, 429, "LimitExceededException", { message: "Too Many Requests" });
      else answer(res, 200, undefined, undefined);
      return;
    }
    case "GET": {
      const state = await registry.get(connectionId);
      if (state === undefined) gone(res);
      else
        answer(res, 200, undefined, {
          connectedAt: new Date(state.connectedAt).toISOString(),
          identity: { sourceIp: state.sourceIp, userAgent: state.userAgent },
          lastActiveAt: new Date(state.lastActiveAt).toISOString(),
        });
      return;
    }
    case "DELETE":
      if (await registry.remove(connectionId)) answer(res, 204, undefined, undefined);
      else gone(res);
      return;
    default:
      answer(res, 403, "ForbiddenException", { message: "Forbidden" });
  }
}

const gone = (res: ServerResponse) => answer(res, 410, "GoneException", { message: null });

function answer(res: ServerResponse, status: number, errorType: string | undefined, body: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers: string[] = ["x-amzn-RequestId", newRequestId(), "Content-Type", "application/json"];
  if (errorType !== undefined) headers.push("x-amzn-ErrorType", errorType);
  headers.push("Content-Length", String(Buffer.byteLength(text)));
  res.writeHead(status, headers);
  countBody(res, text);
  res.end(text);
}
