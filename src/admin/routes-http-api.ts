import { readHttpAccessLogSettings } from "../control/access-log-settings.ts";
import { refuseMappedApi } from "../control/api-mappings.ts";
import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, ControlError, notFound } from "../control/errors.ts";
import * as parts from "../control/http-api-parts.ts";
import * as entities from "../control/http-entities.ts";
import { checkRouteSettings, routeSettingsOf } from "../control/http-stage-settings.ts";
import { importHttpApiDocument } from "../control/import-document.ts";
import type { HttpApi, HttpStage } from "../model/http-api.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { httpApi as api, apiIdOf as apiId, items } from "./http-api-lookup.ts";
import { jsonBody, optionalString, stringMap } from "./request-body.ts";
import { httpApiWire, httpDeploymentWire, httpStageWire } from "./wire-shapes.ts";

/** An API as answered: its ApiEndpoint is where this gateway serves it. */
const wireOf = (control: ControlPlane, a: HttpApi, warnings?: string[]) =>
  httpApiWire(a, control.urls.endpoint(a.apiId, a.protocolType), warnings);

/**
 * The `apigatewayv2` operations for HTTP and WebSocket APIs: Api (incl. quick create, import,
 * reimport), Route, Integration, Authorizer, Stage, Deployment (the WebSocket parts — route and
 * integration responses, models — are routes-websocket-api.ts). Lists answer `{"items": [...]}`;
 * deletes answer 204.
 */
export const httpApiRoutes: RouteTable = [
  // Api
  route("CreateApi", "POST", "/v2/apis", async (r, control) => {
    const def = entities.newHttpApiDefinition(jsonBody(r), control.region);
    await control.putHttpApi(def);
    if (Object.keys(def.routes).length > 0) {
      await control.changeHttpStage(def.api.apiId, "$default", () => ({
        apiId: def.api.apiId,
        stageName: "$default",
        autoDeploy: true,
        createdDate: Date.now(),
        lastUpdatedDate: Date.now(),
      }));
    }
    return { status: 201, body: wireOf(control, def.api) };
  }),
  route("ImportApi", "PUT", "/v2/apis", async (r, control) => {
    const body = optionalString(jsonBody(r), "body");
    if (body === undefined) throw badRequest("The body of the API definition is required (body)");
    const { definition, warnings } = await importHttpApiDocument(control, body, {
      failOnWarnings: r.query.get("failOnWarnings") === "true",
    });
    return { status: 201, body: wireOf(control, definition.api, warnings) };
  }),
  route("ReimportApi", "PUT", "/v2/apis/{apiId}", async (r, control) => {
    const body = optionalString(jsonBody(r), "body");
    if (body === undefined) throw badRequest("The body of the API definition is required (body)");
    const { definition, warnings } = await importHttpApiDocument(control, body, {
      apiId: apiId(r),
      mustExist: true,
    });
    return { status: 201, body: wireOf(control, definition.api, warnings) };
  }),
  route("GetApis", "GET", "/v2/apis", async (_r, control) => ({
    status: 200,
    body: items((await control.listHttpApis()).map((d) => wireOf(control, d.api))),
  })),
  route("GetApi", "GET", "/v2/apis/{apiId}", async (r, control) => ({
    status: 200,
    body: wireOf(control, (await api(control, r)).api),
  })),
  route("UpdateApi", "PATCH", "/v2/apis/{apiId}", async (r, control) => {
    const body = jsonBody(r);
    const updated = await control.mutateHttpApi(apiId(r), (def) => entities.updateApi(def, body));
    return { status: 200, body: wireOf(control, updated) };
  }),
  route("DeleteApi", "DELETE", "/v2/apis/{apiId}", async (r, control) => {
    await refuseMappedApi(control, apiId(r));
    await control.deleteHttpApi(apiId(r));
    return { status: 204 };
  }),

  // Route
  route("CreateRoute", "POST", "/v2/apis/{apiId}/routes", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) => entities.createRoute(def, body)),
    };
  }),
  route("GetRoutes", "GET", "/v2/apis/{apiId}/routes", async (r, control) => ({
    status: 200,
    body: items(Object.values((await api(control, r)).routes)),
  })),
  route("GetRoute", "GET", "/v2/apis/{apiId}/routes/{routeId}", async (r, control) => ({
    status: 200,
    body: entities.findRoute(await api(control, r), r.params.routeId!),
  })),
  route("UpdateRoute", "PATCH", "/v2/apis/{apiId}/routes/{routeId}", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        entities.updateRoute(def, r.params.routeId!, body),
      ),
    };
  }),
  route("DeleteRoute", "DELETE", "/v2/apis/{apiId}/routes/{routeId}", async (r, control) => {
    await control.mutateHttpApi(apiId(r), (def) => entities.deleteRoute(def, r.params.routeId!));
    return { status: 204 };
  }),

  // Integration
  route("CreateIntegration", "POST", "/v2/apis/{apiId}/integrations", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) => entities.createIntegration(def, body)),
    };
  }),
  route("GetIntegrations", "GET", "/v2/apis/{apiId}/integrations", async (r, control) => ({
    status: 200,
    body: items(Object.values((await api(control, r)).integrations)),
  })),
  route("GetIntegration", "GET", "/v2/apis/{apiId}/integrations/{integrationId}", async (r, control) => ({
    status: 200,
    body: entities.findIntegration(await api(control, r), r.params.integrationId!),
  })),
  route("UpdateIntegration", "PATCH", "/v2/apis/{apiId}/integrations/{integrationId}", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        entities.updateIntegration(def, r.params.integrationId!, body),
      ),
    };
  }),
  route(
    "DeleteIntegration",
    "DELETE",
    "/v2/apis/{apiId}/integrations/{integrationId}",
    async (r, control) => {
      await control.mutateHttpApi(apiId(r), (def) =>
        entities.deleteIntegration(def, r.params.integrationId!),
      );
      return { status: 204 };
    },
  ),

  // Authorizer
  route("CreateAuthorizer", "POST", "/v2/apis/{apiId}/authorizers", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) => parts.createAuthorizer(def, body)),
    };
  }),
  route("GetAuthorizers", "GET", "/v2/apis/{apiId}/authorizers", async (r, control) => ({
    status: 200,
    body: items(Object.values((await api(control, r)).authorizers ?? {})),
  })),
  route("GetAuthorizer", "GET", "/v2/apis/{apiId}/authorizers/{authorizerId}", async (r, control) => ({
    status: 200,
    body: parts.findAuthorizer(await api(control, r), r.params.authorizerId!),
  })),
  route("UpdateAuthorizer", "PATCH", "/v2/apis/{apiId}/authorizers/{authorizerId}", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        parts.updateAuthorizer(def, r.params.authorizerId!, body),
      ),
    };
  }),
  route("DeleteAuthorizer", "DELETE", "/v2/apis/{apiId}/authorizers/{authorizerId}", async (r, control) => {
    await control.mutateHttpApi(apiId(r), (def) => parts.deleteAuthorizer(def, r.params.authorizerId!));
    return { status: 204 };
  }),

  // Stage
  route("CreateStage", "POST", "/v2/apis/{apiId}/stages", async (r, control) => {
    const body = jsonBody(r);
    const stageName = optionalString(body, "stageName");
    if (stageName === undefined || (stageName !== "$default" && !/^[A-Za-z0-9_-]{1,128}$/.test(stageName))) {
      throw badRequest("Stage name only allows a-zA-Z0-9_ and -, or $default");
    }
    const now = Date.now();
    const stage = await control.changeHttpStage(apiId(r), stageName, (current, def) => {
      if (current !== undefined)
        throw new ControlError("ConflictException", `Stage ${stageName} already exists`);
      const created: HttpStage = {
        apiId: apiId(r),
        stageName,
        autoDeploy: body.autoDeploy === true,
        createdDate: now,
        lastUpdatedDate: now,
      };
      const deploymentId = optionalString(body, "deploymentId");
      if (deploymentId !== undefined) created.deploymentId = deploymentId;
      const variables = stringMap(body, "stageVariables");
      if (variables !== undefined) created.stageVariables = variables;
      const description = optionalString(body, "description");
      if (description !== undefined) created.description = description;
      if (body.defaultRouteSettings !== undefined && body.defaultRouteSettings !== null)
        created.defaultRouteSettings = routeSettingsOf(body.defaultRouteSettings, "defaultRouteSettings");
      if (body.routeSettings !== undefined && body.routeSettings !== null)
        created.routeSettings = checkRouteSettings(def, body.routeSettings);
      if (body.accessLogSettings !== undefined && body.accessLogSettings !== null)
        created.accessLogSettings = readHttpAccessLogSettings(body.accessLogSettings, def.api.protocolType);
      return created;
    });
    return { status: 201, body: httpStageWire(stage!, (await api(control, r)).api.protocolType) };
  }),
  route("GetStages", "GET", "/v2/apis/{apiId}/stages", async (r, control) => {
    const { protocolType } = (await api(control, r)).api;
    const stages = await control.listHttpStages(apiId(r));
    return { status: 200, body: items(stages.map((s) => httpStageWire(s, protocolType))) };
  }),
  route("GetStage", "GET", "/v2/apis/{apiId}/stages/{stageName}", async (r, control) => {
    const def = await api(control, r);
    const stage = await control.getHttpStage(apiId(r), r.params.stageName!);
    if (stage === undefined) throw notFound(`Invalid stage identifier specified ${r.params.stageName}`);
    return { status: 200, body: httpStageWire(stage, def.api.protocolType) };
  }),
  route("UpdateStage", "PATCH", "/v2/apis/{apiId}/stages/{stageName}", async (r, control) => {
    const body = jsonBody(r);
    const stage = await control.changeHttpStage(apiId(r), r.params.stageName!, (current, def) => {
      if (current === undefined) throw notFound(`Invalid stage identifier specified ${r.params.stageName}`);
      if (typeof body.autoDeploy === "boolean") current.autoDeploy = body.autoDeploy;
      const deploymentId = optionalString(body, "deploymentId");
      if (deploymentId !== undefined) current.deploymentId = deploymentId;
      const variables = stringMap(body, "stageVariables");
      if (variables !== undefined)
        current.stageVariables = { ...(current.stageVariables ?? {}), ...variables };
      const description = optionalString(body, "description");
      if (description !== undefined) current.description = description;
      if (body.defaultRouteSettings !== undefined && body.defaultRouteSettings !== null) {
        current.defaultRouteSettings = {
          ...(current.defaultRouteSettings ?? {}),
          ...routeSettingsOf(body.defaultRouteSettings, "defaultRouteSettings"),
        };
      }
      if (body.routeSettings !== undefined && body.routeSettings !== null) {
        const given = checkRouteSettings(def, body.routeSettings);
        const merged: Record<string, unknown> = { ...(current.routeSettings ?? {}) };
        for (const [key, settings] of Object.entries(given))
          merged[key] = { ...((merged[key] as object | undefined) ?? {}), ...settings };
        current.routeSettings = merged;
      }
      if (body.accessLogSettings !== undefined && body.accessLogSettings !== null)
        current.accessLogSettings = readHttpAccessLogSettings(body.accessLogSettings, def.api.protocolType);
      current.lastUpdatedDate = Date.now();
      return current;
    });
    return { status: 200, body: httpStageWire(stage!, (await api(control, r)).api.protocolType) };
  }),
  // ResetAuthorizersCache: the stage's Lambda authorizer results start afresh.
  route(
    "ResetAuthorizersCache",
    "DELETE",
    "/v2/apis/{apiId}/stages/{stageName}/cache/authorizers",
    async (r, control) => {
      if ((await control.getHttpStage(apiId(r), r.params.stageName!)) === undefined)
        throw notFound(`Invalid stage identifier specified ${r.params.stageName}`);
      await control.flushAuthorizerCache(apiId(r), r.params.stageName!);
      return { status: 204 };
    },
  ),
  // DeleteAccessLogSettings: the stage stops writing access logs.
  route(
    "DeleteAccessLogSettings",
    "DELETE",
    "/v2/apis/{apiId}/stages/{stageName}/accesslogsettings",
    async (r, control) => {
      await control.changeHttpStage(apiId(r), r.params.stageName!, (current) => {
        if (current === undefined) throw notFound(`Invalid stage identifier specified ${r.params.stageName}`);
        delete current.accessLogSettings;
        current.lastUpdatedDate = Date.now();
        return current;
      });
      return { status: 204 };
    },
  ),
  route("DeleteStage", "DELETE", "/v2/apis/{apiId}/stages/{stageName}", async (r, control) => {
    await control.changeHttpStage(apiId(r), r.params.stageName!, (current) => {
      if (current === undefined) throw notFound(`Invalid stage identifier specified ${r.params.stageName}`);
      return undefined;
    });
    return { status: 204 };
  }),

  // Deployment
  route("CreateDeployment", "POST", "/v2/apis/{apiId}/deployments", async (r, control) => {
    const body = jsonBody(r);
    const deployment = await control.createHttpDeployment(apiId(r), {
      stageName: optionalString(body, "stageName"),
      description: optionalString(body, "description"),
    });
    return { status: 201, body: httpDeploymentWire(deployment) };
  }),
  route("GetDeployments", "GET", "/v2/apis/{apiId}/deployments", async (r, control) => {
    await api(control, r);
    return {
      status: 200,
      body: items((await control.listHttpDeployments(apiId(r))).map(httpDeploymentWire)),
    };
  }),
  route("GetDeployment", "GET", "/v2/apis/{apiId}/deployments/{deploymentId}", async (r, control) => {
    await api(control, r);
    const d = await control.getHttpDeployment(apiId(r), r.params.deploymentId!);
    if (d === undefined) throw notFound(`Invalid deployment identifier specified ${r.params.deploymentId}`);
    return { status: 200, body: httpDeploymentWire(d) };
  }),
  route("UpdateDeployment", "PATCH", "/v2/apis/{apiId}/deployments/{deploymentId}", async (r, control) => {
    await api(control, r);
    const body = jsonBody(r);
    const d = await control.updateHttpDeployment(apiId(r), r.params.deploymentId!, body);
    return { status: 200, body: httpDeploymentWire(d) };
  }),
  route("DeleteDeployment", "DELETE", "/v2/apis/{apiId}/deployments/{deploymentId}", async (r, control) => {
    await control.deleteHttpDeployment(apiId(r), r.params.deploymentId!);
    return { status: 204 };
  }),
];
