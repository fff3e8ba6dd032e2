import type { HttpIntegration } from "../../model/http-api.ts";
import type { CompiledWsRoute, WsCompileDeps } from "../../websocket/compiled.ts";
import { backendUrl, callBackend } from "./http-backend.ts";
import { FAILED, type Respond } from "./integration-responses.ts";
import type { RequestMapping } from "./request-templates.ts";
import { wsTemplateInput } from "./template-input.ts";

/** HTTP_PROXY: the message is POSTed to the URI as it is; the backend's answer is the message back. */
export function compileHttpProxy(
  integration: HttpIntegration,
  deps: WsCompileDeps,
  timeoutMs: number,
): CompiledWsRoute["integrate"] {
  const url = backendUrl(integration.integrationUri ?? "");
  return async (event) => {
    if (event.eventType !== "MESSAGE") return { statusCode: 200 };
    const headers = { "content-type": "application/json", connectionid: event.connectionId };
    const answer = await callBackend(url, "POST", event.body ?? "", headers, timeoutMs, deps);
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
  const url = backendUrl(integration.integrationUri ?? "");
  const method = (integration.integrationMethod ?? "POST").toUpperCase();
  const headers = { "content-type": "application/json" };
  return async (event, stage) => {
    const input = wsTemplateInput(event, stage);
    const mapped = request(event, input);
    if ("outcome" in mapped) return mapped.outcome;
    const answer = await callBackend(url, method, mapped.payload, headers, timeoutMs, deps);
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
