import type { Deployment, Stage } from "../model/rest-api.ts";
import { compileRestIntegration } from "./compile-integration.ts";
import type { CompiledRoute, CompiledStage, IntegrationDeps } from "./compiled.ts";
import { customizeResponses } from "./custom-responses.ts";
import { REST_RESPONSES } from "./gateway-responses.ts";
import { compileAccessCheck } from "./resource-policy.ts";
import { RouteTree } from "./route-tree.ts";

/** Compiles a REST stage (its deployment's frozen snapshot plus stage settings) into a route table. */
export function compileRestStage(stage: Stage, deployment: Deployment, deps: IntegrationDeps): CompiledStage {
  const binary = deployment.snapshot.api.binaryMediaTypes ?? [];
  const routes = new RouteTree<CompiledRoute>();
  for (const resource of Object.values(deployment.snapshot.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      routes.add(method.httpMethod, resource.path, {
        resourcePath: resource.path,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        invoke: compileRestIntegration(method.methodIntegration, deps, binary),
        authorizationType: method.authorizationType,
        apiKeyRequired: method.apiKeyRequired,
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
    access: compileAccessCheck({
      policy: deployment.snapshot.api.policy,
      region: deps.region ?? "us-east-1",
      accountId: deps.accountId,
      apiId: stage.restApiId,
      stageName: stage.stageName,
      networks: deps.networks,
    }),
    iam: deps.iam,
    apiKeys: deps.apiKeys,
    responses: customizeResponses(
      REST_RESPONSES,
      deployment.snapshot.gatewayResponses,
      stage.variables ?? {},
    ),
  };
}
