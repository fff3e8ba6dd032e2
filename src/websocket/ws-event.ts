import { formDecode } from "../http/query-string.ts";
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
    const headers: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (let i = 0; i < e.rawHeaders.length; i += 2) {
      const name = e.rawHeaders[i]!;
      const value = e.rawHeaders[i + 1]!;
      headers[name] = value;
      const values = multi[name] ?? [];
      values.push(value);
      multi[name] = values;
    }
    event.headers = headers;
    event.multiValueHeaders = multi;
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const pair of (e.rawQuery ?? "").split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? "" : formDecode(pair.slice(eq + 1));
      query[name] = value;
      const values = multiQuery[name] ?? [];
      values.push(value);
      multiQuery[name] = values;
    }
    if (Object.keys(query).length > 0) {
      event.queryStringParameters = query;
      event.multiValueQueryStringParameters = multiQuery;
    }
  }
  event.requestContext = requestContext;
  if (e.body !== undefined) event.body = e.body;
  event.isBase64Encoded = e.isBase64Encoded === true;
  return event;
}
