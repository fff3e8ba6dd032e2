import type { HttpDeployment, HttpStage } from "../model/http-api.ts";
import { httpRouteBucket, routeBuckets } from "../traffic/route-traffic.ts";
import type { CompiledWsRoute, CompiledWsStage, WsCompileDeps } from "../websocket/compiled.ts";
import { compileConnectAuthorizer } from "../websocket/connect-authorizer.ts";
import { compileRouteSelection } from "../websocket/route-selection.ts";
import { routeDetailedMetrics } from "./detailed-metrics.ts";
import { compileWsStageAccessLog } from "./stage-logging.ts";
import { compileWsIntegration } from "./websocket/integration.ts";

/**
 * A WebSocket API's stage, compiled at deploy time: its route selection and, per route key, the
 * integration that serves `$connect`, messages and `$disconnect`.
 */
export function compileWebSocketStage(
  stage: HttpStage,
  deployment: HttpDeployment,
  deps: WsCompileDeps,
): CompiledWsStage {
  const { snapshot } = deployment;
  const routes = new Map<string, CompiledWsRoute>();
  // Routes that share an integration share its compiled templates (one-way and two-way apart).
  const integrations = new Map<string, CompiledWsRoute["integrate"]>();
  for (const route of Object.values(snapshot.routes)) {
    const integrationId = route.target?.startsWith("integrations/")
      ? route.target.slice("integrations/".length)
      : undefined;
    const integration = integrationId === undefined ? undefined : snapshot.integrations[integrationId];
    const responses = snapshot.routeResponses?.[route.routeId] ?? {};
    const twoWay = Object.values(responses).some((r) => r.routeResponseKey === "$default");
    routes.set(route.routeKey, {
      routeKey: route.routeKey,
      authorizationType: route.authorizationType ?? "NONE",
      ...(route.authorizationType === "CUSTOM" &&
      route.authorizerId !== undefined &&
      snapshot.authorizers?.[route.authorizerId]
        ? { authorizer: compileConnectAuthorizer(snapshot.authorizers[route.authorizerId]!, deps) }
        : {}),
      twoWay,
      detailedMetrics: routeDetailedMetrics(route.routeKey, stage.defaultRouteSettings, stage.routeSettings),
      apiKeyRequired: route.apiKeyRequired === true,
      buckets: routeBuckets(
        httpRouteBucket(
          stage.apiId,
          stage.stageName,
          route.routeKey,
          stage.defaultRouteSettings,
          stage.routeSettings,
        ),
        deps.accountBucket,
      ),
      integrate: shared(integrations, `${integrationId}/${twoWay}`, () =>
        compileWsIntegration(
          integration,
          integrationId === undefined ? undefined : snapshot.integrationResponses?.[integrationId],
          twoWay,
          deps,
        ),
      ),
    });
  }
  const accessLog = compileWsStageAccessLog(stage.accessLogSettings, deps, {
    apiId: stage.apiId,
    stageName: stage.stageName,
  });
  return {
    apiId: stage.apiId,
    stageName: stage.stageName,
    deploymentId: deployment.deploymentId,
    variables: Object.freeze({ ...(stage.stageVariables ?? {}) }),
    selectRoute: compileRouteSelection(snapshot.api.routeSelectionExpression ?? "$request.body.action"),
    routes,
    accountId: deps.accountId,
    region: deps.region ?? "us-east-1",
    defaultEndpointDisabled: snapshot.api.disableExecuteApiEndpoint === true,
    apiKeySource:
      snapshot.api.apiKeySelectionExpression === "$context.authorizer.usageIdentifierKey"
        ? "AUTHORIZER"
        : "HEADER",
    ...(deps.apiKeys === undefined ? {} : { apiKeys: deps.apiKeys }),
    ...(deps.traffic === undefined ? {} : { traffic: deps.traffic }),
    ...(accessLog === undefined ? {} : { accessLog }),
  };
}

function shared<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
