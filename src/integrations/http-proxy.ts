import type { IntegrationHandler, RequestContext } from "../gateway/context.ts";
import { backendFailure, bodyReadFailure, failWith } from "../gateway/failure.ts";
import { addForwardedHeaders, passthroughHeaders, proxyDroppedHeaders } from "../gateway/forward-headers.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { setTraceContext } from "../gateway/trace-context.ts";
import { readBody } from "../http/request-body.ts";
import { applyRequestMapping } from "./apply-http-api-mapping.ts";
import { backendCallFor } from "./backend-call.ts";
import {
  appendMappedHeaders,
  type HttpBackendSpec,
  resolveTarget,
  UNSAFE_BACKEND_PATH,
} from "./backend-target.ts";
import type { RequestMapping, ResponseMapping } from "./http-api-mapping.ts";
import { relayBody } from "./relay-body.ts";
import { appendBackendHeaders } from "./response-headers.ts";
import type { Upstreams } from "./upstreams.ts";

/**
 * HTTP_PROXY: the whole request goes to the backend and the whole response comes back, both
 * streamed. REST APIs rename the backend's Connection/Date/Server/… headers (`x-amzn-Remapped-*`);
 * HTTP APIs pass them through.
 */
export function httpProxyIntegration(
  spec: HttpBackendSpec,
  upstreams: Upstreams,
  mapping?: RequestMapping,
  responseMappings?: ReadonlyMap<string, ResponseMapping>,
): IntegrationHandler {
  const replaced = [
    ...spec.mappedHeaderNames,
    ...(mapping?.removeHeaders ?? []),
    ...(mapping?.headers.filter((h) => h.mode === "overwrite").map((h) => h.name.toLowerCase()) ?? []),
  ];
  const skipRest = proxyDroppedHeaders("REST", replaced);
  const skipHttp = proxyDroppedHeaders("HTTP", replaced);
  const callBackend = backendCallFor(spec);
  return async (ctx: RequestContext) => {
    const { res } = ctx;
    const apiType = ctx.stage.apiType;
    let buffered: Buffer | undefined;
    if (spec.needsBody) {
      try {
        buffered = await readBody(ctx.req);
      } catch (err) {
        const type = gatewayResponseFor(err);
        failWith(ctx, bodyReadFailure(err));
        sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
        return;
      }
      ctx.bodyText = buffered.toString("utf8");
    }
    const target = resolveTarget(ctx, spec, mapping === undefined);
    if ("statusCode" in target) {
      sendGatewayResponse(res, apiType, ctx, target);
      return;
    }
    const headers = passthroughHeaders(ctx, apiType === "REST" ? skipRest : skipHttp);
    addForwardedHeaders(ctx, headers);
    appendMappedHeaders(ctx, spec, headers);
    if (mapping !== undefined && !applyRequestMapping(ctx, mapping, target, headers)) {
      sendGatewayResponse(res, apiType, ctx, UNSAFE_BACKEND_PATH);
      return;
    }
    if (apiType === "REST") headers.push("X-Amzn-Apigateway-Api-Id", ctx.stage.apiId);
    setTraceContext(ctx, headers);
    try {
      const response = await callBackend(ctx, spec, target, headers, upstreams, buffered);
      const out = idHeaders(apiType, ctx);
      const edit = responseMappings?.get(String(response.statusCode));
      let status = response.statusCode;
      if (edit === undefined) appendBackendHeaders(response.headers, out, apiType === "REST");
      else {
        const kept = { ...response.headers };
        for (const name of edit.removeHeaders) delete kept[name];
        for (const h of edit.headers) if (h.mode === "overwrite") delete kept[h.name.toLowerCase()];
        appendBackendHeaders(kept, out, apiType === "REST");
        for (const h of edit.headers) out.push(h.name, h.value(ctx, response.headers));
        if (edit.statusCode !== undefined) {
          const mapped = Number(edit.statusCode(ctx, response.headers));
          if (Number.isInteger(mapped) && mapped >= 100 && mapped <= 599) status = mapped;
        }
      }
      res.writeHead(status, out);
      relayBody(response.body, res);
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(
        ctx,
        type === "REQUEST_TOO_LARGE" ? bodyReadFailure(err) : backendFailure(err, target, spec.timeoutMs),
      );
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
    }
  };
}
