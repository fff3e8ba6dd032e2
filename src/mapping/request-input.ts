import type { RequestContext } from "../gateway/compiled.ts";
import { formDecode } from "../integrations/query-string.ts";
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
export function templateInput(ctx: RequestContext, body: string, accountId: string): TemplateInput {
  let querystring: Record<string, string> | undefined;
  let header: Record<string, string> | undefined;
  let context: JMap | undefined;
  return {
    body,
    path: ctx.pathParams,
    get querystring() {
      querystring ??= queryMap(ctx.rawQuery);
      return querystring;
    },
    get header() {
      header ??= headerMap(ctx.req.rawHeaders);
      return header;
    },
    get context() {
      context ??= contextVariable(ctx, accountId);
      return context;
    },
    stageVariables: ctx.stage.variables,
  };
}
