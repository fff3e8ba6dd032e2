import { refuseMappedApi } from "../control/api-mappings.ts";
import { canarySettings, readCanaryInput } from "../control/canary.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import { importRestApiDocument } from "../control/import-document.ts";
import { newRestApiDefinition } from "../control/new-rest-api.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import { findResource } from "../control/rest-entities/lookup.ts";
import { createResource, deleteResource } from "../control/rest-entities/resources.ts";
import * as patches from "../control/rest-patches.ts";
import { patchStage } from "../control/stage-patch.ts";
import type { Stage } from "../model/rest-api.ts";
import { type AdminRequest, type RouteTable, route } from "./admin-router.ts";
import { jsonBody, optionalString, page, stringMap } from "./request-body.ts";
import { restApi as api, editResource, inResource, restParams as p } from "./rest-api-lookup.ts";
import { deploymentWire, resourceWire, restApiWire, stageWire } from "./wire-shapes.ts";

const STAGE = "/restapis/{apiId}/stages/{stageName}";

/** A missing API answers as such before a missing stage. */
async function existingStage(control: ControlPlane, r: AdminRequest): Promise<void> {
  await api(control, r);
  if ((await control.getRestStage(p(r).apiId, r.params.stageName!)) === undefined) {
    throw notFound("Invalid stage identifier specified");
  }
}

/**
 * The `apigateway` (REST API) operations on RestApi, Resource, Deployment and Stage, on AWS's paths and
 * status codes; a resource's methods are routes-rest-methods.ts.
 */
export const restApiRoutes: RouteTable = [
  // RestApi
  route("ImportRestApi", "POST", "/restapis?mode=import", async (r, control) => {
    const { definition, warnings } = await importRestApiDocument(control, r.body.toString("utf8"), {
      failOnWarnings: r.query.get("failonwarnings") === "true",
    });
    return { status: 201, body: restApiWire(definition.api, warnings) };
  }),
  route("CreateRestApi", "POST", "/restapis", async (r, control) => {
    const def = newRestApiDefinition(jsonBody(r));
    await control.putRestApi(def);
    return { status: 201, body: restApiWire(def.api) };
  }),
  route("PutRestApi", "PUT", "/restapis/{apiId}", async (r, control) => {
    const mode = r.query.get("mode") ?? "merge";
    if (mode !== "overwrite" && mode !== "merge")
      throw badRequest(`Invalid mode ${mode}. Valid options are overwrite, merge`);
    const { definition, warnings } = await importRestApiDocument(control, r.body.toString("utf8"), {
      apiId: r.params.apiId,
      mustExist: true,
      merge: mode === "merge",
      failOnWarnings: r.query.get("failonwarnings") === "true",
    });
    return { status: 200, body: restApiWire(definition.api, warnings) };
  }),
  route("GetRestApis", "GET", "/restapis", async (r, control) => ({
    status: 200,
    body: page(
      r,
      (await control.listRestApis()).map((d) => restApiWire(d.api)),
    ),
  })),
  route("GetRestApi", "GET", "/restapis/{apiId}", async (r, control) => ({
    status: 200,
    body: restApiWire((await api(control, r)).api),
  })),
  route("UpdateRestApi", "PATCH", "/restapis/{apiId}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await control.mutateRestApi(p(r).apiId, (def) => {
      patches.patchRestApi(def, ops);
      return def.api;
    });
    return { status: 200, body: restApiWire(updated) };
  }),
  route("DeleteRestApi", "DELETE", "/restapis/{apiId}", async (r, control) => {
    await refuseMappedApi(control, p(r).apiId);
    await control.deleteRestApi(p(r).apiId);
    return { status: 202 };
  }),

  // Resource
  route("GetResources", "GET", "/restapis/{apiId}/resources", async (r, control) => {
    const def = await api(control, r);
    const embed = r.query.getAll("embed").includes("methods");
    const resources = Object.values(def.resources).sort((a, b) => a.path.localeCompare(b.path));
    return {
      status: 200,
      body: page(
        r,
        resources.map((res) => resourceWire(res, embed)),
      ),
    };
  }),
  route("GetResource", "GET", "/restapis/{apiId}/resources/{resourceId}", async (r, control) => {
    const res = findResource(await inResource(control, r), p(r).resourceId);
    return { status: 200, body: resourceWire(res, r.query.getAll("embed").includes("methods")) };
  }),
  route("CreateResource", "POST", "/restapis/{apiId}/resources/{resourceId}", async (r, control) => {
    const body = jsonBody(r);
    const created = await editResource(control, r, (def) =>
      createResource(def, p(r).resourceId, body.pathPart),
    );
    return { status: 201, body: resourceWire(created, false) };
  }),
  route("UpdateResource", "PATCH", "/restapis/{apiId}/resources/{resourceId}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await editResource(control, r, (def) => {
      const res = findResource(def, p(r).resourceId);
      patches.patchResource(def, res, ops);
      return res;
    });
    return { status: 200, body: resourceWire(updated, false) };
  }),
  route("DeleteResource", "DELETE", "/restapis/{apiId}/resources/{resourceId}", async (r, control) => {
    await editResource(control, r, (def) => deleteResource(def, p(r).resourceId));
    return { status: 202 };
  }),

  // Deployment
  route("CreateDeployment", "POST", "/restapis/{apiId}/deployments", async (r, control) => {
    const body = jsonBody(r);
    const deployment = await control.deployRestApi(p(r).apiId, {
      stageName: optionalString(body, "stageName"),
      description: optionalString(body, "description"),
      stageDescription: optionalString(body, "stageDescription"),
      variables: stringMap(body, "variables"),
      canarySettings: readCanaryInput(body.canarySettings),
      ...(typeof body.tracingEnabled === "boolean" ? { tracingEnabled: body.tracingEnabled } : {}),
    });
    return { status: 201, body: deploymentWire(deployment) };
  }),
  route("GetDeployments", "GET", "/restapis/{apiId}/deployments", async (r, control) => {
    await api(control, r);
    return { status: 200, body: page(r, (await control.listDeployments(p(r).apiId)).map(deploymentWire)) };
  }),
  route("GetDeployment", "GET", "/restapis/{apiId}/deployments/{deploymentId}", async (r, control) => {
    await api(control, r);
    const d = await control.getDeployment(p(r).apiId, r.params.deploymentId!);
    if (d === undefined) throw notFound("Invalid Deployment identifier specified");
    return { status: 200, body: deploymentWire(d) };
  }),
  route("DeleteDeployment", "DELETE", "/restapis/{apiId}/deployments/{deploymentId}", async (r, control) => {
    await control.deleteDeployment(p(r).apiId, r.params.deploymentId!);
    return { status: 202 };
  }),

  // Stage
  route("CreateStage", "POST", "/restapis/{apiId}/stages", async (r, control) => {
    const body = jsonBody(r);
    const stageName = optionalString(body, "stageName");
    const deploymentId = optionalString(body, "deploymentId");
    if (stageName === undefined || !/^[A-Za-z0-9_-]{1,128}$/.test(stageName)) {
      throw badRequest("Stage name only allows a-zA-Z0-9_ and -, and must be 128 characters or fewer");
    }
    if (deploymentId === undefined) throw badRequest("Invalid deployment identifier specified");
    const canary = readCanaryInput(body.canarySettings);
    const now = Date.now();
    const stage = await control.changeRestStage(p(r).apiId, stageName, (current) => {
      if (current !== undefined) throw new ControlError("ConflictException", "Stage already exists");
      const created: Stage = {
        restApiId: p(r).apiId,
        stageName,
        deploymentId,
        cacheClusterEnabled: body.cacheClusterEnabled === true,
        cacheClusterStatus: body.cacheClusterEnabled === true ? "AVAILABLE" : "NOT_AVAILABLE",
        tracingEnabled: body.tracingEnabled === true,
        methodSettings: {},
        createdDate: now,
        lastUpdatedDate: now,
      };
      const description = optionalString(body, "description");
      if (description !== undefined) created.description = description;
      const variables = stringMap(body, "variables");
      if (variables !== undefined) created.variables = variables;
      if (typeof body.tags === "object" && body.tags !== null)
        created.tags = body.tags as Record<string, string>;
      if (canary !== undefined) created.canarySettings = canarySettings(canary, deploymentId);
      return created;
    });
    return { status: 201, body: stageWire(stage!) };
  }),
  route("GetStages", "GET", "/restapis/{apiId}/stages", async (r, control) => {
    await api(control, r);
    return { status: 200, body: { item: (await control.listRestStages(p(r).apiId)).map(stageWire) } };
  }),
  route("GetStage", "GET", "/restapis/{apiId}/stages/{stageName}", async (r, control) => {
    await api(control, r);
    const stage = await control.getRestStage(p(r).apiId, r.params.stageName!);
    if (stage === undefined) throw notFound("Invalid stage identifier specified");
    return { status: 200, body: stageWire(stage) };
  }),
  route("UpdateStage", "PATCH", "/restapis/{apiId}/stages/{stageName}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const stage = await control.changeRestStage(p(r).apiId, r.params.stageName!, (current) => {
      if (current === undefined) throw notFound("Invalid stage identifier specified");
      patchStage(current, ops);
      current.lastUpdatedDate = Date.now();
      return current;
    });
    return { status: 200, body: stageWire(stage!) };
  }),
  route("DeleteStage", "DELETE", "/restapis/{apiId}/stages/{stageName}", async (r, control) => {
    await control.changeRestStage(p(r).apiId, r.params.stageName!, (current) => {
      if (current === undefined) throw notFound("Invalid stage identifier specified");
      return undefined;
    });
    return { status: 202 };
  }),
  route("FlushStageCache", "DELETE", `${STAGE}/cache/data`, async (r, control) => {
    await existingStage(control, r);
    await control.flushStageCache(p(r).apiId, r.params.stageName!);
    return { status: 202 };
  }),
  route("FlushStageAuthorizersCache", "DELETE", `${STAGE}/cache/authorizers`, async (r, control) => {
    await existingStage(control, r);
    await control.flushAuthorizerCache(p(r).apiId, r.params.stageName!);
    return { status: 202 };
  }),
];
