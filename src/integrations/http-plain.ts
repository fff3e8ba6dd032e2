import type { IntegrationHandler, RequestContext } from "../gateway/compiled.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/send.ts";
import type { PassthroughBehavior } from "../model/rest-api.ts";
import { gatewayResponseFor } from "./backend-errors.ts";
import { appendMappedHeaders, callBackend, type HttpBackendSpec, resolveTarget } from "./backend-target.ts";
import type { ResponseSelector } from "./integration-responses.ts";
import type { Upstreams } from "./upstreams.ts";

export interface PlainHttpOptions {
  readonly spec: HttpBackendSpec;
  readonly selector: ResponseSelector;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly requestTemplateTypes: ReadonlySet<string>;
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
 * `User-Agent`; the backend's status selects an integration response, which sets the method
 * response's status and mapped headers. Mapping templates arrive with the Velocity engine; until
 * then bodies pass through.
 */
export function plainHttpIntegration(options: PlainHttpOptions, upstreams: Upstreams): IntegrationHandler {
  const { spec, selector } = options;
  return async (ctx: RequestContext) => {
    const { req, res } = ctx;
    const apiType = ctx.stage.apiType;
    if (
      !passesThrough(options.passthroughBehavior, options.requestTemplateTypes, req.headers["content-type"])
    ) {
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.UNSUPPORTED_MEDIA_TYPE);
      return;
    }
    const target = resolveTarget(ctx, spec, false);
    const headers: string[] = [];
    if (!spec.mappedHeaderNames.has("accept")) headers.push("Accept", "application/json");
    if (!spec.mappedHeaderNames.has("user-agent"))
      headers.push("User-Agent", `AmazonAPIGateway_${ctx.stage.apiId}`);
    const contentType = req.headers["content-type"];
    if (contentType !== undefined && !spec.mappedHeaderNames.has("content-type"))
      headers.push("Content-Type", contentType);
    const length = req.headers["content-length"];
    if (length !== undefined) headers.push("Content-Length", length);
    headers.push("X-Amzn-Apigateway-Api-Id", ctx.stage.apiId);
    appendMappedHeaders(ctx, spec, headers);
    try {
      const response = await callBackend(ctx, spec, target, headers, upstreams);
      const body = Buffer.from(await response.body.arrayBuffer());
      const chosen = selector.select(String(response.statusCode));
      if (chosen === undefined) {
        sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.API_CONFIGURATION_ERROR);
        return;
      }
      const out = idHeaders(apiType, ctx);
      out.push("Content-Type", "application/json", "Content-Length", String(body.length));
      out.push(...chosen.staticHeaders);
      for (const copy of chosen.headerCopies) {
        const v = response.headers[copy.from];
        if (v !== undefined) out.push(copy.to, Array.isArray(v) ? v.join(",") : v);
      }
      res.writeHead(chosen.statusCode, out);
      res.end(body);
    } catch (err) {
      const type = gatewayResponseFor(err);
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
    }
  };
}
