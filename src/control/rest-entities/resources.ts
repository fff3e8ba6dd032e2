import { AWS_QUOTAS } from "../../model/aws-quotas.ts";
import { newResourceId } from "../../model/ids.ts";
import type { Resource, RestApiDefinition } from "../../model/rest-api.ts";
import { isVariable } from "../../openapi/path-parts.ts";
import { badRequest, ControlError } from "../errors.ts";
import { checkCount } from "../limits.ts";
import { findResource } from "./lookup.ts";

const PATH_PART = /^(?:[A-Za-z0-9._\-,:]+|\{[A-Za-z0-9._-]+\+?\})$/;

/** CreateResource under `parentId`, with AWS's path-part rules. */
export function createResource(def: RestApiDefinition, parentId: string, pathPart: unknown): Resource {
  const parent = findResource(def, parentId);
  if (typeof pathPart !== "string" || !PATH_PART.test(pathPart)) {
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
  if (parent.pathPart?.endsWith("+}")) {
    throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  }
  const siblings = Object.values(def.resources).filter((r) => r.parentId === parentId);
  if (siblings.some((r) => r.pathPart === pathPart)) {
    throw new ControlError(
      "ConflictException",
      `Another resource with the same parent already has this name: ${pathPart}`,
    );
  }
  const variableSibling = isVariable(pathPart)
    ? siblings.find((r) => r.pathPart !== undefined && isVariable(r.pathPart))
    : undefined;
  if (variableSibling) {
    throw badRequest(
      `A sibling (${variableSibling.pathPart}) of this resource already has a variable path part -- only one is allowed`,
    );
  }
  checkCount(Object.keys(def.resources).length, AWS_QUOTAS.resourcesPerApi, "Resources");
  const id = newResourceId();
  const resource: Resource = {
    id,
    parentId,
    pathPart,
    path: `${parent.path === "/" ? "" : parent.path}/${pathPart}`,
  };
  def.resources[id] = resource;
  return resource;
}

/** DeleteResource: the resource and everything below it. The root cannot be deleted. */
export function deleteResource(def: RestApiDefinition, resourceId: string): void {
  findResource(def, resourceId);
  if (resourceId === def.api.rootResourceId) throw badRequest("Cannot delete the root resource");
  const doomed = new Set([resourceId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of Object.values(def.resources)) {
      if (r.parentId !== undefined && doomed.has(r.parentId) && !doomed.has(r.id)) {
        doomed.add(r.id);
        grew = true;
      }
    }
  }
  for (const id of doomed) delete def.resources[id];
}
