import type { IncomingMessage } from "node:http";
import type { ControlPlane } from "../control/control-plane.ts";

/**
 * The admin API's routes: tables of `{operation, method, path, handle}`, `METHOD /path/{param}` as in
 * AWS's REST wire protocols for `apigateway` and `apigatewayv2`, each named by the AWS SDK operation it
 * serves. The router is built from the tables, and so is docs/admin-operations.md: the docs cannot name
 * an operation no route serves. Each handler gets the path params, the parsed query and the raw body,
 * and returns a status and a JSON-serialisable body.
 */
export interface AdminRequest {
  readonly req: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Buffer;
}

export interface AdminResponse {
  status: number;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is instead of `body` (exports). */
  raw?: { contentType: string; data: string };
  headers?: Record<string, string>;
}

export type AdminHandler = (request: AdminRequest, control: ControlPlane) => Promise<AdminResponse>;

export interface AdminRoute {
  /** The AWS SDK operation served (`CreateRestApi`); Portico's own additions name themselves. */
  readonly operation: string;
  readonly method: string;
  /** `/restapis/{apiId}`: each `{param}` is one path segment, URL-decoded. */
  readonly path: string;
  /** Query values that pick this operation among several on one method and path (`mode=import`). */
  readonly query?: Readonly<Record<string, string>>;
  readonly handle: AdminHandler;
}

export type RouteTable = readonly AdminRoute[];

/** A route; a `?name=value` query on the path is the operation's discriminator, as in the SDKs. */
export function route(
  operation: string,
  method: string,
  pathAndQuery: string,
  handle: AdminHandler,
): AdminRoute {
  const [path, discriminator] = pathAndQuery.split("?", 2) as [string, string | undefined];
  if (discriminator === undefined) return { operation, method, path, handle };
  return { operation, method, path, query: Object.fromEntries(new URLSearchParams(discriminator)), handle };
}

interface Entry {
  route: AdminRoute;
  pattern: RegExp;
  names: string[];
}

export interface FoundRoute {
  readonly route: AdminRoute;
  readonly params: Record<string, string>;
  readonly handler: (request: AdminRequest) => Promise<AdminResponse>;
}

export class AdminRouter {
  private readonly entries: Entry[];
  private readonly control: ControlPlane;

  /** Routes are tried in order: on one method and path, one with a `query` comes before one without. */
  constructor(routes: RouteTable, control: ControlPlane) {
    this.control = control;
    this.entries = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/\{([A-Za-z_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The route for a request, `"method-not-allowed"` when only the path is known, else undefined. */
  find(method: string, path: string, query: URLSearchParams): FoundRoute | "method-not-allowed" | undefined {
    let pathKnown = false;
    for (const { route, pattern, names } of this.entries) {
      const m = pattern.exec(path);
      if (m === null) continue;
      pathKnown = true;
      if (route.method !== method || !queryMatches(route, query)) continue;
      const params = decodeParams(names, m);
      // A malformed escape (`%E0%A4%A`) names nothing: not found, rather than a thrown URIError.
      if (params === undefined) return undefined;
      const control = this.control;
      return { route, params, handler: (request) => route.handle(request, control) };
    }
    return pathKnown ? "method-not-allowed" : undefined;
  }
}

function queryMatches(route: AdminRoute, query: URLSearchParams): boolean {
  return Object.entries(route.query ?? {}).every(([name, value]) => query.get(name) === value);
}

function decodeParams(names: readonly string[], match: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]!);
    });
  } catch {
    return undefined;
  }
  return params;
}
