import type { ControlPlane } from "../control/control-plane.ts";
import { notFound } from "../control/errors.ts";
import { readPatchOperations } from "../control/patch-operations.ts";
import * as parts from "../control/rest-api-parts.ts";
import { GATEWAY_RESPONSE_TYPES } from "../model/gateway-response-types.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import type { AdminRequest, AdminRouter } from "./admin-router.ts";
import { jsonBody, page } from "./request-body.ts";

/** Models, RequestValidators, Authorizers and GatewayResponses of a REST API. */
export function addRestApiPartRoutes(router: AdminRouter, control: ControlPlane): void {
  const api = async (r: AdminRequest): Promise<RestApiDefinition> => {
    const def = await control.getRestApi(r.params.apiId!);
    if (def === undefined) throw notFound("Invalid API identifier specified");
    return def;
  };
  const edit = <T>(r: AdminRequest, change: (def: RestApiDefinition) => T) =>
    control.mutateRestApi(r.params.apiId!, change);

  // Models
  router.add("POST", "/restapis/{apiId}/models", async (r) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(r, (def) => parts.createModel(def, body)) };
  });
  router.add("GET", "/restapis/{apiId}/models", async (r) => ({
    status: 200,
    body: page(r, Object.values((await api(r)).models)),
  }));
  router.add("GET", "/restapis/{apiId}/models/{modelName}", async (r) => ({
    status: 200,
    body: parts.findModel(await api(r), r.params.modelName!),
  }));
  router.add("PATCH", "/restapis/{apiId}/models/{modelName}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const model = await edit(r, (def) => {
      const m = parts.findModel(def, r.params.modelName!);
      parts.patchModel(m, ops);
      return m;
    });
    return { status: 200, body: model };
  });
  router.add("DELETE", "/restapis/{apiId}/models/{modelName}", async (r) => {
    await edit(r, (def) => parts.deleteModel(def, r.params.modelName!));
    return { status: 202 };
  });

  // Request validators
  router.add("POST", "/restapis/{apiId}/requestvalidators", async (r) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(r, (def) => parts.createValidator(def, body)) };
  });
  router.add("GET", "/restapis/{apiId}/requestvalidators", async (r) => ({
    status: 200,
    body: page(r, Object.values((await api(r)).requestValidators ?? {})),
  }));
  router.add("GET", "/restapis/{apiId}/requestvalidators/{validatorId}", async (r) => ({
    status: 200,
    body: parts.findValidator(await api(r), r.params.validatorId!),
  }));
  router.add("PATCH", "/restapis/{apiId}/requestvalidators/{validatorId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const v = await edit(r, (def) => {
      const found = parts.findValidator(def, r.params.validatorId!);
      parts.patchValidator(found, ops);
      return found;
    });
    return { status: 200, body: v };
  });
  router.add("DELETE", "/restapis/{apiId}/requestvalidators/{validatorId}", async (r) => {
    await edit(r, (def) => parts.deleteValidator(def, r.params.validatorId!));
    return { status: 202 };
  });

  // Authorizers
  router.add("POST", "/restapis/{apiId}/authorizers", async (r) => {
    const body = jsonBody(r);
    return { status: 201, body: await edit(r, (def) => parts.createAuthorizer(def, body)) };
  });
  router.add("GET", "/restapis/{apiId}/authorizers", async (r) => ({
    status: 200,
    body: page(r, Object.values((await api(r)).authorizers ?? {})),
  }));
  router.add("GET", "/restapis/{apiId}/authorizers/{authorizerId}", async (r) => ({
    status: 200,
    body: parts.findAuthorizer(await api(r), r.params.authorizerId!),
  }));
  router.add("PATCH", "/restapis/{apiId}/authorizers/{authorizerId}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    const a = await edit(r, (def) => {
      const found = parts.findAuthorizer(def, r.params.authorizerId!);
      parts.patchAuthorizer(found, ops);
      return found;
    });
    return { status: 200, body: a };
  });
  router.add("DELETE", "/restapis/{apiId}/authorizers/{authorizerId}", async (r) => {
    await edit(r, (def) => parts.deleteAuthorizer(def, r.params.authorizerId!));
    return { status: 202 };
  });

  // Gateway responses
  router.add("GET", "/restapis/{apiId}/gatewayresponses", async (r) => {
    const def = await api(r);
    return {
      status: 200,
      body: page(
        r,
        Object.keys(GATEWAY_RESPONSE_TYPES).map((t) => parts.gatewayResponse(def, t)),
      ),
    };
  });
  router.add("GET", "/restapis/{apiId}/gatewayresponses/{responseType}", async (r) => ({
    status: 200,
    body: parts.gatewayResponse(await api(r), r.params.responseType!),
  }));
  router.add("PUT", "/restapis/{apiId}/gatewayresponses/{responseType}", async (r) => {
    const body = jsonBody(r);
    return {
      status: 201,
      body: await edit(r, (def) => parts.putGatewayResponse(def, r.params.responseType!, body)),
    };
  });
  router.add("PATCH", "/restapis/{apiId}/gatewayresponses/{responseType}", async (r) => {
    const ops = readPatchOperations(jsonBody(r));
    return {
      status: 200,
      body: await edit(r, (def) => parts.patchGatewayResponse(def, r.params.responseType!, ops)),
    };
  });
  router.add("DELETE", "/restapis/{apiId}/gatewayresponses/{responseType}", async (r) => {
    await edit(r, (def) => parts.deleteGatewayResponse(def, r.params.responseType!));
    return { status: 202 };
  });
}
