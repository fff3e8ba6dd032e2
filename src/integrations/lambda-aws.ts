import { within } from "../functions/coarse-timers.ts";
import type { FunctionInvoker } from "../functions/function-registry.ts";
import { errorJson } from "../functions/invocation.ts";
import type { IntegrationHandler } from "../gateway/context.ts";
import {
  bodyReadFailure,
  configurationFailure,
  failWith,
  functionError,
  timeoutFailure,
  transformed,
  undeclaredFunction,
} from "../gateway/failure.ts";
import { integrationAnswered, integrationStarted } from "../gateway/integration-timing.ts";
import { countBody } from "../gateway/request-watch.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { readBody } from "../http/request-body.ts";
import { bodylessStatus, validHeaders } from "../http/writable-response.ts";
import { applyResponseOverride } from "../mapping/overrides.ts";
import { templateInput } from "../mapping/request-input.ts";
import { renderTemplate, type TemplateSet } from "../mapping/template-set.ts";
import type { PassthroughBehavior } from "../model/rest-api.ts";
import { passesThrough } from "./http-plain.ts";
import { headersFromBody, type ResponseSelector } from "./integration-responses.ts";
import { functionFailure } from "./lambda-proxy.ts";

export interface LambdaAwsOptions {
  readonly pool: FunctionInvoker | undefined;
  readonly functionName: string;
  readonly requestTemplates: TemplateSet;
  readonly requestTemplateTypes: ReadonlySet<string>;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly selector: ResponseSelector;
  readonly timeoutMs: number;
  readonly accountId: string;
}

/** AWS's words when no integration response applies (a Lambda integration's endpoint status is 200). */
const NO_OUTPUT_MAPPING = configurationFailure(
  "No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200",
);
const INVALID_MAPPED_HEADER = configurationFailure(
  "A header the integration response maps is not a valid HTTP header (name or value)",
);

/**
 * AWS (non-proxy) Lambda integration: the request template builds the event; a successful result
 * always takes the default integration response, a function error is matched by `selectionPattern`
 * against its `errorMessage` (AWS-BEHAVIOUR.md §1.1); the response template reshapes the result.
 */
export function lambdaAwsIntegration(options: LambdaAwsOptions): IntegrationHandler {
  return async (ctx) => {
    const { req, res } = ctx;
    const apiType = ctx.stage.apiType;
    if (options.pool === undefined) {
      failWith(ctx, undeclaredFunction(options.functionName));
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
      return;
    }
    const contentType = req.headers["content-type"];
    if (!passesThrough(options.passthroughBehavior, options.requestTemplateTypes, contentType)) {
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.UNSUPPORTED_MEDIA_TYPE);
      return;
    }
    let body: string;
    try {
      body = (await readBody(req)).toString("utf8");
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(ctx, bodyReadFailure(err));
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
      return;
    }
    const input = templateInput(ctx, body, options.accountId);
    const template = options.requestTemplates.select(contentType);
    const payload =
      template === undefined ? body : transformed(ctx, "request", () => renderTemplate(template, input));
    // The worker reads the payload (JSON, else the text itself) and answers with the result's JSON
    // text, which the response template reads as the body: no parse and re-serialise on this thread.
    integrationStarted(ctx);
    const outcome = await within(options.pool.invokeText(ctx.requestId, payload), options.timeoutMs);
    integrationAnswered(
      ctx,
      outcome === "timeout" ? undefined : 200,
      outcome === "timeout" ? "Execution timed out" : outcome.ok ? undefined : outcome.errorMessage,
    );
    if (outcome === "timeout") {
      failWith(ctx, timeoutFailure(options.timeoutMs));
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.INTEGRATION_TIMEOUT);
      return;
    }
    const resultBody = outcome.ok ? outcome.json : errorJson(outcome);
    // Successful invocations always use the default response; errors are matched on errorMessage.
    const chosen = outcome.ok ? options.selector.fallback : options.selector.select(outcome.errorMessage);
    if (chosen === undefined) {
      // A function error no selection pattern matched, with no default response to fall back on.
      if (!outcome.ok) failWith(ctx, functionError(options.functionName, ctx.requestId, outcome));
      failWith(ctx, NO_OUTPUT_MAPPING);
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
      return;
    }
    const preferred = chosen.templates.preferred();
    const output = Buffer.from(
      preferred === undefined
        ? resultBody
        : transformed(ctx, "response", () => renderTemplate(preferred.template, input, resultBody)),
    );
    // CONVERT_TO_BINARY turns a base64 text result (e.g. an image from Lambda) into bytes.
    const out =
      chosen.response.contentHandling === "CONVERT_TO_BINARY"
        ? Buffer.from(output.toString("utf8"), "base64")
        : output;
    // Headers mapped from the result are the function's to choose: one Node cannot write is a
    // malformed response (502), never a half-written one.
    const mapped = headersFromBody(chosen, resultBody);
    if (!validHeaders(chosen.staticHeaders) || !validHeaders(mapped)) {
      failWith(ctx, INVALID_MAPPED_HEADER);
      sendGatewayResponse(res, apiType, ctx, functionFailure(ctx));
      return;
    }
    const headers = idHeaders(apiType, ctx);
    if (!chosen.staticHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === "content-type")) {
      headers.push("Content-Type", preferred?.type ?? "application/json");
    }
    headers.push(...chosen.staticHeaders, ...mapped);
    const status = applyResponseOverride(input.builtContext, chosen.statusCode, headers);
    const bodyless = bodylessStatus(status);
    if (!bodyless) headers.push("Content-Length", String(out.length));
    res.writeHead(status, headers);
    const sent = bodyless ? undefined : out;
    countBody(res, sent);
    res.end(sent);
  };
}
