import type { HttpIntegration, HttpIntegrationResponse } from "../../model/http-api.ts";
import type { CompiledWsRoute, WsCompileDeps } from "../../websocket/compiled.ts";
import { compileHttp, compileHttpProxy } from "./http.ts";
import { compileIntegrationResponses, FAILED } from "./integration-responses.ts";
import { compileLambda } from "./lambda.ts";
import { compileLambdaProxy } from "./lambda-proxy.ts";
import { compileMock } from "./mock.ts";
import { compileRequestTemplates } from "./request-templates.ts";

const DEFAULT_TIMEOUT_MS = 29_000;

/**
 * The integration that serves a route, compiled at deploy time with its templates and integration
 * responses: the proxies pass the backend's answer through; AWS (Lambda), HTTP and MOCK map the
 * request through their request templates and the answer through their integration responses.
 * `twoWay`: the route sends the answer back (it has a `$default` route response).
 */
export function compileWsIntegration(
  integration: HttpIntegration | undefined,
  responses: Readonly<Record<string, HttpIntegrationResponse>> | undefined,
  twoWay: boolean,
  deps: WsCompileDeps,
): CompiledWsRoute["integrate"] {
  if (integration === undefined) return async () => FAILED;
  const timeoutMs = integration.timeoutInMillis ?? DEFAULT_TIMEOUT_MS;
  switch (integration.integrationType) {
    case "AWS_PROXY":
      return compileLambdaProxy(integration, deps, timeoutMs);
    case "HTTP_PROXY":
      return compileHttpProxy(integration, deps, timeoutMs);
    case "MOCK":
      return compileMock(integration, compileIntegrationResponses(responses, twoWay));
    case "AWS":
      return compileLambda(
        integration,
        compileRequestTemplates(integration),
        compileIntegrationResponses(responses, twoWay),
        deps,
        timeoutMs,
      );
    case "HTTP":
      return compileHttp(
        integration,
        compileRequestTemplates(integration),
        compileIntegrationResponses(responses, twoWay),
        deps,
        timeoutMs,
      );
    default:
      return async () => FAILED;
  }
}
