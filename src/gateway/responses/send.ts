import type { Inbound, Reply } from "../../http/inbound.ts";
import { lingerOnClose } from "../../listen/lingering-close.ts";
import { type GatewayFailureMessage, gatewayFailures } from "../channels.ts";
import type { ApiType, RequestContext } from "../context.ts";
import { countBody, markGatewayAnswer } from "../request-watch.ts";
import type { GatewayResponse } from "./catalogue.ts";

export interface ResponseIds {
  readonly requestId: string;
  readonly extendedRequestId: string;
}

/** The identity headers AWS puts on every response of the given API type. */
export function idHeaders(apiType: ApiType | undefined, ids: ResponseIds): string[] {
  return apiType === "HTTP"
    ? ["apigw-requestid", ids.extendedRequestId, "x-amzn-RequestId", ids.requestId]
    : ["x-amzn-RequestId", ids.requestId, "x-amz-apigw-id", ids.extendedRequestId];
}

/** Below this, an unread body is read and discarded after the answer and the connection kept. */
const SMALL_UNREAD_BODY = 64 * 1024;

/**
 * Whether an answer given before the request's body was read must close the connection: when the
 * body is large or of unknown length, or was partly read already, reading the rest to keep the
 * connection would cost more than a new connection.
 */
function unreadBodyCloses(req: Inbound): boolean {
  if (req.complete) return false;
  if (req.readableDidRead) return true;
  const length = req.headers["content-length"];
  if (length === undefined) return req.headers["transfer-encoding"] !== undefined;
  return Number(length) > SMALL_UNREAD_BODY;
}

/**
 * Writes a gateway response (an answer of the gateway itself, not of a backend). A 5xx is published
 * on `portico:failure` with the cause its failure path recorded (gateway/failure.ts). An answer that
 * closes the connection while the client is still uploading closes it lingering, so that the client
 * reads the answer rather than a reset.
 */
export function sendGatewayResponse(
  res: Reply,
  apiType: ApiType | undefined,
  ids: ResponseIds,
  response: GatewayResponse,
  closeConnection = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const req = res.req;
  if (req !== undefined && (closeConnection || unreadBodyCloses(req)) && !req.complete) {
    closeConnection = true;
    lingerOnClose(req.socket);
  }
  const headers = idHeaders(apiType, ids);
  headers.push(
    "Content-Type",
    response.contentType ?? "application/json",
    "Content-Length",
    String(Buffer.byteLength(response.body)),
  );
  if (response.errorType !== undefined) headers.push("x-amzn-ErrorType", response.errorType);
  if (response.headers !== undefined) headers.push(...response.headers);
  if (closeConnection) headers.push("Connection", "close");
  markGatewayAnswer(res, response);
  // A 5xx of the gateway's own is told to its observers (the operational log): only failures pay.
  // A matched request's answer always gets its context as `ids`; the overload guard's have none.
  if (response.statusCode >= 500 && gatewayFailures.hasSubscribers && "route" in ids)
    gatewayFailures.publish({ ctx: ids as RequestContext, response } satisfies GatewayFailureMessage);
  res.writeHead(response.statusCode, headers);
  countBody(res, response.body);
  res.end(response.body);
}
