import { type CompiledPath, compileJsonPath } from "../../mapping/jsonpath.ts";
import { parseSelectionExpression } from "../../mapping/selection-expression.ts";

/**
 * What a template selection expression reads
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-data-transformations.html):
 * an integration's `${request.body.jsonPath}`; an integration response's also
 * `${integration.response.statuscode}`, `${integration.response.header.name}` and
 * `${integration.response.multivalueheader.name}`.
 */
export interface SelectionFacts {
  /** The route's message, parsed as JSON once (undefined when it is not JSON). */
  readonly message: () => unknown;
  readonly statusCode?: string;
  readonly headers?: BackendHeaders;
}

/** A backend's response headers as undici reads them: lower-case names, repeated ones as a list. */
export type BackendHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The key an expression selects from the facts, or undefined when a variable it reads has no value. */
export type KeySelection = (facts: SelectionFacts) => string | undefined;

type Piece = string | ((facts: SelectionFacts) => string | undefined);

/** A JSON value as a key: scalars as their text; objects, lists and null select nothing. */
function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function variable(name: string): (facts: SelectionFacts) => string | undefined {
  if (name === "request.body" || name.startsWith("request.body.") || name.startsWith("request.body[")) {
    let path: CompiledPath;
    try {
      path = compileJsonPath(`$${name.slice("request.body".length)}`);
    } catch {
      return () => undefined;
    }
    return (facts) => scalar(path.evaluate(facts.message()));
  }
  if (name === "integration.response.statuscode") return (facts) => facts.statusCode;
  const header = /^integration\.response\.(header|multivalueheader)\.(.+)$/.exec(name);
  if (header !== null) {
    const headerName = header[2]!.toLowerCase();
    const all = header[1] === "multivalueheader";
    return (facts) => {
      const values = facts.headers?.[headerName];
      if (typeof values !== "object") return values;
      return all ? values.join(",") : values[values.length - 1];
    };
  }
  return () => undefined;
}

/** Compiles an expression once (deploy time); one that does not parse selects nothing. */
export function compileKeySelection(expression: string): KeySelection {
  const parts = parseSelectionExpression(expression);
  if (parts === undefined) return () => undefined;
  const pieces: Piece[] = parts.map((p) => ("text" in p ? p.text : variable(p.variable)));
  if (pieces.every((p) => typeof p === "string")) {
    const key = pieces.join("");
    return () => key;
  }
  return (facts) => {
    let key = "";
    for (const piece of pieces) {
      const value = typeof piece === "string" ? piece : piece(facts);
      if (value === undefined) return undefined;
      key += value;
    }
    return key;
  };
}

/** The message as JSON, parsed at most once and only if an expression reads it. */
export function lazyMessage(body: string | undefined): () => unknown {
  let parsed: { value: unknown } | undefined;
  return () => {
    if (parsed === undefined) {
      let value: unknown;
      try {
        value = body === undefined || body === "" ? undefined : JSON.parse(body);
      } catch {
        value = undefined;
      }
      parsed = { value };
    }
    return parsed.value;
  };
}
