import type { RequestContext } from "../gateway/context.ts";
import { formDecode } from "../http/query-string.ts";
import { contextVariable } from "./context-variables.ts";
import type { TemplateInput } from "./template-set.ts";
import type { JMap } from "./vtl/values.ts";

function queryMap(rawQuery: string): Record<string, string> {
  const querystring: Record<string, string> = {};
  if (rawQuery !== "") {
    for (const pair of rawQuery.split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      querystring[formDecode(eq === -1 ? pair : pair.slice(0, eq))] =
        eq === -1 ? "" : formDecode(pair.slice(eq + 1));
    }
  }
  return querystring;
}

function headerMap(raw: readonly string[]): Record<string, string> {
  const header: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) header[raw[i]!] = raw[i + 1]!;
  return header;
}

/**
 * The method request as templates see it: `$input.params()`, `$input.body`, `$context`,
 * `$stageVariables`. The maps are built on first use: most templates never look at most of them.
 */
class MethodRequestInput implements TemplateInput {
  readonly body: string;
  readonly path: Readonly<Record<string, string>>;
  readonly stageVariables: Readonly<Record<string, string>>;
  private readonly ctx: RequestContext;
  private readonly accountId: string;
  private querystringMap: Record<string, string> | undefined;
  private headerMap: Record<string, string> | undefined;
  private contextMap: JMap | undefined;

  constructor(ctx: RequestContext, body: string, accountId: string) {
    this.ctx = ctx;
    this.body = body;
    this.accountId = accountId;
    this.path = ctx.pathParams;
    this.stageVariables = ctx.stage.variables;
  }

  get querystring(): Record<string, string> {
    this.querystringMap ??= queryMap(this.ctx.rawQuery);
    return this.querystringMap;
  }

  get header(): Record<string, string> {
    this.headerMap ??= headerMap(this.ctx.req.rawHeaders);
    return this.headerMap;
  }

  get context(): JMap {
    this.contextMap ??= contextVariable(this.ctx, this.accountId);
    return this.contextMap;
  }

  get builtContext(): JMap | undefined {
    return this.contextMap;
  }
}

export function templateInput(ctx: RequestContext, body: string, accountId: string): TemplateInput {
  return new MethodRequestInput(ctx, body, accountId);
}
