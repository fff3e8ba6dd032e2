import { renderTemplate, type TemplateInput } from "../../mapping/template-set.ts";
import type { HttpIntegrationResponse } from "../../model/http-api.ts";
import { type JavaPattern, javaPattern } from "../../regex/java-pattern.ts";
import type { WsInvocation, WsOutcome } from "../../websocket/compiled.ts";
import { type BackendHeaders, lazyMessage, type SelectionFacts } from "./selection.ts";
import { compileWsTemplates, type WsTemplates } from "./templates.ts";

export const FAILED: WsOutcome = { statusCode: 500, failed: true };

/** What a non-proxy integration's backend answered, before an integration response shapes it. */
export interface BackendAnswer {
  readonly statusCode: number;
  /**
   * What the integration response selection expression yields: the status code for HTTP and MOCK
   * (`${integration.response.statuscode}`), a Lambda function error's `errorMessage`
   * (`${integration.response.body.errorMessage}`); undefined for a function's success.
   */
  readonly selection: string | undefined;
  /** A function error: only an integration response whose pattern matches its message answers it. */
  readonly functionError?: boolean;
  /** The backend's body, which response templates read as `$input`; undefined: they read the message (MOCK). */
  readonly body: string | undefined;
  readonly headers?: BackendHeaders;
}

/** Shapes a backend's answer into the route's outcome. */
export type Respond = (answer: BackendAnswer, event: WsInvocation, input: TemplateInput) => WsOutcome;

interface CompiledResponse {
  readonly pattern: JavaPattern | undefined;
  readonly templates: WsTemplates;
  /** CONVERT_TO_BINARY: the answer is base64 and goes to the client as a binary frame. */
  readonly binary: boolean;
}

/**
 * Integration responses of a non-proxy integration
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-responses.html):
 * each key other than `$default` is a pattern between slashes matched against the whole selection
 * value (as Java's `String.matches`, on RE2: the value is the backend's), `$default` the catch-all
 * for successful answers. The chosen response's template, picked by its own
 * `templateSelectionExpression`, renders the answer over the backend's body; without a template
 * the body passes through.
 *
 * Only a two-way route's messages are answered, so only they need a response: with none matching,
 * API Gateway fails the message ("No match for output mapping and no default output mapping
 * configured", https://repost.aws/questions/QU5uSB74xLRg2NBJ4MGzQbgw). A function error no pattern
 * matches fails whatever the route (on `$connect` it refuses the connection); one a pattern matches
 * is the client's error, 400, answered with that response. WebSocket integration responses carry no
 * status code of their own: the backend's status is the outcome's.
 */
export function compileIntegrationResponses(
  responses: Readonly<Record<string, HttpIntegrationResponse>> | undefined,
  twoWay: boolean,
): Respond {
  const patterned: CompiledResponse[] = [];
  let fallback: CompiledResponse | undefined;
  for (const r of Object.values(responses ?? {})) {
    const templates = compileWsTemplates(r.responseTemplates, r.templateSelectionExpression);
    const binary = r.contentHandlingStrategy === "CONVERT_TO_BINARY";
    if (r.integrationResponseKey === "$default") {
      fallback = { pattern: undefined, templates, binary };
      continue;
    }
    const key = r.integrationResponseKey;
    const source = key.length > 2 && key.startsWith("/") && key.endsWith("/") ? key.slice(1, -1) : undefined;
    if (source === undefined) continue;
    try {
      patterned.push({ pattern: javaPattern(source), templates, binary });
    } catch {
      // The control plane refuses a key RE2 cannot compile; an imported one may still carry it.
    }
  }
  const match = (value: string | undefined) =>
    value === undefined ? undefined : patterned.find((p) => p.pattern!.matcher(value).matches());

  return (answer, event, input) => {
    const matched = match(answer.selection);
    if (answer.functionError === true && matched === undefined) return FAILED;
    const statusCode = answer.functionError === true ? 400 : answer.statusCode;
    const chosen = matched ?? fallback;
    if (!twoWay || event.eventType !== "MESSAGE") return { statusCode };
    if (chosen === undefined) return FAILED;
    const facts: SelectionFacts = {
      message: lazyMessage(event.body),
      statusCode: String(answer.statusCode),
      ...(answer.headers === undefined ? {} : { headers: answer.headers }),
    };
    const template = chosen.templates.select(facts);
    let body: string | undefined;
    try {
      body = template === undefined ? answer.body : renderTemplate(template, input, answer.body);
    } catch {
      return FAILED;
    }
    if (body === undefined) return { statusCode };
    return chosen.binary ? { statusCode, body: body.trim(), binary: true } : { statusCode, body };
  };
}
