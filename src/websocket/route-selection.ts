/**
 * `routeSelectionExpression` as AWS evaluates it on each message
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html):
 * `$request.body.{path}` selects the value at that JSON path of the message, `${request.body.{path}}`
 * may be combined with literal text (`${request.body.service}/${request.body.action}`), and anything
 * else is a constant key. A message that is not JSON, or lacks the property, selects no key (then
 * `$default` serves it). Compiled once per deployment.
 */
export function compileRouteSelection(expression: string): (body: string) => string | undefined {
  const whole = /^\$request\.body\.([A-Za-z0-9_.$-]+)$/.exec(expression);
  if (whole !== null) {
    const path = whole[1]!.split(".");
    return (body) => scalarAt(parse(body), path);
  }
  const parts = expression.split(/(\$\{request\.body\.[A-Za-z0-9_.$-]+\})/);
  if (parts.length === 1) return () => expression;
  const pieces = parts.map((p) => {
    const m = /^\$\{request\.body\.([A-Za-z0-9_.$-]+)\}$/.exec(p);
    return m === null ? p : m[1]!.split(".");
  });
  return (body) => {
    const doc = parse(body);
    let key = "";
    for (const piece of pieces) {
      if (typeof piece === "string") key += piece;
      else {
        const value = scalarAt(doc, piece);
        if (value === undefined) return undefined;
        key += value;
      }
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
