import type { ControlPlane } from "../control/control-plane.ts";
import { notFound } from "../control/errors.ts";
import { checkStatus } from "../control/rest-entities/responses.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import type { AdminRequest } from "./admin-router.ts";

/** How the `apigateway` routes find the REST API their path names, and answer it missing. */

export async function restApi(control: ControlPlane, r: AdminRequest): Promise<RestApiDefinition> {
  const def = await control.getRestApi(r.params.apiId!);
  if (def === undefined) throw notFound("Invalid API identifier specified");
  return def;
}

// Operations on a resource and what hangs off it answer a missing API as a missing resource, as AWS does.
const NO_RESOURCE = "Invalid Resource identifier specified";

// AWS's request validation (the model's patterns) runs before any lookup.
function validate(r: AdminRequest): void {
  if (r.params.statusCode !== undefined) checkStatus(r.params.statusCode);
}

/** The API of a request on a resource (or a method, integration, … of one). */
export async function inResource(control: ControlPlane, r: AdminRequest): Promise<RestApiDefinition> {
  validate(r);
  const def = await control.getRestApi(r.params.apiId!);
  if (def === undefined) throw notFound(NO_RESOURCE);
  return def;
}

/** Changes the API of a request on a resource. */
export function editResource<T>(
  control: ControlPlane,
  r: AdminRequest,
  change: (def: RestApiDefinition) => T,
): Promise<T> {
  validate(r);
  return control.mutateRestApi(r.params.apiId!, change, NO_RESOURCE);
}

/** The path params of the resource routes. */
export const restParams = (r: AdminRequest) => ({
  apiId: r.params.apiId!,
  resourceId: r.params.resourceId!,
  httpMethod: r.params.httpMethod!,
  statusCode: r.params.statusCode!,
});
