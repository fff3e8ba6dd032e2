import { renderTemplate, type TemplateInput } from "../../mapping/template-set.ts";
import type { HttpIntegration } from "../../model/http-api.ts";
import type { WsInvocation, WsOutcome } from "../../websocket/compiled.ts";
import { FAILED } from "./integration-responses.ts";
import { lazyMessage } from "./selection.ts";
import { compileWsTemplates } from "./templates.ts";

/** The payload the backend is sent, or the outcome that ends the event before it is called. */
export type RequestMapping = (
  event: WsInvocation,
  input: TemplateInput,
) => { readonly payload: string } | { readonly outcome: WsOutcome };

/**
 * A non-proxy integration's request: the template its `templateSelectionExpression` selects (else
 * `$default`) renders the payload; with none, `passthroughBehavior` decides — WHEN_NO_MATCH (the
 * default) sends the message as it is, WHEN_NO_TEMPLATES only when the integration has no template
 * at all, NEVER refuses. A template that fails to render is a 500.
 *
 * A refusal is 415 with an error frame in the shape of API Gateway's others (its words are REST's
 * UNSUPPORTED_MEDIA_TYPE: AWS documents none for WebSocket routes).
 */
export function compileRequestTemplates(integration: HttpIntegration): RequestMapping {
  const templates = compileWsTemplates(integration.requestTemplates, integration.templateSelectionExpression);
  const behavior = integration.passthroughBehavior ?? "WHEN_NO_MATCH";
  const passes = behavior === "WHEN_NO_MATCH" || (behavior === "WHEN_NO_TEMPLATES" && templates.size === 0);
  return (event, input) => {
    const template = templates.select({ message: lazyMessage(event.body) });
    if (template === undefined) {
      if (passes) return { payload: event.body ?? "" };
      const body = JSON.stringify({
        message: "Unsupported Media Type",
        connectionId: event.connectionId,
        requestId: event.requestId,
      });
      return { outcome: { statusCode: 415, body } };
    }
    try {
      return { payload: renderTemplate(template, input) };
    } catch {
      return { outcome: FAILED };
    }
  };
}
