import * as responses from "../control/api-responses.ts";
import { notFound } from "../control/errors.ts";
import { findRoute } from "../control/http-entities.ts";
import * as models from "../control/http-models.ts";
import { modelTemplate } from "../mapping/model-template.ts";
import { type AdminRequest, type RouteTable, route } from "./admin-router.ts";
import { httpApi as api, apiIdOf as apiId, items } from "./http-api-lookup.ts";
import { jsonBody } from "./request-body.ts";

/**
 * The `apigatewayv2` operations on a WebSocket API's parts: route responses (also kept for HTTP
 * APIs), integration responses, models, a route's request parameters and a stage's route settings.
 */

const rr = "/v2/apis/{apiId}/routes/{routeId}/routeresponses";
const ir = "/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses";
const routeId = (r: AdminRequest) => r.params.routeId!;
const integrationId = (r: AdminRequest) => r.params.integrationId!;

export const webSocketApiRoutes: RouteTable = [
  // Route responses
  route("CreateRouteResponse", "POST", rr, async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        responses.createRouteResponse(def, routeId(r), body),
      ),
    };
  }),
  route("GetRouteResponses", "GET", rr, async (r, control) => {
    const def = await api(control, r);
    findRoute(def, routeId(r));
    return { status: 200, body: items(Object.values(def.routeResponses?.[routeId(r)] ?? {})) };
  }),
  route("GetRouteResponse", "GET", `${rr}/{routeResponseId}`, async (r, control) => ({
    status: 200,
    body: responses.findRouteResponse(await api(control, r), routeId(r), r.params.routeResponseId!),
  })),
  route("UpdateRouteResponse", "PATCH", `${rr}/{routeResponseId}`, async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        responses.updateRouteResponse(def, routeId(r), r.params.routeResponseId!, body),
      ),
    };
  }),
  route("DeleteRouteResponse", "DELETE", `${rr}/{routeResponseId}`, async (r, control) => {
    await control.mutateHttpApi(apiId(r), (def) =>
      responses.deleteRouteResponse(def, routeId(r), r.params.routeResponseId!),
    );
    return { status: 204 };
  }),

  // A route's request parameters go one at a time (UpdateRoute adds them).
  route(
    "DeleteRouteRequestParameter",
    "DELETE",
    "/v2/apis/{apiId}/routes/{routeId}/requestparameters/{requestParameterKey}",
    async (r, control) => {
      const key = r.params.requestParameterKey!;
      await control.mutateHttpApi(apiId(r), (def) => {
        const found = findRoute(def, routeId(r));
        if (found.requestParameters?.[key] === undefined)
          throw notFound(`Invalid request parameter key specified ${key}`);
        delete found.requestParameters[key];
      });
      return { status: 204 };
    },
  ),

  // Integration responses
  route("CreateIntegrationResponse", "POST", ir, async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        responses.createIntegrationResponse(def, integrationId(r), body),
      ),
    };
  }),
  route("GetIntegrationResponses", "GET", ir, async (r, control) => ({
    status: 200,
    body: items(responses.listIntegrationResponses(await api(control, r), integrationId(r))),
  })),
  route("GetIntegrationResponse", "GET", `${ir}/{integrationResponseId}`, async (r, control) => ({
    status: 200,
    body: responses.findIntegrationResponse(
      await api(control, r),
      integrationId(r),
      r.params.integrationResponseId!,
    ),
  })),
  route("UpdateIntegrationResponse", "PATCH", `${ir}/{integrationResponseId}`, async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) =>
        responses.updateIntegrationResponse(def, integrationId(r), r.params.integrationResponseId!, body),
      ),
    };
  }),
  route("DeleteIntegrationResponse", "DELETE", `${ir}/{integrationResponseId}`, async (r, control) => {
    await control.mutateHttpApi(apiId(r), (def) =>
      responses.deleteIntegrationResponse(def, integrationId(r), r.params.integrationResponseId!),
    );
    return { status: 204 };
  }),

  // Models
  route("CreateModel", "POST", "/v2/apis/{apiId}/models", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await control.mutateHttpApi(apiId(r), (def) => models.createModel(def, body)),
    };
  }),
  route("GetModels", "GET", "/v2/apis/{apiId}/models", async (r, control) => ({
    status: 200,
    body: items(Object.values((await api(control, r)).models ?? {})),
  })),
  route("GetModel", "GET", "/v2/apis/{apiId}/models/{modelId}", async (r, control) => ({
    status: 200,
    body: models.findHttpModel(await api(control, r), r.params.modelId!),
  })),
  route("GetModelTemplate", "GET", "/v2/apis/{apiId}/models/{modelId}/template", async (r, control) => {
    const def = await api(control, r);
    const model = models.findHttpModel(def, r.params.modelId!);
    const byName = (name: string) => Object.values(def.models ?? {}).find((m) => m.name === name)?.schema;
    return { status: 200, body: { value: modelTemplate(model.schema, byName) } };
  }),
  route("UpdateModel", "PATCH", "/v2/apis/{apiId}/models/{modelId}", async (r, control) => {
    const body = jsonBody(r);
    return {
      status: 200,
      body: await control.mutateHttpApi(apiId(r), (def) => models.updateModel(def, r.params.modelId!, body)),
    };
  }),
  route("DeleteModel", "DELETE", "/v2/apis/{apiId}/models/{modelId}", async (r, control) => {
    await control.mutateHttpApi(apiId(r), (def) => models.deleteModel(def, r.params.modelId!));
    return { status: 204 };
  }),

  // A stage's settings for one route go back to the stage's defaults.
  route(
    "DeleteRouteSettings",
    "DELETE",
    "/v2/apis/{apiId}/stages/{stageName}/routesettings/{routeKey}",
    async (r, control) => {
      const { stageName, routeKey } = r.params as { stageName: string; routeKey: string };
      await control.changeHttpStage(apiId(r), stageName, (current) => {
        if (current === undefined) throw notFound(`Invalid stage identifier specified ${stageName}`);
        if (current.routeSettings?.[routeKey] === undefined)
          throw notFound(`Unable to find Route by key ${routeKey} within the provided RouteSettings`);
        delete current.routeSettings[routeKey];
        current.lastUpdatedDate = Date.now();
        return current;
      });
      return { status: 204 };
    },
  ),
];
