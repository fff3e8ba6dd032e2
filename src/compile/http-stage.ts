import { functionNameFromUri } from "../functions/function-registry.ts";
import { compileAccessCheck } from "../gateway/access-check.ts";
import { compileHttpLambdaAuthorizer } from "../gateway/authorizers/http-lambda.ts";
import { compileJwtAuthorizer } from "../gateway/authorizers/jwt.ts";
import { sharedAuthorizerCache } from "../gateway/authorizers/results.ts";
import { chooseSteps } from "../gateway/chain.ts";
import type { CompiledRoute, CompiledStage, IntegrationHandler } from "../gateway/context.ts";
import { HTTP_API_RESPONSES } from "../gateway/responses/catalogue.ts";
import { RouteTree } from "../gateway/route-tree.ts";
import { backendSpec } from "../integrations/backend-target.ts";
import { compileRequestMapping, compileResponseMappings } from "../integrations/http-api-mapping.ts";
import { httpProxyIntegration } from "../integrations/http-proxy.ts";
import { httpApiIsBinary, lambdaProxyIntegration } from "../integrations/lambda-proxy.ts";
import { compileUriTemplate } from "../integrations/uri-template.ts";
import type { HttpDeployment, HttpIntegration, HttpRoute, HttpStage } from "../model/http-api.ts";
import { httpRouteBucket, routeBuckets } from "../traffic/route-traffic.ts";
import { compileSubtypeIntegration, type IntegrationPlace } from "./aws-service-integration.ts";
import type { CompileDeps } from "./deps.ts";
import { routeDetailedMetrics } from "./detailed-metrics.ts";
import { configurationError, lambdaTarget } from "./integration.ts";
import { compileStageAccessLog } from "./stage-logging.ts";

function compileHttpIntegration(
  integration: HttpIntegration | undefined,
  deps: CompileDeps,
  variables: Readonly<Record<string, string>>,
  place: IntegrationPlace,
): IntegrationHandler {
  try {
    return compileHttpIntegrationOrThrow(integration, deps, variables, place);
  } catch (err) {
    // A bad mapping fails its route (500), not the whole deployment.
    return configurationError((err as Error).message);
  }
}

function compileHttpIntegrationOrThrow(
  integration: HttpIntegration | undefined,
  deps: CompileDeps,
  variables: Readonly<Record<string, string>>,
  place: IntegrationPlace,
): IntegrationHandler {
  if (integration === undefined) return configurationError("Route has no integration target");
  if (integration.integrationSubtype !== undefined) {
    const service = compileSubtypeIntegration(integration, deps, place);
    return "error" in service ? configurationError(service.error) : service;
  }
  if (integration.integrationType === "AWS_PROXY") {
    // The function name or alias may be a stage variable, as in REST APIs.
    const target = lambdaTarget(integration.integrationUri, variables, deps);
    if ("error" in target) return configurationError(target.error);
    const { name } = target;
    if (name === undefined) return configurationError("AWS_PROXY integrations must name a Lambda function");
    return lambdaProxyIntegration({
      pool: deps.functions?.get(name),
      functionName: name,
      payloadFormatVersion: integration.payloadFormatVersion,
      timeoutMs: integration.timeoutInMillis,
      accountId: deps.accountId,
      isBinary: httpApiIsBinary,
      binaryResult: () => true,
    });
  }
  if (integration.integrationType !== "HTTP_PROXY" || integration.integrationUri === undefined) {
    return configurationError(`Integration type ${integration.integrationType} is not supported`);
  }
  // HTTP APIs substitute route path variables into the integration URI by name, with no mapping.
  return httpProxyIntegration(
    backendSpec(
      compileUriTemplate(integration.integrationUri),
      integration.integrationMethod,
      [],
      integration.timeoutInMillis,
    ),
    deps.upstreams,
    compileRequestMapping(integration.requestParameters),
    compileResponseMappings(integration.responseParameters),
  );
}

/** Compiles an HTTP API stage into a route table; `$default` becomes the fallback route. */
export function compileHttpStage(
  stage: HttpStage,
  deployment: HttpDeployment,
  deps: CompileDeps,
): CompiledStage {
  const routes = new RouteTree<CompiledRoute>();
  let defaultRoute: CompiledRoute | undefined;
  const { integrations } = deployment.snapshot;
  const jwtChecks = new Map(
    Object.values(deployment.snapshot.authorizers ?? {})
      .filter((a) => a.authorizerType === "JWT")
      .map((a) => [a.authorizerId, compileJwtAuthorizer(a)] as const),
  );
  const scope = { region: deps.region ?? "us-east-1", accountId: deps.accountId };
  const lambdaChecks = new Map(
    Object.values(deployment.snapshot.authorizers ?? {})
      .filter((a) => a.authorizerType === "REQUEST")
      .map((a) => {
        const name = a.authorizerUri === undefined ? undefined : functionNameFromUri(a.authorizerUri);
        return [
          a.authorizerId,
          compileHttpLambdaAuthorizer(
            a,
            name === undefined ? undefined : deps.functions?.get(name),
            scope,
            sharedAuthorizerCache(deps.traffic?.results, `${stage.apiId}/${stage.stageName}`),
          ),
        ] as const;
      }),
  );
  const guards = (route: HttpRoute) => {
    if (route.authorizerId === undefined) return {};
    if (route.authorizationType === "JWT") {
      return { jwt: jwtChecks.get(route.authorizerId), authorizationScopes: route.authorizationScopes };
    }
    if (route.authorizationType === "CUSTOM") return { authorizer: lambdaChecks.get(route.authorizerId) };
    return {};
  };
  const throttleFor = (routeKey: string) =>
    routeBuckets(
      httpRouteBucket(
        stage.apiId,
        stage.stageName,
        routeKey,
        stage.defaultRouteSettings,
        stage.routeSettings,
      ),
      deps.accountBucket,
    );
  const detailedFor = (routeKey: string) =>
    routeDetailedMetrics(routeKey, stage.defaultRouteSettings, stage.routeSettings);
  // HTTP APIs have no resource policies, private endpoints, API keys or request validators.
  const stepsFor = (authorizationType: string | undefined) =>
    chooseSteps({ privateEndpoint: false, hasPolicy: false, authorizationType, validated: false });
  for (const route of Object.values(deployment.snapshot.routes)) {
    const integrationId = route.target?.startsWith("integrations/")
      ? route.target.slice("integrations/".length)
      : undefined;
    const invoke = compileHttpIntegration(
      integrationId === undefined ? undefined : integrations[integrationId],
      deps,
      stage.stageVariables ?? {},
      { apiId: stage.apiId, stage: stage.stageName, route: route.routeKey },
    );
    if (route.routeKey === "$default") {
      defaultRoute = {
        resourcePath: "$default",
        resourceId: route.routeId,
        httpMethod: "ANY",
        invoke,
        authorizationType: route.authorizationType,
        buckets: throttleFor("$default"),
        steps: stepsFor(route.authorizationType),
        detailedMetrics: detailedFor("$default"),
        ...guards(route),
      };
      continue;
    }
    const space = route.routeKey.indexOf(" ");
    const method = route.routeKey.slice(0, space).toUpperCase();
    const path = route.routeKey.slice(space + 1);
    routes.add(method, path, {
      resourcePath: route.routeKey,
      resourceId: route.routeId,
      httpMethod: method,
      invoke,
      authorizationType: route.authorizationType,
      buckets: throttleFor(route.routeKey),
      steps: stepsFor(route.authorizationType),
      detailedMetrics: detailedFor(route.routeKey),
      ...guards(route),
    });
  }
  const accessLog = compileStageAccessLog(stage.accessLogSettings, deps, {
    apiId: stage.apiId,
    apiType: "HTTP",
    stageName: stage.stageName,
    deploymentId: deployment.deploymentId,
    accountId: deps.accountId,
    responses: HTTP_API_RESPONSES,
  });
  return {
    apiId: stage.apiId,
    apiType: "HTTP",
    stageName: stage.stageName,
    deploymentId: deployment.deploymentId,
    variables: Object.freeze({ ...(stage.stageVariables ?? {}) }),
    routes,
    defaultRoute,
    responses: HTTP_API_RESPONSES,
    hasPolicy: false,
    defaultEndpointDisabled: deployment.snapshot.api.disableExecuteApiEndpoint === true,
    access: compileAccessCheck({
      policy: undefined,
      region: deps.region ?? "us-east-1",
      accountId: deps.accountId,
      apiId: stage.apiId,
      stageName: stage.stageName,
      networks: deps.networks,
    }),
    iam: deps.iam,
    traffic: deps.traffic,
    ...(accessLog === undefined ? {} : { accessLog }),
  };
}
