import type { RequestContext } from "../gateway/compiled.ts";
import { formDecode } from "../integrations/query-string.ts";
import { contextVariable } from "./context-variables.ts";
import type { TemplateInput } from "./template-set.ts";

/** The method request as templates see it: `$input.params()`, `$input.body`, `$context`, `$stageVariables`. */
export function templateInput(ctx: RequestContext, body: string, accountId: string): TemplateInput {
  const querystring: Record<string, string> = {};
  if (ctx.rawQuery !== "") {
    for (const pair of ctx.rawQuery.split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      querystring[formDecode(eq === -1 ? pair : pair.slice(0, eq))] =
        eq === -1 ? "" : formDecode(pair.slice(eq + 1));
    }
  }
  const header: Record<string, string> = {};
  const raw = ctx.req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) header[raw[i]!] = raw[i + 1]!;
  return {
    body,
    path: ctx.pathParams,
    querystring,
    header,
    context: contextVariable(ctx, accountId),
    stageVariables: ctx.stage.variables,
  };
}
