import type { IncomingMessage } from "node:http";

/**
 * The admin API's route table: `METHOD /path/{param}` patterns, as in AWS's REST wire protocols
 * for `apigateway` and `apigatewayv2`. Each handler gets the path params, the parsed query and the
 * raw body, and returns a status and a JSON-serialisable body.
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

export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse>;

interface Entry {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: AdminHandler;
}

export class AdminRouter {
  private readonly entries: Entry[] = [];

  add(method: string, path: string, handler: AdminHandler): this {
    const names: string[] = [];
    const source = path.replace(/\{([A-Za-z_]+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    this.entries.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** The handler for a request, `"method-not-allowed"` when only the path is known, else undefined. */
  find(
    method: string,
    path: string,
  ): { handler: AdminHandler; params: Record<string, string> } | "method-not-allowed" | undefined {
    let pathKnown = false;
    for (const entry of this.entries) {
      const m = entry.pattern.exec(path);
      if (m === null) continue;
      pathKnown = true;
      if (entry.method !== method) continue;
      const params = decodeParams(entry.names, m);
      // A malformed escape (`%E0%A4%A`) names nothing: not found, rather than a thrown URIError.
      if (params === undefined) return undefined;
      return { handler: entry.handler, params };
    }
    return pathKnown ? "method-not-allowed" : undefined;
  }
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
