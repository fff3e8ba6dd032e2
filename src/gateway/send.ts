import type { ServerResponse } from "node:http";
import type { ApiType } from "./compiled.ts";
import type { GatewayResponse } from "./gateway-responses.ts";

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

/** Writes a gateway response (an answer of the gateway itself, not of a backend). */
export function sendGatewayResponse(
  res: ServerResponse,
  apiType: ApiType | undefined,
  ids: ResponseIds,
  response: GatewayResponse,
  closeConnection = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
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
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}
