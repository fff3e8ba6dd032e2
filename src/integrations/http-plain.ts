import type { IntegrationHandler, RequestContext } from "../gateway/context.ts";
import {
  backendFailure,
  bodyReadFailure,
  configurationFailure,
  failWith,
  transformed,
} from "../gateway/failure.ts";
import { countBody } from "../gateway/request-watch.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { setTraceContext } from "../gateway/trace-context.ts";
import { traceHeader } from "../gateway/trace-header.ts";
import { readBody } from "../http/request-body.ts";
import { applyResponseOverride } from "../mapping/overrides.ts";
import { templateInput } from "../mapping/request-input.ts";
import { renderTemplate, type TemplateInput, type TemplateSet } from "../mapping/template-set.ts";
import type { ContentHandling, PassthroughBehavior } from "../model/rest-api.ts";
import { backendCallFor, readResponse } from "./backend-call.ts";
import { appendMappedHeaders, type HttpBackendSpec, resolveTarget } from "./backend-target.ts";
import { selectHttpResponse } from "./fault-selection.ts";
import { headersFromBody, type ResponseSelector } from "./integration-responses.ts";
import { applyRequestOverride } from "./request-overrides.ts";
import type { ServiceSigner } from "./service-endpoints.ts";
import type { Upstreams } from "./upstreams.ts";

/** What an AWS service integration adds to the HTTP exchange: its protocol's headers and SigV4. */
export interface ServiceExchange {
  /** Flat name/value list (X-Amz-Target, Content-Type, Host), each sent unless a mapping sets it. */
  readonly headers: readonly string[];
  readonly sign: ServiceSigner;
}

export interface PlainHttpOptions {
  readonly spec: HttpBackendSpec;
  readonly selector: ResponseSelector;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly requestTemplates: TemplateSet;
  readonly requestTemplateTypes: ReadonlySet<string>;
  readonly accountId: string;
  readonly contentHandling: ContentHandling | undefined;
  /** Whether a request content type is one of the API's binary media types. */
  readonly isBinary: (contentType: string | undefined) => boolean;
  /** Set for AWS service integrations: the body is read whole, since the signature covers it. */
  readonly service?: ServiceExchange;
}

/** CONVERT_TO_TEXT base64-encodes a binary payload; CONVERT_TO_BINARY decodes a base64 text payload. */
export function convertContent(payload: Buffer, handling: ContentHandling, binary: boolean): Buffer {
  if (handling === "CONVERT_TO_TEXT") return binary ? Buffer.from(payload.toString("base64")) : payload;
  return binary ? payload : Buffer.from(payload.toString("utf8"), "base64");
}

function isText(contentType: string | string[] | undefined): boolean {
  const type =
    (Array.isArray(contentType) ? contentType[0] : contentType)?.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    type === "" ||
    type.startsWith("text/") ||
    type.includes("json") ||
    type.includes("xml") ||
    type.includes("javascript")
  );
}

/** Whether the body may pass through untransformed, per `passthroughBehavior` (else 415). */
export function passesThrough(
  behavior: PassthroughBehavior,
  templateTypes: ReadonlySet<string>,
  contentType: string | undefined,
): boolean {
  const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (templateTypes.has(type)) return true;
  if (behavior === "WHEN_NO_MATCH") return true;
  if (behavior === "WHEN_NO_TEMPLATES") return templateTypes.size === 0;
  return false;
}

/**
 * HTTP (non-proxy): only mapped parameters reach the backend, with AWS's default `Accept` and
 * `User-Agent`, the API id and the trace id (the client's own Accept, Accept-Encoding and the rest
 * are not forwarded); the backend's status selects an integration response, which sets the method
 * response's status and mapped headers, and the response carries the same trace id. A request template for the request's content type turns the
 * body into what the backend receives; the integration response's template turns the backend's body
 * into the client's. Without templates, bodies pass through.
 */
export function plainHttpIntegration(options: PlainHttpOptions, upstreams: Upstreams): IntegrationHandler {
  const { spec, selector } = options;
  const callBackend = backendCallFor(spec);
  return async (ctx: RequestContext) => {
    const { req, res } = ctx;
    const apiType = ctx.stage.apiType;
    if (
      !passesThrough(options.passthroughBehavior, options.requestTemplateTypes, req.headers["content-type"])
    ) {
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.UNSUPPORTED_MEDIA_TYPE);
      return;
    }
    let raw: Buffer | undefined;
    if (spec.needsBody) {
      try {
        raw = await readBody(req);
      } catch (err) {
        const type = gatewayResponseFor(err);
        failWith(ctx, bodyReadFailure(err));
        sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
        return;
      }
      ctx.bodyText = raw.toString("utf8");
    }
    let target = resolveTarget(ctx, spec, false);
    if ("statusCode" in target) {
      sendGatewayResponse(res, apiType, ctx, target);
      return;
    }
    const headers: string[] = [];
    if (!spec.mappedHeaderNames.has("accept")) headers.push("Accept", "application/json");
    if (!spec.mappedHeaderNames.has("user-agent"))
      headers.push("User-Agent", `AmazonAPIGateway_${ctx.stage.apiId}`);
    const contentType = req.headers["content-type"];
    const service = options.service;
    for (let i = 0; service !== undefined && i < service.headers.length; i += 2)
      if (!spec.mappedHeaderNames.has(service.headers[i]!.toLowerCase()))
        headers.push(service.headers[i]!, service.headers[i + 1]!);
    if (
      contentType !== undefined &&
      !spec.mappedHeaderNames.has("content-type") &&
      !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === "content-type")
    )
      headers.push("Content-Type", contentType);
    headers.push("X-Amzn-Apigateway-Api-Id", ctx.stage.apiId, "X-Amzn-Trace-Id", traceHeader(ctx));
    appendMappedHeaders(ctx, spec, headers);
    setTraceContext(ctx, headers);
    try {
      const template = options.requestTemplates.select(contentType);
      let requestBody: Buffer | undefined;
      let input: TemplateInput | undefined;
      const binary = options.isBinary(contentType);
      if (template !== undefined) {
        // A template sees a binary body base64-encoded (AWS: payload encodings).
        raw ??= await readBody(req);
        input = templateInput(ctx, binary ? raw.toString("base64") : raw.toString("utf8"), options.accountId);
        const given = input;
        requestBody = Buffer.from(transformed(ctx, "request", () => renderTemplate(template, given)));
      } else if (options.contentHandling !== undefined) {
        requestBody = convertContent(raw ?? (await readBody(req)), options.contentHandling, binary);
      } else if (raw !== undefined) {
        requestBody = raw;
      }
      const overridden = applyRequestOverride(input, ctx, spec, target, headers);
      if ("statusCode" in overridden) return sendGatewayResponse(res, apiType, ctx, overridden);
      target = overridden;
      if (service !== undefined) requestBody ??= raw ?? (await readBody(req));
      if (requestBody !== undefined) headers.push("Content-Length", String(requestBody.length));
      else {
        const length = req.headers["content-length"];
        if (length !== undefined) headers.push("Content-Length", length);
      }
      if (service !== undefined) {
        const method = spec.method ?? req.method ?? "GET";
        headers.push(...service.sign(method, target.origin + target.path, headers, requestBody));
      }
      const response = await callBackend(ctx, spec, target, headers, upstreams, requestBody);
      const body = await readResponse(response.body);
      const chosen = selectHttpResponse(selector, response.statusCode, response.headers, body);
      if (chosen === undefined) {
        failWith(
          ctx,
          configurationFailure(
            `No match for output mapping and no default output mapping configured. Endpoint Response Status Code: ${response.statusCode}`,
          ),
        );
        sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
        return;
      }
      const responseTemplate = chosen.templates.preferred();
      let payload: Buffer =
        chosen.response.contentHandling === undefined
          ? body
          : convertContent(body, chosen.response.contentHandling, !isText(response.headers["content-type"]));
      let payloadType = "application/json";
      if (responseTemplate !== undefined) {
        input ??= templateInput(ctx, "", options.accountId);
        const given = input;
        payload = Buffer.from(
          transformed(ctx, "response", () =>
            renderTemplate(responseTemplate.template, given, body.toString("utf8")),
          ),
        );
        payloadType = responseTemplate.type;
      }
      const mapped = [...chosen.staticHeaders, ...headersFromBody(chosen, body.toString("utf8"))];
      for (const copy of chosen.headerCopies) {
        const v = response.headers[copy.from];
        if (v !== undefined) mapped.push(copy.to, Array.isArray(v) ? v.join(",") : v);
      }
      const out = idHeaders(apiType, ctx);
      out.push("X-Amzn-Trace-Id", traceHeader(ctx));
      // A mapped Content-Type (static, or copied from the backend) replaces the default: one is sent.
      if (!mapped.some((h, i) => i % 2 === 0 && h.toLowerCase() === "content-type"))
        out.push("Content-Type", payloadType);
      out.push("Content-Length", String(payload.length), ...mapped);
      res.writeHead(applyResponseOverride(input?.builtContext, chosen.statusCode, out), out);
      countBody(res, payload);
      res.end(payload);
    } catch (err) {
      const type = gatewayResponseFor(err);
      // A template's error was recorded as it was thrown; anything else here is the backend call's.
      failWith(
        ctx,
        type === "REQUEST_TOO_LARGE" ? bodyReadFailure(err) : backendFailure(err, target, spec.timeoutMs),
      );
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
    }
  };
}
