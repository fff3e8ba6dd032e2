import { within } from "../../functions/coarse-timers.ts";
import { functionNameFromUri } from "../../functions/function-registry.ts";
import { errorJson } from "../../functions/invocation.ts";
import type { HttpIntegration } from "../../model/http-api.ts";
import type { CompiledWsRoute, WsCompileDeps } from "../../websocket/compiled.ts";
import { FAILED, type Respond } from "./integration-responses.ts";
import type { RequestMapping } from "./request-templates.ts";
import { wsTemplateInput } from "./template-input.ts";

/**
 * AWS (non-proxy Lambda): the rendered request template (or the message passed through) is the
 * payload the function receives, JSON-parsed when it parses, as REST's AWS integration sends it
 * (`invokeText`); the function's result, as JSON text, is the integration's body. A function error
 * becomes Lambda's `{errorMessage, errorType, stackTrace}`, whose `errorMessage` selects the
 * integration response (`${integration.response.body.errorMessage}`). No function, a timeout or a
 * crash of the worker is a 500.
 */
export function compileLambda(
  integration: HttpIntegration,
  request: RequestMapping,
  respond: Respond,
  deps: WsCompileDeps,
  timeoutMs: number,
): CompiledWsRoute["integrate"] {
  const name = functionNameFromUri(integration.integrationUri ?? "");
  return async (event, stage) => {
    const invoker = name === undefined ? undefined : deps.functions?.get(name);
    if (invoker === undefined) return FAILED;
    const input = wsTemplateInput(event, stage);
    const mapped = request(event, input);
    if ("outcome" in mapped) return mapped.outcome;
    let outcome: Awaited<ReturnType<typeof invoker.invokeText>> | "timeout";
    try {
      outcome = await within(invoker.invokeText(event.requestId, mapped.payload), timeoutMs);
    } catch {
      return FAILED;
    }
    if (outcome === "timeout") return FAILED;
    if (outcome.ok)
      return respond({ statusCode: 200, selection: undefined, body: outcome.json }, event, input);
    return respond(
      { statusCode: 200, selection: outcome.errorMessage, functionError: true, body: errorJson(outcome) },
      event,
      input,
    );
  };
}
