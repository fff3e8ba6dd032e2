import { canarySettings, readCanaryInput } from "../control/canary.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import { importRestApiDocument } from "../control/import-document.ts";
import { newRestApiDefinition } from "../control/new-rest-api.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import {
  checkIntegrationInput,
  deleteIntegration,
  putIntegration,
} from "../control/rest-entities/integrations.ts";
import { findIntegration, findMethod, findResource } from "../control/rest-entities/lookup.ts";
import { deleteMethod, putMethod } from "../control/rest-entities/methods.ts";
import { createResource, deleteResource } from "../control/rest-entities/resources.ts";
import {
  checkStatus,
  deleteIntegrationResponse,
  deleteMethodResponse,
  findIntegrationResponse,
  findMethodResponse,
  putIntegrationResponse,
  putMethodResponse,
} from "../control/rest-entities/responses.ts";
import * as patches from "../control/rest-patches.ts";
import { patchStage } from "../control/stage-patch.ts";
import type { RestApiDefinition, Stage } from "../model/rest-api.ts";
import type { AdminRequest, AdminRouter } from "./admin-router.ts";
import { jsonBody, optionalString, page, stringMap } from "./request-body.ts";
import {
  deploymentWire,
  integrationWire,
  methodWire,
  resourceWire,
  restApiWire,
  stageWire,
} from "./wire-shapes.ts";

/**
 * The `apigateway` (REST API) operations: RestApi, Resource, Method, Integration, MethodResponse,
 * IntegrationResponse, Deployment and Stage, on AWS's paths and status codes.
 */
export function addRestApiRoutes(router: AdminRouter, control: ControlPlane): void {
  const api = async (r: AdminRequest): Promise<RestApiDefinition> => {
    const def = await control.getRestApi(r.params.apiId!);
    if (def === undefined) throw notFound("Invalid API identifier specified");
    return def;
  };
  // Operations on a resource and what hangs off it answer a missing API as a missing resource, as
  // AWS does.
  const NO_RESOURCE = "Invalid Resource identifier specified";
  // AWS's request validation (the model's patterns) runs before any lookup.
  const validate = (r: AdminRequest) => {
    if (r.params.statusCode !== undefined) checkStatus(r.params.statusCode);
  };
  const inResource = async (r: AdminRequest): Promise<RestApiDefinition> => {
    validate(r);
    const def = await control.getRestApi(r.params.apiId!);
    if (def === undefined) throw notFound(NO_RESOURCE);
    return def;
  };
  const editResource = <T>(r: AdminRequest, change: (def: RestApiDefinition) => T): Promise<T> => {
    validate(r);
    return control.mutateRestApi(r.params.apiId!, change, NO_RESOURCE);
  };
  const p = (r: AdminRequest) => ({
    apiId: r.params.apiId!,
    resourceId: r.params.resourceId!,
    httpMethod: r.params.httpMethod!,
    statusCode: r.params.statusCode!,
  });

  // RestApi
  router.add("POST", "/restapis", async (r) => {
    if (r.query.get("mode") === "import") {
      const { definition, warnings } = await importRestApiDocument(control, r.body.toString("utf8"), {
        failOnWarnings: r.query.get("failonwarnings") === "true",
      });
      return { status: 201, body: restApiWire(definition.api, warnings) };
    }
    const def = newRestApiDefinition(jsonBody(r));
    await control.putRestApi(def);
    return { status: 201, body: restApiWire(def.api) };
  });
  router.add("PUT", "/restapis/{apiId}", async (r) => {
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
  });
  router.add("GET", "/restapis", async (r) => ({
    status: 200,
    body: page(
      r,
      (await control.listRestApis()).map((d) => restApiWire(d.api)),
    ),
  }));
  router.add("GET", "/restapis/{apiId}", async (r) => ({
    status: 200,
    body: restApiWire((await api(r)).api),
  }));
  router.add("PATCH", "/restapis/{apiId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await control.mutateRestApi(p(r).apiId, (def) => {
      patches.patchRestApi(def, ops);
      return def.api;
    });
    return { status: 200, body: restApiWire(updated) };
  });
  router.add("DELETE", "/restapis/{apiId}", async (r) => {
    await control.deleteRestApi(p(r).apiId);
    return { status: 202 };
  });

  // Resource
  router.add("GET", "/restapis/{apiId}/resources", async (r) => {
    const def = await api(r);
    const embed = r.query.getAll("embed").includes("methods");
    const resources = Object.values(def.resources).sort((a, b) => a.path.localeCompare(b.path));
    return {
      status: 200,
      body: page(
        r,
        resources.map((res) => resourceWire(res, embed)),
      ),
    };
  });
  router.add("GET", "/restapis/{apiId}/resources/{resourceId}", async (r) => {
    const res = findResource(await inResource(r), p(r).resourceId);
    return { status: 200, body: resourceWire(res, r.query.getAll("embed").includes("methods")) };
  });
  router.add("POST", "/restapis/{apiId}/resources/{resourceId}", async (r) => {
    const body = jsonBody(r);
    const created = await editResource(r, (def) => createResource(def, p(r).resourceId, body.pathPart));
    return { status: 201, body: resourceWire(created, false) };
  });
  router.add("PATCH", "/restapis/{apiId}/resources/{resourceId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const updated = await editResource(r, (def) => {
      const res = findResource(def, p(r).resourceId);
      patches.patchResource(def, res, ops);
      return res;
    });
    return { status: 200, body: resourceWire(updated, false) };
  });
  router.add("DELETE", "/restapis/{apiId}/resources/{resourceId}", async (r) => {
    await editResource(r, (def) => deleteResource(def, p(r).resourceId));
    return { status: 202 };
  });

  // Method
  const methodPath = "/restapis/{apiId}/resources/{resourceId}/methods/{httpMethod}";
  router.add("PUT", methodPath, async (r) => {
    const body = jsonBody(r);
    const method = await editResource(r, (def) => putMethod(def, p(r).resourceId, p(r).httpMethod, body));
    return { status: 201, body: methodWire(method, p(r).resourceId) };
  });
  router.add("GET", methodPath, async (r) => ({
    status: 200,
    body: methodWire(findMethod(await inResource(r), p(r).resourceId, p(r).httpMethod), p(r).resourceId),
  }));
  router.add("PATCH", methodPath, async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const method = await editResource(r, (def) => {
      const m = findMethod(def, p(r).resourceId, p(r).httpMethod);
      patches.patchMethod(m, ops);
      return m;
    });
    return { status: 200, body: methodWire(method, p(r).resourceId) };
  });
  router.add("DELETE", methodPath, async (r) => {
    await editResource(r, (def) => deleteMethod(def, p(r).resourceId, p(r).httpMethod));
    return { status: 204 };
  });

  router.add("POST", methodPath, async (r) => {
    const body = jsonBody(r);
    const result = await control.testInvokeMethod(p(r).apiId, p(r).resourceId, p(r).httpMethod, {
      pathWithQueryString: optionalString(body, "pathWithQueryString"),
      body: optionalString(body, "body"),
      headers: stringMap(body, "headers"),
      multiValueHeaders: body.multiValueHeaders as Record<string, string[]> | undefined,
      stageVariables: stringMap(body, "stageVariables"),
    });
    return { status: 200, body: result };
  });
  // FlushStageCache, FlushStageAuthorizersCache.
  router.add("DELETE", "/restapis/{apiId}/stages/{stageName}/cache/data", async (r) => {
    await api(r);
    if ((await control.getRestStage(p(r).apiId, r.params.stageName!)) === undefined) {
      throw notFound("Invalid stage identifier specified");
    }
    await control.flushStageCache(p(r).apiId, r.params.stageName!);
    return { status: 202 };
  });
  router.add("DELETE", "/restapis/{apiId}/stages/{stageName}/cache/authorizers", async (r) => {
    await api(r);
    if ((await control.getRestStage(p(r).apiId, r.params.stageName!)) === undefined) {
      throw notFound("Invalid stage identifier specified");
    }
    await control.flushAuthorizerCache(p(r).apiId, r.params.stageName!);
    return { status: 202 };
  });

  // MethodResponse
  const methodResponsePath = `${methodPath}/responses/{statusCode}`;
  router.add("PUT", methodResponsePath, async (r) => {
    const body = jsonBody(r);
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(r, (def) =>
      putMethodResponse(def, resourceId, httpMethod, statusCode, body),
    );
    return { status: 201, body: res };
  });
  router.add("GET", methodResponsePath, async (r) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    return {
      status: 200,
      body: findMethodResponse(await inResource(r), resourceId, httpMethod, statusCode),
    };
  });
  router.add("PATCH", methodResponsePath, async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(r, (def) => {
      const found = findMethodResponse(def, resourceId, httpMethod, statusCode);
      patches.patchMethodResponse(found, ops);
      return found;
    });
    return { status: 200, body: res };
  });
  router.add("DELETE", methodResponsePath, async (r) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    await editResource(r, (def) => deleteMethodResponse(def, resourceId, httpMethod, statusCode));
    return { status: 204 };
  });

  // Integration
  const integrationPath = `${methodPath}/integration`;
  router.add("PUT", integrationPath, async (r) => {
    const body = jsonBody(r);
    checkIntegrationInput(body);
    const integration = await editResource(r, (def) =>
      putIntegration(def, p(r).resourceId, p(r).httpMethod, body),
    );
    return { status: 201, body: integrationWire(integration, p(r).resourceId) };
  });
  router.add("GET", integrationPath, async (r) => ({
    status: 200,
    body: integrationWire(
      findIntegration(await inResource(r), p(r).resourceId, p(r).httpMethod),
      p(r).resourceId,
    ),
  }));
  router.add("PATCH", integrationPath, async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const integration = await editResource(r, (def) => {
      const i = findIntegration(def, p(r).resourceId, p(r).httpMethod);
      patches.patchIntegration(i, ops);
      return i;
    });
    return { status: 200, body: integrationWire(integration, p(r).resourceId) };
  });
  router.add("DELETE", integrationPath, async (r) => {
    await editResource(r, (def) => deleteIntegration(def, p(r).resourceId, p(r).httpMethod));
    return { status: 204 };
  });

  // IntegrationResponse
  const integrationResponsePath = `${integrationPath}/responses/{statusCode}`;
  router.add("PUT", integrationResponsePath, async (r) => {
    const body = jsonBody(r);
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(r, (def) =>
      putIntegrationResponse(def, resourceId, httpMethod, statusCode, body),
    );
    return { status: 201, body: res };
  });
  router.add("GET", integrationResponsePath, async (r) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    return {
      status: 200,
      body: findIntegrationResponse(await inResource(r), resourceId, httpMethod, statusCode),
    };
  });
  router.add("PATCH", integrationResponsePath, async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(r, (def) => {
      const found = findIntegrationResponse(def, resourceId, httpMethod, statusCode);
      patches.patchIntegrationResponse(found, ops);
      return found;
    });
    return { status: 200, body: res };
  });
  router.add("DELETE", integrationResponsePath, async (r) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    await editResource(r, (def) => deleteIntegrationResponse(def, resourceId, httpMethod, statusCode));
    return { status: 204 };
  });

  // Deployment
  router.add("POST", "/restapis/{apiId}/deployments", async (r) => {
    const body = jsonBody(r);
    const deployment = await control.deployRestApi(p(r).apiId, {
      stageName: optionalString(body, "stageName"),
      description: optionalString(body, "description"),
      stageDescription: optionalString(body, "stageDescription"),
      variables: stringMap(body, "variables"),
      canarySettings: readCanaryInput(body.canarySettings),
    });
    return { status: 201, body: deploymentWire(deployment) };
  });
  router.add("GET", "/restapis/{apiId}/deployments", async (r) => {
    await api(r);
    return { status: 200, body: page(r, (await control.listDeployments(p(r).apiId)).map(deploymentWire)) };
  });
  router.add("GET", "/restapis/{apiId}/deployments/{deploymentId}", async (r) => {
    await api(r);
    const d = await control.getDeployment(p(r).apiId, r.params.deploymentId!);
    if (d === undefined) throw notFound("Invalid Deployment identifier specified");
    return { status: 200, body: deploymentWire(d) };
  });
  router.add("DELETE", "/restapis/{apiId}/deployments/{deploymentId}", async (r) => {
    await control.deleteDeployment(p(r).apiId, r.params.deploymentId!);
    return { status: 202 };
  });

  // Stage
  router.add("POST", "/restapis/{apiId}/stages", async (r) => {
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
  });
  router.add("GET", "/restapis/{apiId}/stages", async (r) => {
    await api(r);
    return { status: 200, body: { item: (await control.listRestStages(p(r).apiId)).map(stageWire) } };
  });
  router.add("GET", "/restapis/{apiId}/stages/{stageName}", async (r) => {
    await api(r);
    const stage = await control.getRestStage(p(r).apiId, r.params.stageName!);
    if (stage === undefined) throw notFound("Invalid stage identifier specified");
    return { status: 200, body: stageWire(stage) };
  });
  router.add("PATCH", "/restapis/{apiId}/stages/{stageName}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const stage = await control.changeRestStage(p(r).apiId, r.params.stageName!, (current) => {
      if (current === undefined) throw notFound("Invalid stage identifier specified");
      patchStage(current, ops);
      current.lastUpdatedDate = Date.now();
      return current;
    });
    return { status: 200, body: stageWire(stage!) };
  });
  router.add("DELETE", "/restapis/{apiId}/stages/{stageName}", async (r) => {
    await control.changeRestStage(p(r).apiId, r.params.stageName!, (current) => {
      if (current === undefined) throw notFound("Invalid stage identifier specified");
      return undefined;
    });
    return { status: 202 };
  });
}
