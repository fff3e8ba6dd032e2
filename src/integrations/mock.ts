import type { IntegrationHandler } from "../gateway/compiled.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/send.ts";
import type { ResponseSelector } from "./integration-responses.ts";

/**
 * MOCK: the request template's `statusCode` picks the integration response, whose template is the
 * body. Until the Velocity engine lands, templates are used as literal text and `statusCode` is read
 * from the JSON request template.
 */
export function mockIntegration(
  requestTemplates: Readonly<Record<string, string>> | undefined,
  selector: ResponseSelector,
): IntegrationHandler {
  const template = requestTemplates?.["application/json"] ?? Object.values(requestTemplates ?? {})[0];
  const status = /"?statusCode"?\s*:\s*"?(\d{3})/.exec(template ?? "")?.[1] ?? "200";
  const chosen = selector.select(status);
  const templates = chosen?.response.responseTemplates;
  const body = templates?.["application/json"] ?? Object.values(templates ?? {})[0] ?? "";
  const contentType =
    templates?.["application/json"] !== undefined || templates === undefined
      ? "application/json"
      : Object.keys(templates)[0]!;
  return async (ctx) => {
    if (chosen === undefined) {
      sendGatewayResponse(ctx.res, ctx.stage.apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
      return;
    }
    const headers = idHeaders(ctx.stage.apiType, ctx);
    headers.push("Content-Type", contentType, "Content-Length", String(Buffer.byteLength(body)));
    headers.push(...chosen.staticHeaders);
    ctx.res.writeHead(chosen.statusCode, headers);
    ctx.res.end(body);
  };
}
