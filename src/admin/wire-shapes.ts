import type { HttpApi, HttpDeployment, HttpStage } from "../model/http-api.ts";
import type { Deployment, Resource, RestApi, Stage } from "../model/rest-api.ts";

/**
 * Model → AWS wire JSON. Timestamps travel as epoch seconds in `apigateway` and as ISO-8601 strings
 * in `apigatewayv2`, which is what the SDKs' deserialisers expect.
 */
const seconds = (ms: number): number => Math.floor(ms / 1000);

export function restApiWire(api: RestApi, warnings?: string[]): Record<string, unknown> {
  return { ...api, createdDate: seconds(api.createdDate), ...(warnings?.length ? { warnings } : {}) };
}

export function deploymentWire(d: Deployment): Record<string, unknown> {
  return { id: d.id, description: d.description, createdDate: seconds(d.createdDate) };
}

export function stageWire(s: Stage): Record<string, unknown> {
  return {
    ...s,
    restApiId: undefined,
    createdDate: seconds(s.createdDate),
    lastUpdatedDate: seconds(s.lastUpdatedDate),
  };
}

export function httpApiWire(api: HttpApi, warnings?: string[]): Record<string, unknown> {
  return {
    ...api,
    createdDate: new Date(api.createdDate).toISOString(),
    ...(warnings?.length ? { warnings } : {}),
  };
}

export function httpDeploymentWire(d: HttpDeployment): Record<string, unknown> {
  return {
    deploymentId: d.deploymentId,
    autoDeployed: d.autoDeployed,
    deploymentStatus: d.deploymentStatus,
    description: d.description,
    createdDate: new Date(d.createdDate).toISOString(),
  };
}

export function httpStageWire(s: HttpStage): Record<string, unknown> {
  return {
    ...s,
    apiId: undefined,
    createdDate: new Date(s.createdDate).toISOString(),
    lastUpdatedDate: new Date(s.lastUpdatedDate).toISOString(),
  };
}

/** GetResource(s): methods in full with `embed=methods`, otherwise only their names (as AWS lists them). */
export function resourceWire(resource: Resource, embed: boolean): Record<string, unknown> {
  const { resourceMethods, ...rest } = resource;
  if (resourceMethods === undefined) return rest;
  return {
    ...rest,
    resourceMethods: embed
      ? resourceMethods
      : Object.fromEntries(Object.keys(resourceMethods).map((m) => [m, {}])),
  };
}
