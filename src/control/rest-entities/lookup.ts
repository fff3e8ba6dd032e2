import type { Integration, Method, Resource, RestApiDefinition } from "../../model/rest-api.ts";
import { notFound } from "../errors.ts";

/**
 * The REST API's child resources (Resource, Method, Integration, MethodResponse, IntegrationResponse)
 * are edited in this folder as pure edits of a draft definition, with AWS's validation and messages;
 * the caller stores the draft only when the edit returns. Here: finding each, with the
 * NotFoundException AWS answers for one that is missing.
 */

export function findResource(def: RestApiDefinition, resourceId: string): Resource {
  const resource = def.resources[resourceId];
  if (resource === undefined) throw notFound("Invalid Resource identifier specified");
  return resource;
}

export function findMethod(def: RestApiDefinition, resourceId: string, httpMethod: string): Method {
  const method = findResource(def, resourceId).resourceMethods?.[httpMethod.toUpperCase()];
  if (method === undefined) throw notFound("Invalid Method identifier specified");
  return method;
}

export function findIntegration(def: RestApiDefinition, resourceId: string, httpMethod: string): Integration {
  const integration = findMethod(def, resourceId, httpMethod).methodIntegration;
  if (integration === undefined) throw notFound("Invalid Integration identifier specified");
  return integration;
}
