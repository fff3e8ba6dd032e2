import { sharedAuthorizerCache } from "../auth/authorizer-results.ts";
import { type CognitoCheck, compileCognitoAuthorizer } from "../auth/cognito-authorizer.ts";
import { type AuthorizerCheck, compileLambdaAuthorizer } from "../auth/lambda-authorizer.ts";
import { functionNameFromUri } from "../functions/function-registry.ts";
import type { Deployment, Method, Stage } from "../model/rest-api.ts";
import { stageLabels } from "../observe/metrics.ts";
import { restMethodBucket, restMethodCache, routeBuckets } from "../traffic/route-traffic.ts";
import { compileRestIntegration } from "./compile-integration.ts";
import type { CompiledRoute, CompiledStage, IntegrationDeps } from "./compiled.ts";
import { customizeResponses } from "./custom-responses.ts";
import { REST_RESPONSES } from "./gateway-responses.ts";
import { compileRequestValidation, modelCompiler } from "./request-validation.ts";
import { compileAccessCheck } from "./resource-policy.ts";
import { RouteTree } from "./route-tree.ts";

/** Compiles a REST stage (its deployment's frozen snapshot plus stage settings) into a route table. */
function cognitoCheck(check: CognitoCheck, scopes: readonly string[] | undefined): AuthorizerCheck {
  return (ctx) => check(ctx, scopes);
}

export function compileRestStage(stage: Stage, deployment: Deployment, deps: IntegrationDeps): CompiledStage {
  const binary = deployment.snapshot.api.binaryMediaTypes ?? [];
  const scope = { region: deps.region ?? "us-east-1", accountId: deps.accountId };
  const cognito = new Map(
    Object.values(deployment.snapshot.authorizers ?? {})
      .filter((a) => a.type === "COGNITO_USER_POOLS")
      .map((a) => [a.id, compileCognitoAuthorizer(a)] as const),
  );
  const authorizers = new Map(
    Object.values(deployment.snapshot.authorizers ?? {})
      .filter((a) => a.type !== "COGNITO_USER_POOLS")
      .map((a) => {
        const name = a.authorizerUri === undefined ? undefined : functionNameFromUri(a.authorizerUri);
        return [
          a.id,
          compileLambdaAuthorizer(
            a,
            name === undefined ? undefined : deps.functions?.get(name),
            scope,
            sharedAuthorizerCache(deps.traffic?.results, `${stage.restApiId}/${stage.stageName}`),
          ),
        ] as const;
      }),
  );
  const routes = new RouteTree<CompiledRoute>();
  const authorizerFor = (method: Method): AuthorizerCheck | undefined => {
    if (method.authorizerId === undefined) return undefined;
    if (method.authorizationType === "CUSTOM") return authorizers.get(method.authorizerId);
    if (method.authorizationType === "COGNITO_USER_POOLS") {
      const check = cognito.get(method.authorizerId);
      return check === undefined ? undefined : cognitoCheck(check, method.authorizationScopes);
    }
    return undefined;
  };
  const models = modelCompiler(deployment.snapshot);
  for (const resource of Object.values(deployment.snapshot.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      routes.add(method.httpMethod, resource.path, {
        resourcePath: resource.path,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        invoke: compileRestIntegration(method.methodIntegration, deps, binary),
        authorizationType: method.authorizationType,
        apiKeyRequired: method.apiKeyRequired,
        authorizer: authorizerFor(method),
        buckets: routeBuckets(restMethodBucket(stage, resource.path, method.httpMethod), deps.accountBucket),
        cache: restMethodCache(stage, resource.path, method.httpMethod, method.methodIntegration),
        validation: compileRequestValidation(method, deployment.snapshot, models),
      });
    }
  }
  return {
    apiId: stage.restApiId,
    apiType: "REST",
    stageName: stage.stageName,
    deploymentId: deployment.id,
    variables: Object.freeze({ ...(stage.variables ?? {}) }),
    routes,
    hasPolicy: deployment.snapshot.api.policy !== undefined,
    apiKeySource: deployment.snapshot.api.apiKeySource,
    edge: deployment.snapshot.api.endpointConfiguration.types.includes("EDGE"),
    privateEndpoint: deployment.snapshot.api.endpointConfiguration.types.includes("PRIVATE")
      ? { networks: deps.networks }
      : undefined,
    access: compileAccessCheck({
      policy: deployment.snapshot.api.policy,
      region: deps.region ?? "us-east-1",
      accountId: deps.accountId,
      apiId: stage.restApiId,
      stageName: stage.stageName,
      networks: deps.networks,
      resourceTags: { ...deployment.snapshot.api.tags, ...stage.tags },
    }),
    iam: deps.iam,
    apiKeys: deps.apiKeys,
    traffic: deps.traffic,
    metrics: deps.metrics,
    metricLabels: stageLabels(stage.restApiId, stage.stageName),
    responses: customizeResponses(
      REST_RESPONSES,
      deployment.snapshot.gatewayResponses,
      stage.variables ?? {},
    ),
  };
}
