import type { ControlPlane } from "../control/control-plane.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import * as parts from "../control/rest-api-parts.ts";
import { checkTestInvokeAuthorizerInput } from "../control/test-invoke-authorizer.ts";
import { modelTemplate } from "../mapping/model-template.ts";
import { GATEWAY_RESPONSE_TYPES } from "../model/gateway-response-types.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { type AdminRequest, type RouteTable, route } from "./admin-router.ts";
import { jsonBody, page } from "./request-body.ts";
import { restApi as api } from "./rest-api-lookup.ts";

const edit = <T>(control: ControlPlane, r: AdminRequest, change: (def: RestApiDefinition) => T) =>
  control.mutateRestApi(r.params.apiId!, change);

/** Models, RequestValidators, Authorizers and GatewayResponses of a REST API. */
export const restApiPartRoutes: RouteTable = [
  // Models
  route("CreateModel", "POST", "/restapis/{apiId}/models", async (r, control) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(control, r, (def) => parts.createModel(def, body)) };
  }),
  route("GetModels", "GET", "/restapis/{apiId}/models", async (r, control) => ({
    status: 200,
    body: page(r, Object.values((await api(control, r)).models)),
  })),
  route("GetModel", "GET", "/restapis/{apiId}/models/{modelName}", async (r, control) => ({
    status: 200,
    body: parts.findModel(await api(control, r), r.params.modelName!),
  })),
  // GetModelTemplate: a sample mapping template in the model's shape.
  route(
    "GetModelTemplate",
    "GET",
    "/restapis/{apiId}/models/{modelName}/default_template",
    async (r, control) => {
      const def = await api(control, r);
      const model = parts.findModel(def, r.params.modelName!);
      const byName = (name: string) => Object.values(def.models).find((m) => m.name === name)?.schema;
      return { status: 200, body: { value: modelTemplate(model.schema ?? "{}", byName) } };
    },
  ),
  route("UpdateModel", "PATCH", "/restapis/{apiId}/models/{modelName}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const model = await edit(control, r, (def) => {
      const m = parts.findModel(def, r.params.modelName!);
      parts.patchModel(m, ops);
      return m;
    });
    return { status: 200, body: model };
  }),
  route("DeleteModel", "DELETE", "/restapis/{apiId}/models/{modelName}", async (r, control) => {
    await edit(control, r, (def) => parts.deleteModel(def, r.params.modelName!));
    return { status: 202 };
  }),

  // Request validators
  route("CreateRequestValidator", "POST", "/restapis/{apiId}/requestvalidators", async (r, control) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(control, r, (def) => parts.createValidator(def, body)) };
  }),
  route("GetRequestValidators", "GET", "/restapis/{apiId}/requestvalidators", async (r, control) => ({
    status: 200,
    body: page(r, Object.values((await api(control, r)).requestValidators ?? {})),
  })),
  route(
    "GetRequestValidator",
    "GET",
    "/restapis/{apiId}/requestvalidators/{validatorId}",
    async (r, control) => ({
      status: 200,
      body: parts.findValidator(await api(control, r), r.params.validatorId!),
    }),
  ),
  route(
    "UpdateRequestValidator",
    "PATCH",
    "/restapis/{apiId}/requestvalidators/{validatorId}",
    async (r, control) => {
      const ops = readPatchOperations(jsonBody(r));
      const v = await edit(control, r, (def) => {
        const found = parts.findValidator(def, r.params.validatorId!);
        parts.patchValidator(found, ops);
        return found;
      });
      return { status: 200, body: v };
    },
  ),
  route(
    "DeleteRequestValidator",
    "DELETE",
    "/restapis/{apiId}/requestvalidators/{validatorId}",
    async (r, control) => {
      await edit(control, r, (def) => parts.deleteValidator(def, r.params.validatorId!));
      return { status: 202 };
    },
  ),

  // Authorizers
  route("CreateAuthorizer", "POST", "/restapis/{apiId}/authorizers", async (r, control) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(control, r, (def) => parts.createAuthorizer(def, body)) };
  }),
  route("GetAuthorizers", "GET", "/restapis/{apiId}/authorizers", async (r, control) => ({
    status: 200,
    body: page(r, Object.values((await api(control, r)).authorizers ?? {})),
  })),
  route("GetAuthorizer", "GET", "/restapis/{apiId}/authorizers/{authorizerId}", async (r, control) => ({
    status: 200,
    body: parts.findAuthorizer(await api(control, r), r.params.authorizerId!),
  })),
  route(
    "TestInvokeAuthorizer",
    "POST",
    "/restapis/{apiId}/authorizers/{authorizerId}",
    async (r, control) => {
      const input = checkTestInvokeAuthorizerInput(jsonBody(r));
      return {
        status: 200,
        body: await control.testInvokeAuthorizer(r.params.apiId!, r.params.authorizerId!, input),
      };
    },
  ),
  route("UpdateAuthorizer", "PATCH", "/restapis/{apiId}/authorizers/{authorizerId}", async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const a = await edit(control, r, (def) => {
      const found = parts.findAuthorizer(def, r.params.authorizerId!);
      parts.patchAuthorizer(found, ops);
      return found;
    });
    return { status: 200, body: a };
  }),
  route("DeleteAuthorizer", "DELETE", "/restapis/{apiId}/authorizers/{authorizerId}", async (r, control) => {
    await edit(control, r, (def) => parts.deleteAuthorizer(def, r.params.authorizerId!));
    return { status: 202 };
  }),

  // Gateway responses
  route("GetGatewayResponses", "GET", "/restapis/{apiId}/gatewayresponses", async (r, control) => {
    const def = await api(control, r);
    return {
      status: 200,
      body: page(
        r,
        Object.keys(GATEWAY_RESPONSE_TYPES).map((t) => parts.gatewayResponse(def, t)),
      ),
    };
  }),
  route(
    "GetGatewayResponse",
    "GET",
    "/restapis/{apiId}/gatewayresponses/{responseType}",
    async (r, control) => ({
      status: 200,
      body: parts.gatewayResponse(await api(control, r), r.params.responseType!),
    }),
  ),
  route(
    "PutGatewayResponse",
    "PUT",
    "/restapis/{apiId}/gatewayresponses/{responseType}",
    async (r, control) => {
      const body = jsonBody(r);
      return {
        status: 201,
        body: await edit(control, r, (def) => parts.putGatewayResponse(def, r.params.responseType!, body)),
      };
    },
  ),
  route(
    "UpdateGatewayResponse",
    "PATCH",
    "/restapis/{apiId}/gatewayresponses/{responseType}",
    async (r, control) => {
      const ops = readPatchOperations(jsonBody(r));
      return {
        status: 200,
        body: await edit(control, r, (def) => parts.patchGatewayResponse(def, r.params.responseType!, ops)),
      };
    },
  ),
  route(
    "DeleteGatewayResponse",
    "DELETE",
    "/restapis/{apiId}/gatewayresponses/{responseType}",
    async (r, control) => {
      await edit(control, r, (def) => parts.deleteGatewayResponse(def, r.params.responseType!));
      return { status: 202 };
    },
  ),
];
