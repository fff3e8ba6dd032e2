import { functionNameFromUri, invokeWithin } from "../../functions/function-registry.ts";
import type { HttpIntegration } from "../../model/http-api.ts";
import type { CompiledWsRoute, WsCompileDeps, WsOutcome } from "../../websocket/compiled.ts";
import { wsEvent } from "../../websocket/ws-event.ts";
import { FAILED } from "./integration-responses.ts";

/** AWS_PROXY: the function gets AWS's WebSocket event (ws-event.ts); its result is the answer. */
export function compileLambdaProxy(
  integration: HttpIntegration,
  deps: WsCompileDeps,
  timeoutMs: number,
): CompiledWsRoute["integrate"] {
  const name = functionNameFromUri(integration.integrationUri ?? "");
  return async (event, stage) => {
    const invoker = name === undefined ? undefined : deps.functions?.get(name);
    if (invoker === undefined) return FAILED;
    const outcome = await invokeWithin(invoker, event.requestId, wsEvent(event, stage), timeoutMs);
    if (outcome === "timeout" || !outcome.ok) return FAILED;
    return lambdaOutcome(outcome.result);
  };
}

/**
 * A Lambda proxy's result for a WebSocket route: `{statusCode, body}` (a missing statusCode is 200);
 * any other value is sent back as it is, as JSON text unless it is a string.
 */
function lambdaOutcome(result: unknown): WsOutcome {
  if (typeof result === "object" && result !== null && !Array.isArray(result)) {
    const r = result as { statusCode?: unknown; body?: unknown };
    const statusCode = r.statusCode === undefined ? 200 : Number(r.statusCode);
    if (!Number.isInteger(statusCode)) return FAILED;
    const body =
      r.body === undefined ? undefined : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
    return { statusCode, body };
  }
  if (result === undefined || result === null) return { statusCode: 200 };
  return { statusCode: 200, body: typeof result === "string" ? result : JSON.stringify(result) };
}
