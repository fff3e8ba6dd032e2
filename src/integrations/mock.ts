import type { IntegrationHandler } from "../gateway/context.ts";
import { configurationFailure, failWith, templateFailure } from "../gateway/failure.ts";
import { countBody } from "../gateway/request-watch.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { readBody } from "../http/request-body.ts";
import { applyResponseOverride } from "../mapping/overrides.ts";
import { templateInput } from "../mapping/request-input.ts";
import { renderTemplate, TemplateSet } from "../mapping/template-set.ts";
import type { CompiledTemplate } from "../mapping/vtl/template.ts";
import type { ResponseSelector } from "./integration-responses.ts";
import { mockStatus } from "./mock-status.ts";

/** AWS's words for a MOCK request template that gives no usable status. */
const NO_STATUS = configurationFailure(
  "Unable to parse statusCode. It should be an integer that is defined in the request template.",
);

/**
 * MOCK: the request template's output (`{"statusCode": 200}`, read leniently: mock-status.ts) picks
 * the integration response, whose response template (Velocity, with `$context` and
 * `$stageVariables`) is the body. No request template means status 200. `$context.responseOverride`
 * set by either template applies last, also when there is no response template.
 */
export function mockIntegration(
  requestTemplates: Readonly<Record<string, string>> | undefined,
  selector: ResponseSelector,
  accountId: string,
): IntegrationHandler {
  const requests = new TemplateSet(requestTemplates);
  /** The status a constant request template (`{"statusCode": 200}`) selects, read once. */
  const constantStatus = new Map<CompiledTemplate, string | undefined>();
  return async (ctx) => {
    const apiType = ctx.stage.apiType;
    const body = (await readBody(ctx.req)).toString("utf8");
    const input = templateInput(ctx, body, accountId);
    let status: string | undefined = "200";
    const template =
      requests.select(firstHeader(ctx.req.rawHeaders, "content-type")) ?? requests.preferred()?.template;
    if (template !== undefined) {
      if (template.constant !== undefined) {
        if (!constantStatus.has(template)) constantStatus.set(template, mockStatus(template.constant));
        status = constantStatus.get(template);
      } else {
        try {
          status = mockStatus(renderTemplate(template, input));
        } catch (err) {
          failWith(ctx, templateFailure("request", err));
          status = undefined;
        }
      }
      if (status === undefined) {
        failWith(ctx, NO_STATUS);
        sendGatewayResponse(ctx.res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
        return;
      }
    }
    const chosen = selector.select(status);
    if (chosen === undefined) {
      failWith(
        ctx,
        configurationFailure(
          `No match for output mapping and no default output mapping configured. Endpoint Response Status Code: ${status}`,
        ),
      );
      sendGatewayResponse(ctx.res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
      return;
    }
    const preferred = chosen.templates.preferred();
    let out: string;
    try {
      out = preferred === undefined ? "" : renderTemplate(preferred.template, input, "");
    } catch (err) {
      failWith(ctx, templateFailure("response", err));
      sendGatewayResponse(ctx.res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
      return;
    }
    const headers = idHeaders(apiType, ctx);
    const hasType = chosen.staticHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === "content-type");
    if (!hasType) headers.push("Content-Type", preferred?.type ?? "application/json");
    headers.push("Content-Length", String(Buffer.byteLength(out)));
    headers.push(...chosen.staticHeaders);
    const statusCode = applyResponseOverride(input.builtContext, chosen.statusCode, headers);
    ctx.res.writeHead(statusCode, headers);
    countBody(ctx.res, out);
    ctx.res.end(out);
  };
}
