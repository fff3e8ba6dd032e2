import { parseSelectionExpression } from "../mapping/selection-expression.ts";

/**
 * `routeSelectionExpression` as AWS evaluates it on each message
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html):
 * `$request.body.{path}` selects the value at that JSON path of the message, `${request.body.{path}}`
 * may be combined with literal text (`${request.body.service}/${request.body.action}`), `\$` is a
 * literal dollar, and anything else is a constant key. A message that is not JSON, or lacks the property, selects no key (then
 * `$default` serves it). Compiled once per deployment.
 */
export function compileRouteSelection(expression: string): (body: string) => string | undefined {
  // The same parser the control plane checks expressions with (`\$` a literal dollar, `$x` or `${x}`).
  const parts = parseSelectionExpression(expression);
  if (parts === undefined) return () => expression;
  const pieces = parts.map((p) =>
    "text" in p
      ? p.text
      : p.variable.startsWith("request.body.")
        ? p.variable.slice("request.body.".length).split(".")
        : // The control plane admits only `request.body` variables; any other selects nothing.
          null,
  );
  const only = pieces.length === 1 ? pieces[0] : undefined;
  if (typeof only === "string") return () => only;
  if (Array.isArray(only)) return (body) => scalarAt(parse(body), only);
  return (body) => {
    let doc: unknown;
    let parsed = false;
    let key = "";
    for (const piece of pieces) {
      if (typeof piece === "string") {
        key += piece;
        continue;
      }
      if (piece === null) return undefined;
      if (!parsed) {
        doc = parse(body);
        parsed = true;
      }
      const value = scalarAt(doc, piece);
      if (value === undefined) return undefined;
      key += value;
    }
    return key;
  };
}

function parse(body: string): unknown {
  if (body.length === 0 || (body[0] !== "{" && body.trimStart()[0] !== "{")) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function scalarAt(doc: unknown, path: readonly string[]): string | undefined {
  let at = doc;
  for (const name of path) {
    if (typeof at !== "object" || at === null || Array.isArray(at) || !Object.hasOwn(at, name))
      return undefined;
    at = (at as Record<string, unknown>)[name];
  }
  if (typeof at === "string") return at;
  if (typeof at === "number" || typeof at === "boolean") return String(at);
  return undefined;
}
