import { wirePolicy } from "../auth/policy/expand-policy.ts";
import type { HttpApi, HttpDeployment, HttpStage } from "../model/http-api.ts";
import type { Deployment, Integration, Method, Resource, RestApi, Stage } from "../model/rest-api.ts";

/**
 * Model → AWS wire JSON. Timestamps travel as epoch seconds in `apigateway` and as ISO-8601 strings
 * in `apigatewayv2`, which is what the SDKs' deserialisers expect.
 */
const seconds = (ms: number): number => Math.floor(ms / 1000);

export function restApiWire(api: RestApi, warnings?: string[]): Record<string, unknown> {
  return {
    ...api,
    createdDate: seconds(api.createdDate),
    ...(api.policy === undefined ? {} : { policy: wirePolicy(api.policy) }),
    ...(warnings?.length ? { warnings } : {}),
  };
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

/**
 * An HTTP or WebSocket API; `apiEndpoint` is where this gateway serves it (InvokeUrls), not the
 * stored `amazonaws.com` one, which would send a pasted request to AWS.
 */
export function httpApiWire(api: HttpApi, apiEndpoint: string, warnings?: string[]): Record<string, unknown> {
  return {
    ...api,
    apiEndpoint,
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

/** What AWS fills in on a stage's route settings when none are given, by protocol. */
const DEFAULT_ROUTE_SETTINGS = {
  HTTP: { detailedMetricsEnabled: false },
  WEBSOCKET: { dataTraceEnabled: false, detailedMetricsEnabled: false, loggingLevel: "OFF" },
} as const;

/** A stage as AWS returns it: empty maps rather than absent ones, route-settings defaults filled in. */
export function httpStageWire(s: HttpStage, protocolType: HttpApi["protocolType"]): Record<string, unknown> {
  return {
    ...s,
    defaultRouteSettings: { ...DEFAULT_ROUTE_SETTINGS[protocolType], ...(s.defaultRouteSettings ?? {}) },
    routeSettings: s.routeSettings ?? {},
    stageVariables: s.stageVariables ?? {},
    tags: s.tags ?? {},
    apiId: undefined,
    createdDate: new Date(s.createdDate).toISOString(),
    lastUpdatedDate: new Date(s.lastUpdatedDate).toISOString(),
  };
}

/**
 * An integration as AWS returns it, whichever way it was made (PutIntegration, an import): with the
 * members AWS always fills in — `cacheNamespace` (the resource's id), `cacheKeyParameters`,
 * `passthroughBehavior`, `timeoutInMillis`, and `connectionType: INTERNET` for an HTTP integration not
 * through a VPC link. A MOCK integration has no `uri`.
 */
export function integrationWire(integration: Integration, resourceId: string): Record<string, unknown> {
  const http = integration.type === "HTTP" || integration.type === "HTTP_PROXY";
  return {
    ...integration,
    uri: integration.type === "MOCK" ? undefined : integration.uri,
    cacheNamespace: integration.cacheNamespace ?? resourceId,
    cacheKeyParameters: integration.cacheKeyParameters ?? [],
    passthroughBehavior: integration.passthroughBehavior ?? "WHEN_NO_MATCH",
    timeoutInMillis: integration.timeoutInMillis ?? 29_000,
    connectionType: integration.connectionType ?? (http ? "INTERNET" : undefined),
  };
}

/** A method as AWS returns it: its integration, if any, in full (integrationWire). */
export function methodWire(method: Method, resourceId: string): Record<string, unknown> {
  const { methodIntegration, ...rest } = method;
  if (methodIntegration === undefined) return rest;
  return { ...rest, methodIntegration: integrationWire(methodIntegration, resourceId) };
}

/** GetResource(s): methods in full with `embed=methods`, otherwise only their names (as AWS lists them). */
export function resourceWire(resource: Resource, embed: boolean): Record<string, unknown> {
  const { resourceMethods, ...rest } = resource;
  if (resourceMethods === undefined) return rest;
  return {
    ...rest,
    resourceMethods: Object.fromEntries(
      Object.entries(resourceMethods).map(([verb, m]) => [verb, embed ? methodWire(m, resource.id) : {}]),
    ),
  };
}
