import type { HttpIntegration } from "../../model/http-api.ts";
import type { CompiledWsRoute, WsCompileDeps } from "../../websocket/compiled.ts";
import { backendUrl, callBackend } from "./http-backend.ts";
import { FAILED, type Respond } from "./integration-responses.ts";
import { compileRequestParameters, mappedUri } from "./request-parameters.ts";
import type { RequestMapping } from "./request-templates.ts";
import { wsTemplateInput } from "./template-input.ts";

/** Upgrade request headers that belong to the client's connection, not to a backend request. */
const NOT_FORWARDED = new Set([
  "host",
  "connection",
  "upgrade",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
]);

function connectHeaders(rawHeaders: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (rawHeaders === undefined) return out;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (NOT_FORWARDED.has(name)) continue;
    out[name] = out[name] === undefined ? rawHeaders[i + 1]! : `${out[name]}, ${rawHeaders[i + 1]!}`;
  }
  return out;
}

/**
 * HTTP_PROXY: a message is sent to the URI as it is, and the backend's answer is the message back;
 * `$connect` is sent with the upgrade request's own headers and query string (its status decides
 * whether the connection is made) and `$disconnect` with none. The integration's `requestParameters`
 * add headers, query values and path values (the connection id only when mapped, as on AWS).
 */
export function compileHttpProxy(
  integration: HttpIntegration,
  deps: WsCompileDeps,
  timeoutMs: number,
): CompiledWsRoute["integrate"] {
  const uri = integration.integrationUri ?? "";
  // Parsed once at deploy time; again per call only when mapped values or a query change it.
  const fixed = backendUrl(uri);
  const method = (integration.integrationMethod ?? "POST").toUpperCase();
  const parameters = compileRequestParameters(integration.requestParameters);
  const changesUri = mapsIntoUri(integration.requestParameters);
  return async (event, stage) => {
    const mapped = parameters?.(event, stage);
    let headers: Record<string, string>;
    let query = "";
    if (event.eventType === "CONNECT") {
      headers = connectHeaders(event.rawHeaders);
      query = event.rawQuery ?? "";
    } else headers = event.eventType === "MESSAGE" ? { "content-type": "application/json" } : {};
    if (mapped !== undefined) Object.assign(headers, mapped.headers);
    let url = fixed;
    if ((mapped !== undefined && changesUri) || query !== "") {
      const target = mappedUri(uri, mapped);
      url = backendUrl(query === "" ? target : `${target}${target.includes("?") ? "&" : "?"}${query}`);
    }
    const body = event.eventType === "MESSAGE" ? (event.body ?? "") : "";
    const answer = await callBackend(url, method, body, headers, timeoutMs, deps);
    return answer === undefined ? FAILED : { statusCode: answer.statusCode, body: answer.body };
  };
}

/**
 * HTTP (non-proxy): the rendered request template (or the message passed through) is the body sent
 * with `integrationMethod` (POST unless given) to the URI, on `$connect` and `$disconnect` as on
 * messages; the backend's status selects the integration response (`${integration.response.statuscode}`),
 * whose template reads the backend's body.
 */
export function compileHttp(
  integration: HttpIntegration,
  request: RequestMapping,
  respond: Respond,
  deps: WsCompileDeps,
  timeoutMs: number,
): CompiledWsRoute["integrate"] {
  const uri = integration.integrationUri ?? "";
  const url = backendUrl(uri);
  const method = (integration.integrationMethod ?? "POST").toUpperCase();
  const parameters = compileRequestParameters(integration.requestParameters);
  const changesUri = mapsIntoUri(integration.requestParameters);
  const strategy = integration.contentHandlingStrategy;
  return async (event, stage) => {
    const input = wsTemplateInput(event, stage);
    const mapped = request(event, input);
    if ("outcome" in mapped) return mapped.outcome;
    const params = parameters?.(event, stage);
    const headers: Record<string, string> = { "content-type": "application/json", ...params?.headers };
    const payload = binaryPayload(strategy, event, mapped.payload);
    const target = params === undefined || !changesUri ? url : backendUrl(mappedUri(uri, params));
    const answer = await callBackend(target, method, payload, headers, timeoutMs, deps);
    if (answer === undefined) return FAILED;
    return respond(
      {
        statusCode: answer.statusCode,
        selection: String(answer.statusCode),
        body: answer.body,
        headers: answer.headers,
      },
      event,
      input,
    );
  };
}

/**
 * The integration's `contentHandlingStrategy` on the way in: CONVERT_TO_BINARY sends the payload's
 * base64 as bytes; CONVERT_TO_TEXT sends a binary frame's bytes as base64 text; without one, a binary
 * frame passed through unmapped goes as its own bytes, and everything else as text.
 */
function binaryPayload(
  strategy: string | undefined,
  event: { readonly body?: string; readonly isBase64Encoded?: boolean },
  payload: string,
): string | Buffer {
  if (strategy === "CONVERT_TO_BINARY") return Buffer.from(payload, "base64");
  if (strategy === undefined && event.isBase64Encoded === true && payload === event.body)
    return Buffer.from(payload, "base64");
  return payload;
}

/** Whether mapped values go into the URI (its path or query), so it must be rebuilt per call. */
function mapsIntoUri(parameters: Readonly<Record<string, string>> | undefined): boolean {
  return Object.keys(parameters ?? {}).some((k) => /^integration\.request\.(?:querystring|path)\./.test(k));
}
