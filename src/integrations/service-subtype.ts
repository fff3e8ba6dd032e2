import type { IntegrationHandler, RequestContext } from "../gateway/context.ts";
import { backendFailure, bodyReadFailure, failWith } from "../gateway/failure.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { setTraceContext } from "../gateway/trace-context.ts";
import { traceHeader } from "../gateway/trace-header.ts";
import { readBody } from "../http/request-body.ts";
import { callBackend, type HttpBackendSpec } from "./backend-target.ts";
import { compileMappingValue } from "./http-api-mapping.ts";
import { relayBody } from "./relay-body.ts";
import type { ServiceEndpoint, ServiceSigner } from "./service-endpoints.ts";
import type { Subtype } from "./service-subtypes.ts";
import type { Upstreams } from "./upstreams.ts";

export interface SubtypeOptions {
  readonly subtype: Subtype;
  /** The integration's requestParameters: parameter name → mapping value. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly endpoint: ServiceEndpoint;
  readonly sign: ServiceSigner;
  readonly timeoutMs: number;
}

/** Response headers of the service that describe its body, passed on with it. */
const PASSED_HEADERS = new Set(["content-type", "x-amzn-requestid", "x-amz-request-id"]);

/**
 * An HTTP API `integrationSubtype` route: the request parameters are evaluated against the request
 * (its body included: `$request.body.MessageBody`), rendered as the service's API request, signed
 * with SigV4 and sent to the configured endpoint; the service's status and body come back as they
 * are, as API Gateway passes them.
 */
export function subtypeIntegration(options: SubtypeOptions, upstreams: Upstreams): IntegrationHandler {
  const { subtype, endpoint } = options;
  const getters = Object.entries(options.parameters).map(
    ([name, value]) => [name, compileMappingValue(value, true)] as const,
  );
  const spec: HttpBackendSpec = {
    uri: { source: endpoint.origin, pathNames: [], render: () => "misconfigured" },
    method: undefined,
    mappings: [],
    queryMappings: [],
    headerMappings: [],
    mappedQueryNames: new Set(),
    mappedHeaderNames: new Set(),
    timeoutMs: options.timeoutMs,
    needsBody: true,
  };
  return async (ctx: RequestContext) => {
    const { res } = ctx;
    try {
      ctx.bodyText = (await readBody(ctx.req)).toString("utf8");
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(ctx, bodyReadFailure(err));
      sendGatewayResponse(res, "HTTP", ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
      return;
    }
    const values: Record<string, string> = {};
    for (const [name, get] of getters) values[name] = get(ctx);
    const request = subtype.render(values);
    const target = { origin: endpoint.origin, path: endpoint.basePath + request.path };
    const headers = [...request.headers, "X-Amzn-Trace-Id", traceHeader(ctx)];
    if (request.body !== undefined) headers.push("Content-Length", String(request.body.length));
    setTraceContext(ctx, headers);
    const region = values.Region === undefined || values.Region === "" ? undefined : values.Region;
    headers.push(...options.sign(request.method, target.origin + target.path, headers, request.body, region));
    try {
      const response = await callBackend(
        ctx,
        { ...spec, method: request.method },
        target,
        headers,
        upstreams,
        request.body ?? Buffer.alloc(0),
      );
      const out = idHeaders("HTTP", ctx);
      for (const [name, value] of Object.entries(response.headers))
        if (PASSED_HEADERS.has(name) && value !== undefined) out.push(name, String(value));
      res.writeHead(response.statusCode, out);
      relayBody(response.body, res);
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(ctx, backendFailure(err, target, options.timeoutMs));
      sendGatewayResponse(res, "HTTP", ctx, ctx.stage.responses[type]);
    }
  };
}
