import { parseSelectionExpression } from "../mapping/selection-expression.ts";
import { badRequest } from "./errors.ts";

/**
 * WebSocket selection expressions as API Gateway accepts them: variables `$a.b` or `${a.b}`, any number
 * of them among static text, `\$` a literal dollar (so `\$default` is the key `$default`). Each kind of
 * expression reads its own variables (DG `apigateway-websocket-api-selection-expressions`): a route
 * selection reads the request, a template or model selection the body, an integration response's
 * template selection also the integration's answer. The words of the refusals are Portico's.
 */

/** The variables of an expression, or undefined when it does not parse (`${` unclosed, a bare `$`). */
export function selectionVariables(expression: string): string[] | undefined {
  return parseSelectionExpression(expression)?.flatMap((p) => ("variable" in p ? [p.variable] : []));
}

const BODY = /^request\.body(?:$|[.[])/;
const ROUTE_SELECTION = [/^request\./, /^context\./, /^stageVariables\./];
const REQUEST_BODY = [BODY];
const RESPONSE_TEMPLATE = [
  BODY,
  /^integration\.response\.statuscode$/,
  /^integration\.response\.(?:header|multivalueheader)\.[^.]+$/,
];

function check(expression: string, roots: readonly RegExp[], what: string): string {
  const variables = selectionVariables(expression);
  if (expression === "" || variables === undefined || !variables.every((v) => roots.some((r) => r.test(v)))) {
    throw badRequest(`Invalid ${what} specified: ${expression}`);
  }
  return expression;
}

/** Api.routeSelectionExpression of a WebSocket API, e.g. `$request.body.action`. */
export const checkRouteSelectionExpression = (e: string): string =>
  check(e, ROUTE_SELECTION, "route selection expression");

/** Integration.templateSelectionExpression: the body (`${request.body.type}`) or static text. */
export const checkTemplateSelectionExpression = (e: string): string =>
  check(e, REQUEST_BODY, "template selection expression");

/** Route.modelSelectionExpression: the body or static text. */
export const checkModelSelectionExpression = (e: string): string =>
  check(e, REQUEST_BODY, "model selection expression");

/** IntegrationResponse.templateSelectionExpression: also the integration's status code and headers. */
export const checkResponseTemplateSelectionExpression = (e: string): string =>
  check(e, RESPONSE_TEMPLATE, "template selection expression");

export const API_KEY_SELECTION_EXPRESSIONS = [
  "$request.header.x-api-key",
  "$context.authorizer.usageIdentifierKey",
] as const;

/** Api.apiKeySelectionExpression: one of AWS's two values. */
export function checkApiKeySelectionExpression(e: string): string {
  if (!(API_KEY_SELECTION_EXPRESSIONS as readonly string[]).includes(e)) {
    throw badRequest(
      `Invalid API key selection expression specified: ${e}. Valid values are ${API_KEY_SELECTION_EXPRESSIONS.join(" and ")}`,
    );
  }
  return e;
}

/** Route.routeResponseSelectionExpression: AWS supports only `$default`. */
export function checkRouteResponseSelectionExpression(e: string): string {
  if (e !== "$default") {
    throw badRequest(
      `Invalid route response selection expression specified: ${e}. Currently only $default is supported`,
    );
  }
  return e;
}
