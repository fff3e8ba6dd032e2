import { headerMaps, queryMaps } from "../functions/lambda-event.ts";
import { requestTime } from "../http/request-time.ts";
import type { CompiledWsStage, WsInvocation } from "./compiled.ts";

/**
 * The event a WebSocket API sends a Lambda proxy (AWS_PROXY) integration
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-requests.html):
 * `$connect` carries the upgrade request's headers and query string; messages carry the body;
 * `$disconnect` the close code and reason.
 */
export function wsEvent(e: WsInvocation, stage: CompiledWsStage): Record<string, unknown> {
  const requestContext: Record<string, unknown> = {
    routeKey: e.routeKey,
    ...(e.messageId === undefined ? {} : { messageId: e.messageId }),
    eventType: e.eventType,
    extendedRequestId: e.extendedRequestId,
    requestTime: requestTime(e.startMs),
    messageDirection: "IN",
    ...(e.eventType === "DISCONNECT"
      ? { disconnectStatusCode: e.disconnectStatusCode ?? 1005, disconnectReason: e.disconnectReason ?? "" }
      : {}),
    stage: stage.stageName,
    connectedAt: e.connectedAt,
    requestTimeEpoch: e.startMs,
    identity: { sourceIp: e.sourceIp, ...(e.userAgent === "" ? {} : { userAgent: e.userAgent }) },
    ...(e.authorizer === undefined ? {} : { authorizer: e.authorizer }),
    requestId: e.requestId,
    domainName: e.domainName,
    connectionId: e.connectionId,
    apiId: stage.apiId,
  };
  const event: Record<string, unknown> = {};
  if (e.rawHeaders !== undefined) {
    const headers = headerMaps(e.rawHeaders);
    event.headers = headers.single;
    event.multiValueHeaders = headers.multi;
    const query = queryMaps(e.rawQuery ?? "");
    if (query !== undefined && Object.keys(query.single).length > 0) {
      event.queryStringParameters = query.single;
      event.multiValueQueryStringParameters = query.multi;
    }
  }
  event.requestContext = requestContext;
  if (e.body !== undefined) event.body = e.body;
  event.isBase64Encoded = e.isBase64Encoded === true;
  return event;
}
