import { type CompiledPath, compileJsonPath } from "../mapping/jsonpath.ts";
import { TemplateSet } from "../mapping/template-set.ts";
import type { IntegrationResponse } from "../model/rest-api.ts";
import { type JavaPattern, javaPattern } from "../regex/java-pattern.ts";
import { mappedResponseHeaderName } from "./response-headers.ts";

/**
 * Integration-response selection, compiled once: each `selectionPattern` is a Java regex that must
 * match the whole input (the backend status for HTTP, the Lambda errorMessage for AWS); the
 * response without a pattern is the default. Patterns run on RE2 (java-pattern.ts), as the input is
 * the backend's or the function's text: a backtracking engine would let `(a+)+` against a long
 * error message hold the event loop for seconds.
 */
export interface CompiledIntegrationResponse {
  readonly statusCode: number;
  readonly response: IntegrationResponse;
  /** Static `method.response.header.X` ← `'value'` mappings, resolved at compile time. */
  readonly staticHeaders: readonly string[];
  /** `method.response.header.X` ← `integration.response.header.Y` mappings. */
  readonly headerCopies: readonly { to: string; from: string }[];
  /** Response templates, compiled. */
  readonly templates: TemplateSet;
  /** `method.response.header.X` ← `integration.response.body[.JSONPath]` mappings. */
  readonly bodyCopies: readonly { to: string; path: CompiledPath }[];
}

/** The mapped response headers that come from the backend's body (parsed as JSON once). */
export function headersFromBody(chosen: CompiledIntegrationResponse, body: string): string[] {
  if (chosen.bodyCopies.length === 0) return [];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const copy of chosen.bodyCopies) {
    const v = copy.path.evaluate(json);
    if (v === undefined || v === null) continue;
    out.push(copy.to, typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

export interface ResponseSelector {
  select(input: string): CompiledIntegrationResponse | undefined;
  /** The response without a selection pattern. */
  readonly fallback: CompiledIntegrationResponse | undefined;
  /** Whether any response has a (valid) selection pattern. */
  readonly patterned: boolean;
  /** The first response, in order, whose pattern matches one of `inputs`; never the fallback. */
  selectByPattern(inputs: readonly string[]): CompiledIntegrationResponse | undefined;
}

function compileOne(response: IntegrationResponse): CompiledIntegrationResponse {
  const staticHeaders: string[] = [];
  const headerCopies: { to: string; from: string }[] = [];
  const bodyCopies: { to: string; path: CompiledPath }[] = [];
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    if (!target.startsWith("method.response.header.")) continue;
    // Reserved names (Date, Server, WWW-Authenticate, …) go out as x-amzn-Remapped-<Name>.
    const name = mappedResponseHeaderName(target.slice("method.response.header.".length));
    if (name === undefined) continue;
    if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) {
      staticHeaders.push(name, source.slice(1, -1));
    } else if (source === "integration.response.body" || source.startsWith("integration.response.body.")) {
      bodyCopies.push({
        to: name,
        path: compileJsonPath(`$${source.slice("integration.response.body".length)}`),
      });
    } else if (source.startsWith("integration.response.header.")) {
      headerCopies.push({
        to: name,
        from: source.slice("integration.response.header.".length).toLowerCase(),
      });
    }
  }
  return {
    statusCode: Number(response.statusCode),
    response,
    staticHeaders,
    headerCopies,
    templates: new TemplateSet(response.responseTemplates),
    bodyCopies,
  };
}

export function compileResponseSelector(
  responses: Readonly<Record<string, IntegrationResponse>> | undefined,
): ResponseSelector {
  const patterned: { pattern: JavaPattern; compiled: CompiledIntegrationResponse }[] = [];
  let fallback: CompiledIntegrationResponse | undefined;
  for (const response of Object.values(responses ?? {})) {
    const compiled = compileOne(response);
    const pattern = response.selectionPattern;
    if (pattern === undefined || pattern === "") {
      fallback ??= compiled;
      continue;
    }
    try {
      patterned.push({ pattern: javaPattern(pattern), compiled });
    } catch {
      // An invalid pattern can never match; AWS rejects it at put time, imports may still carry one.
    }
  }
  return {
    fallback,
    patterned: patterned.length > 0,
    select(input) {
      // Java's String.matches: the whole input.
      for (const p of patterned) if (p.pattern.matcher(input).matches()) return p.compiled;
      return fallback;
    },
    selectByPattern(inputs) {
      for (const p of patterned)
        for (const input of inputs) if (p.pattern.matcher(input).matches()) return p.compiled;
      return undefined;
    },
  };
}
