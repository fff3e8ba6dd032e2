import type { IntegrationHandler, RequestContext } from "../gateway/context.ts";
import { backendFailure, bodyReadFailure, failWith } from "../gateway/failure.ts";
import { addForwardedHeaders, passthroughHeaders, proxyDroppedHeaders } from "../gateway/forward-headers.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { stepsTraced } from "../gateway/step-events.ts";
import { setTraceContext } from "../gateway/trace-context.ts";
import { readBody } from "../http/request-body.ts";
import { applyRequestMapping } from "./apply-http-api-mapping.ts";
import { backendCallFor } from "./backend-call.ts";
import {
  appendMappedHeaders,
  callBackend as callOverUndici,
  type HttpBackendSpec,
  resolveTarget,
  UNSAFE_BACKEND_PATH,
} from "./backend-target.ts";
import type { RequestMapping, ResponseMapping } from "./http-api-mapping.ts";
import { type ProxyAnswer, proxyToBackend } from "./proxy-exchange.ts";
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
  // undici's pools take every request but those mapping an Upgrade header (backend-call.ts).
  const viaUndici = callBackend === callOverUndici;
  const answer: ProxyAnswer = {
    head(ctx, statusCode, backendHeaders) {
      const apiType = ctx.stage.apiType;
      const out = idHeaders(apiType, ctx);
      const edit = responseMappings?.get(String(statusCode));
      let status = statusCode;
      if (edit === undefined) appendBackendHeaders(backendHeaders, out, apiType === "REST");
      else {
        const kept = { ...backendHeaders };
        for (const name of edit.removeHeaders) delete kept[name];
        for (const h of edit.headers) if (h.mode === "overwrite") delete kept[h.name.toLowerCase()];
        appendBackendHeaders(kept, out, apiType === "REST");
        for (const h of edit.headers) out.push(h.name, h.value(ctx, backendHeaders));
        if (edit.statusCode !== undefined) {
          const mapped = Number(edit.statusCode(ctx, backendHeaders));
          if (Number.isInteger(mapped) && mapped >= 100 && mapped <= 599) status = mapped;
        }
      }
      ctx.res.writeHead(status, out);
    },
    fail(ctx, err, target) {
      const type = gatewayResponseFor(err);
      failWith(
        ctx,
        type === "REQUEST_TOO_LARGE" ? bodyReadFailure(err) : backendFailure(err, target, spec.timeoutMs),
      );
      sendGatewayResponse(
        ctx.res,
        ctx.stage.apiType,
        ctx,
        ctx.stage.responses[type],
        type === "REQUEST_TOO_LARGE",
      );
    },
  };
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
    // A traced request's integration span ends when this promise settles, before the answer is
    // sent: the relay through request() keeps that order, the direct one would send the body first.
    if (viaUndici && !stepsTraced(ctx)) {
      await proxyToBackend(ctx, spec, target, headers, upstreams, answer, buffered);
      return;
    }
    try {
      const response = await callBackend(ctx, spec, target, headers, upstreams, buffered);
      answer.head(ctx, response.statusCode, response.headers);
      relayBody(response.body, res);
    } catch (err) {
      answer.fail(ctx, err, target);
    }
  };
}
