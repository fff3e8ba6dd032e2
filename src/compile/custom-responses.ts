import type { GatewayResponse, GatewayResponseType } from "../gateway/responses/catalogue.ts";
import { compileTemplate } from "../mapping/vtl/template.ts";
import { fromJson } from "../mapping/vtl/values.ts";
import type { GatewayResponseSetting } from "../model/rest-api.ts";

/**
 * Applies an API's customised gateway responses (PutGatewayResponse / x-amazon-apigateway-gateway-
 * responses) to the built-in catalogue, with AWS's lookup: the type's own setting, else DEFAULT_4XX or
 * DEFAULT_5XX by its status class, else the built-in answer. Rendered once per deployment: headers
 * from `'static'` values and `stageVariables.x`, bodies from templates with `$context.error.*` and
 * `$stageVariables` (request-specific `$context` values are not available here).
 */
export function customizeResponses(
  base: Readonly<Record<GatewayResponseType, GatewayResponse>>,
  settings: Readonly<Record<string, GatewayResponseSetting>> | undefined,
  stageVariables: Readonly<Record<string, string>>,
): Record<GatewayResponseType, GatewayResponse> {
  const out = { ...base };
  if (settings === undefined || Object.keys(settings).length === 0) return out;
  for (const type of Object.keys(base) as GatewayResponseType[]) {
    const builtIn = base[type];
    const setting = settings[type] ?? settings[builtIn.statusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX"];
    if (setting === undefined) continue;
    let message: string | null = null;
    try {
      const parsed = JSON.parse(builtIn.body) as { message?: string | null; Message?: string | null };
      message = parsed.message ?? parsed.Message ?? null;
    } catch {
      message = null;
    }
    const headers: string[] = [];
    for (const [key, source] of Object.entries(setting.responseParameters ?? {})) {
      if (!key.startsWith("gatewayresponse.header.")) continue;
      const name = key.slice("gatewayresponse.header.".length);
      if (source.startsWith("'") && source.endsWith("'")) headers.push(name, source.slice(1, -1));
      else if (source.startsWith("stageVariables."))
        headers.push(name, stageVariables[source.slice("stageVariables.".length)] ?? "");
    }
    let body = builtIn.body;
    let renderBody: ((message: string | null) => string) | undefined;
    let contentType: string | undefined;
    const templates = setting.responseTemplates ?? {};
    const [templateType, template] =
      templates["application/json"] !== undefined
        ? ["application/json", templates["application/json"]]
        : (Object.entries(templates)[0] ?? []);
    if (template !== undefined) {
      try {
        const compiled = compileTemplate(template);
        const variables = fromJson({ ...stageVariables });
        // Refusals with their own message (a policy denial naming the method) render it per refusal.
        const render = (m: string | null) =>
          compiled.render({
            context: fromJson({
              error: { message: m, messageString: JSON.stringify(m), responseType: type },
            }),
            stageVariables: variables,
          });
        body = render(message);
        renderBody = (m) => {
          try {
            return render(m);
          } catch {
            return body;
          }
        };
        if (templateType !== "application/json") contentType = templateType;
      } catch {
        body = builtIn.body;
      }
    }
    out[type] = {
      statusCode: setting.statusCode === undefined ? builtIn.statusCode : Number(setting.statusCode),
      errorType: builtIn.errorType,
      body,
      headers,
      contentType,
      // A customised type always renders through its template, so that refusals with a message do too.
      renderBody: renderBody ?? (() => body),
    };
  }
  return out;
}
