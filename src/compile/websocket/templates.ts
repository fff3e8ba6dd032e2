import { TemplateError } from "../../mapping/vtl/errors.ts";
import { type CompiledTemplate, compileTemplate } from "../../mapping/vtl/template.ts";
import { compileKeySelection, type SelectionFacts } from "./selection.ts";

/**
 * A WebSocket integration's (or integration response's) mapping templates, compiled at deploy time
 * and keyed by what its `templateSelectionExpression` selects, with `$default` the catch-all
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html).
 * Without an expression the key is `application/json`: a message carries no Content-Type, and API
 * Gateway assumes JSON, as its own example of a MOCK integration keyed `application/json` relies on
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-requests.html).
 */
export interface WsTemplates {
  /** How many templates there are (passthrough WHEN_NO_TEMPLATES asks). */
  readonly size: number;
  /** The template the facts select, else the `$default` one, else undefined. */
  select(facts: SelectionFacts): CompiledTemplate | undefined;
}

/**
 * A template that does not compile (a Velocity syntax error, over the size limit) fails each render
 * that selects it with its compile error, as API Gateway fails such a request at run time: the
 * deployment and every other route keep working.
 */
function compileOrFailing(source: string): CompiledTemplate {
  try {
    return compileTemplate(source);
  } catch (err) {
    const error =
      err instanceof TemplateError ? err : new TemplateError("TEMPLATE_SYNTAX", (err as Error).message);
    return {
      source,
      uses: new Set(),
      render: () => {
        throw error;
      },
    };
  }
}

export function compileWsTemplates(
  templates: Readonly<Record<string, string>> | undefined,
  expression: string | undefined,
): WsTemplates {
  const byKey = new Map(Object.entries(templates ?? {}).map(([key, text]) => [key, compileOrFailing(text)]));
  const fallback = byKey.get("$default");
  const size = byKey.size;
  if (size === 0) return { size, select: () => undefined };
  const selectKey = compileKeySelection(expression ?? "application/json");
  return {
    size,
    select(facts) {
      const key = selectKey(facts);
      return (key === undefined ? undefined : byKey.get(key)) ?? fallback;
    },
  };
}
