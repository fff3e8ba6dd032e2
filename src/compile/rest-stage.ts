import { functionNameFromUri } from "../functions/function-registry.ts";
import { compileAccessCheck } from "../gateway/access-check.ts";
import { type CognitoCheck, compileCognitoAuthorizer } from "../gateway/authorizers/cognito.ts";
import { compileLambdaAuthorizer } from "../gateway/authorizers/lambda.ts";
import { sharedAuthorizerCache } from "../gateway/authorizers/results.ts";
import { chooseSteps, observedIntegration } from "../gateway/chain.ts";
import type { AuthorizerCheck, CompiledRoute, CompiledStage } from "../gateway/context.ts";
import { REST_RESPONSES } from "../gateway/responses/catalogue.ts";
import { RouteTree } from "../gateway/route-tree.ts";
import { compileRequestValidation, modelCompiler } from "../gateway/steps/validate-request.ts";
import { substituteStageVariables } from "../integrations/uri-template.ts";
import type { Deployment, Method, Stage } from "../model/rest-api.ts";
import {
  type RouteCachePolicy,
  restMethodBucket,
  restMethodCache,
  routeBuckets,
} from "../traffic/route-traffic.ts";
import { customizeResponses } from "./custom-responses.ts";
import type { CompileDeps } from "./deps.ts";
import { restDetailedMetrics } from "./detailed-metrics.ts";
import { compileRestIntegration } from "./integration.ts";
import { compileStageAccessLog, keepingRequestBody, restMethodLogging } from "./stage-logging.ts";

function cognitoCheck(check: CognitoCheck, scopes: readonly string[] | undefined): AuthorizerCheck {
  return (ctx) => check(ctx, scopes);
}

/** How one release of a stage (production, or its canary) is compiled. */
interface Release {
  /** The stage variables its requests see: the stage's, with a canary's overrides on top. */
  readonly variables: Readonly<Record<string, string>>;
  /** `$context.isCanaryRequest`; undefined on a stage without a canary. */
  readonly isCanaryRequest?: boolean;
  /** A canary uses the stage cache only with `useStageCache`, under its own keys when its deployment differs. */
  readonly cache: "stage" | "none" | "separate";
}

/**
 * Compiles a REST stage (its deployment's frozen snapshot plus stage settings) into a route table.
 * With canary settings and the canary's deployment, the canary release is compiled beside it from
 * that deployment, with the stage variables overridden; resolve.ts sends `percentTraffic` percent of
 * requests to it.
 */
export function compileRestStage(
  stage: Stage,
  deployment: Deployment,
  deps: CompileDeps,
  canaryDeployment?: Deployment,
): CompiledStage {
  const variables = Object.freeze({ ...(stage.variables ?? {}) });
  const canary = stage.canarySettings;
  if (canary === undefined || canaryDeployment === undefined)
    return compileRelease(stage, deployment, deps, { variables, cache: "stage" });
  const release = compileRelease(stage, canaryDeployment, deps, {
    variables: Object.freeze({ ...variables, ...canary.stageVariableOverrides }),
    isCanaryRequest: true,
    cache: !canary.useStageCache ? "none" : canaryDeployment.id === deployment.id ? "stage" : "separate",
  });
  return {
    ...compileRelease(stage, deployment, deps, { variables, isCanaryRequest: false, cache: "stage" }),
    canary: { percentTraffic: canary.percentTraffic, release },
  };
}

function releaseCache(policy: RouteCachePolicy | undefined, release: Release): RouteCachePolicy | undefined {
  if (policy === undefined || release.cache === "stage") return policy;
  return release.cache === "none" ? undefined : { ...policy, release: "canary" };
}

function compileRelease(
  stage: Stage,
  deployment: Deployment,
  deps: CompileDeps,
  release: Release,
): CompiledStage {
  const { variables } = release;
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
        const uri =
          a.authorizerUri === undefined ? undefined : substituteStageVariables(a.authorizerUri, variables);
        const name = uri === undefined ? undefined : functionNameFromUri(uri);
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
  const types = deployment.snapshot.api.endpointConfiguration.types;
  const hasPolicy = deployment.snapshot.api.policy !== undefined;
  // A traced stage's routes publish their steps and integration for tracers; others carry no wrapper.
  const traced = stage.tracingEnabled === true;
  for (const resource of Object.values(deployment.snapshot.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      const validation = compileRequestValidation(method, deployment.snapshot, models);
      const logging = restMethodLogging(
        stage,
        resource.path,
        method.httpMethod,
        method.authorizerId === undefined
          ? undefined
          : deployment.snapshot.authorizers?.[method.authorizerId],
      );
      if (logging !== undefined) deps.loggingWanted?.();
      const invoke = compileRestIntegration(method.methodIntegration, deps, binary, variables, {
        apiId: stage.restApiId,
        stage: stage.stageName,
        route: `${method.httpMethod} ${resource.path}`,
      });
      routes.add(method.httpMethod, resource.path, {
        resourcePath: resource.path,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        invoke: traced
          ? observedIntegration(logging?.dataTrace === true ? keepingRequestBody(invoke) : invoke)
          : logging?.dataTrace === true
            ? keepingRequestBody(invoke)
            : invoke,
        ...(logging === undefined ? {} : { logging }),
        authorizationType: method.authorizationType,
        apiKeyRequired: method.apiKeyRequired,
        authorizer: authorizerFor(method),
        buckets: routeBuckets(restMethodBucket(stage, resource.path, method.httpMethod), deps.accountBucket),
        cache: releaseCache(
          restMethodCache(stage, resource.path, method.httpMethod, method.methodIntegration),
          release,
        ),
        validation,
        steps: chooseSteps({
          privateEndpoint: types.includes("PRIVATE"),
          hasPolicy,
          authorizationType: method.authorizationType,
          apiKeyRequired: method.apiKeyRequired,
          validated: validation !== undefined,
          traced,
        }),
        detailedMetrics: restDetailedMetrics(stage, resource.path, method.httpMethod),
      });
    }
  }
  const responses = customizeResponses(REST_RESPONSES, deployment.snapshot.gatewayResponses, variables);
  const accessLog = compileStageAccessLog(stage.accessLogSettings, deps, {
    apiId: stage.restApiId,
    apiType: "REST",
    stageName: stage.stageName,
    deploymentId: deployment.id,
    accountId: deps.accountId,
    isCanaryRequest: release.isCanaryRequest,
    responses,
  });
  return {
    apiId: stage.restApiId,
    apiType: "REST",
    stageName: stage.stageName,
    deploymentId: deployment.id,
    variables,
    isCanaryRequest: release.isCanaryRequest,
    routes,
    hasPolicy: deployment.snapshot.api.policy !== undefined,
    apiKeySource: deployment.snapshot.api.apiKeySource,
    edge: deployment.snapshot.api.endpointConfiguration.types.includes("EDGE"),
    defaultEndpointDisabled: deployment.snapshot.api.disableExecuteApiEndpoint === true,
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
    responses,
    ...(traced ? { tracingEnabled: true } : {}),
    ...(accessLog === undefined ? {} : { accessLog }),
  };
}
