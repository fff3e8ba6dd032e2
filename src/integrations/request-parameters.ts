import type { RequestContext } from "../gateway/context.ts";
import { queryValues } from "../http/query-string.ts";
import { headerValues } from "../http/raw-headers.ts";
import { compileJsonPath } from "../mapping/jsonpath.ts";

/**
 * REST integration request parameters (`integration.request.{path|querystring|header}.NAME`
 * ← `method.request.*`, `'static'`, `stageVariables.*`, `context.*`), compiled to getters once per
 * deployment. A source that yields nothing leaves the target unset, as AWS does.
 */

type Getter = (ctx: RequestContext) => string | string[] | undefined;

export interface CompiledMapping {
  readonly location: "path" | "querystring" | "header";
  readonly name: string;
  readonly get: Getter;
  readonly usesBody: boolean;
}

export class MappingError extends Error {
  readonly code = "INVALID_MAPPING_EXPRESSION";
}

const CONTEXT_GETTERS: Record<string, Getter> = {
  requestId: (c) => c.requestId,
  extendedRequestId: (c) => c.extendedRequestId,
  apiId: (c) => c.stage.apiId,
  stage: (c) => c.stage.stageName,
  deploymentId: (c) => c.stage.deploymentId,
  httpMethod: (c) => c.req.method,
  resourcePath: (c) => c.route.resourcePath,
  resourceId: (c) => c.route.resourceId,
  path: (c) => c.customDomain?.requestPath ?? `/${c.stage.stageName}${c.path}`,
  protocol: (c) => `HTTP/${c.req.httpVersion}`,
  domainName: (c) => c.req.headers.host,
  requestTimeEpoch: (c) => String(c.startMs),
  "identity.sourceIp": (c) => c.clientIp,
  "identity.userAgent": (c) => c.req.headers["user-agent"],
  "identity.clientCert.clientCertPem": (c) => c.clientCert?.clientCertPem,
  "identity.clientCert.subjectDN": (c) => c.clientCert?.subjectDN,
  "identity.clientCert.issuerDN": (c) => c.clientCert?.issuerDN,
  "identity.clientCert.serialNumber": (c) => c.clientCert?.serialNumber,
  "identity.clientCert.validity.notBefore": (c) => c.clientCert?.validity.notBefore,
  "identity.clientCert.validity.notAfter": (c) => c.clientCert?.validity.notAfter,
};

/** Source prefixes and how each turns the name after the prefix into a getter. */
const SOURCES: readonly (readonly [string, (name: string) => Getter])[] = [
  ["method.request.path.", (n) => (c) => c.pathParams[n]],
  ["method.request.querystring.", (n) => (c) => queryValues(c.rawQuery, n).at(-1)],
  [
    "method.request.multivaluequerystring.",
    (n) => (c) => {
      const v = queryValues(c.rawQuery, n);
      return v.length === 0 ? undefined : v;
    },
  ],
  ["method.request.header.", (n) => (c) => headerValues(c.req.rawHeaders, n.toLowerCase()).at(-1)],
  [
    "method.request.multivalueheader.",
    (n) => (c) => {
      const v = headerValues(c.req.rawHeaders, n.toLowerCase());
      return v.length === 0 ? undefined : v;
    },
  ],
  ["stageVariables.", (n) => (c) => c.stage.variables[n]],
  [
    "context.authorizer.",
    (n) => (c) => {
      const v = c.authorizer?.[n];
      return v === undefined || v === null ? undefined : String(v);
    },
  ],
  [
    "context.",
    (n) => {
      const getter = CONTEXT_GETTERS[n];
      if (getter === undefined) throw new MappingError(`Unsupported context variable: context.${n}`);
      return getter;
    },
  ],
];

/** Whether a source expression needs the request body (read before mapping). */
export const usesBody = (expression: string): boolean =>
  expression === "method.request.body" || expression.startsWith("method.request.body.");

function bodySource(expression: string): Getter {
  if (expression === "method.request.body") return (c) => c.bodyText;
  const path = compileJsonPath(`$${expression.slice("method.request.body".length)}`);
  return (c) => {
    if (c.bodyText === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(c.bodyText);
    } catch {
      return undefined;
    }
    const v = path.evaluate(json);
    return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
}

/** Compiles one mapping source expression; throws MappingError for ones AWS would reject. */
export function compileSource(expression: string): Getter {
  if (usesBody(expression)) return bodySource(expression);
  if (expression.length >= 2 && expression.startsWith("'") && expression.endsWith("'")) {
    const literal = expression.slice(1, -1);
    return () => literal;
  }
  for (const [prefix, make] of SOURCES) {
    if (expression.startsWith(prefix) && expression.length > prefix.length)
      return make(expression.slice(prefix.length));
  }
  throw new MappingError(`Invalid mapping expression specified: ${expression}`);
}

const TARGET = /^integration\.request\.(path|querystring|header)\.(.+)$/;

export function compileRequestParameters(
  parameters: Readonly<Record<string, string>> | undefined,
): CompiledMapping[] {
  const out: CompiledMapping[] = [];
  for (const [target, source] of Object.entries(parameters ?? {})) {
    const m = TARGET.exec(target);
    if (m === null) throw new MappingError(`Invalid mapping expression specified: ${target}`);
    out.push({
      location: m[1] as CompiledMapping["location"],
      name: m[2]!,
      get: compileSource(source),
      usesBody: usesBody(source),
    });
  }
  return out;
}
