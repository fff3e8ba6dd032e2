import { mockStatus } from "../../integrations/mock-status.ts";
import { renderTemplate } from "../../mapping/template-set.ts";
import type { CompiledTemplate } from "../../mapping/vtl/template.ts";
import type { HttpIntegration } from "../../model/http-api.ts";
import type { CompiledWsRoute } from "../../websocket/compiled.ts";
import { FAILED, type Respond } from "./integration-responses.ts";
import { lazyMessage } from "./selection.ts";
import { wsTemplateInput } from "./template-input.ts";
import { compileWsTemplates } from "./templates.ts";

/**
 * MOCK: the request template's output (`{"statusCode": 200}`, read leniently as REST's MOCK reads it:
 * mock-status.ts) is the status the integration answers with — on `$connect`, whether the connection
 * is made; no template is 200. The integration response for that status shapes the answer; its
 * templates read the message as `$input`, as there is no backend body. A template that names no
 * status, or one outside 100–599, fails the event with 500.
 */
export function compileMock(integration: HttpIntegration, respond: Respond): CompiledWsRoute["integrate"] {
  const templates = compileWsTemplates(integration.requestTemplates, integration.templateSelectionExpression);
  /** The status a constant template (`{"statusCode": 200}`) names, read once. */
  const constant = new Map<CompiledTemplate, string | undefined>();
  return async (event, stage) => {
    const input = wsTemplateInput(event, stage);
    const template = templates.select({ message: lazyMessage(event.body) });
    let status: string | undefined = "200";
    if (template?.constant !== undefined) {
      if (!constant.has(template)) constant.set(template, mockStatus(template.constant));
      status = constant.get(template);
    } else if (template !== undefined) {
      try {
        status = mockStatus(renderTemplate(template, input));
      } catch {
        status = undefined;
      }
    }
    const statusCode = Number(status);
    if (status === undefined || statusCode < 100 || statusCode > 599) return FAILED;
    return respond({ statusCode, selection: String(statusCode), body: undefined }, event, input);
  };
}
