import { readPatchOperations } from "../control/patch-operations.ts";
import {
  checkIntegrationInput,
  deleteIntegration,
  putIntegration,
} from "../control/rest-entities/integrations.ts";
import { findIntegration, findMethod } from "../control/rest-entities/lookup.ts";
import { deleteMethod, putMethod } from "../control/rest-entities/methods.ts";
import {
  deleteIntegrationResponse,
  deleteMethodResponse,
  findIntegrationResponse,
  findMethodResponse,
  putIntegrationResponse,
  putMethodResponse,
} from "../control/rest-entities/responses.ts";
import * as patches from "../control/rest-patches.ts";
import { type RouteTable, route } from "./admin-router.ts";
import { jsonBody, optionalString, stringMap } from "./request-body.ts";
import { editResource, inResource, restParams as p } from "./rest-api-lookup.ts";
import { integrationWire, methodWire } from "./wire-shapes.ts";

/**
 * The `apigateway` operations on a resource's methods: Method, MethodResponse, Integration,
 * IntegrationResponse and TestInvokeMethod, on AWS's paths and status codes.
 */

const methodPath = "/restapis/{apiId}/resources/{resourceId}/methods/{httpMethod}";
const methodResponsePath = `${methodPath}/responses/{statusCode}`;
const integrationPath = `${methodPath}/integration`;
const integrationResponsePath = `${integrationPath}/responses/{statusCode}`;

export const restMethodRoutes: RouteTable = [
  route("PutMethod", "PUT", methodPath, async (r, control) => {
    const body = jsonBody(r);
    const method = await editResource(control, r, (def) =>
      putMethod(def, p(r).resourceId, p(r).httpMethod, body),
    );
    return { status: 201, body: methodWire(method, p(r).resourceId) };
  }),
  route("GetMethod", "GET", methodPath, async (r, control) => ({
    status: 200,
    body: methodWire(
      findMethod(await inResource(control, r), p(r).resourceId, p(r).httpMethod),
      p(r).resourceId,
    ),
  })),
  route("UpdateMethod", "PATCH", methodPath, async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const method = await editResource(control, r, (def) => {
      const m = findMethod(def, p(r).resourceId, p(r).httpMethod);
      patches.patchMethod(m, ops);
      return m;
    });
    return { status: 200, body: methodWire(method, p(r).resourceId) };
  }),
  route("DeleteMethod", "DELETE", methodPath, async (r, control) => {
    await editResource(control, r, (def) => deleteMethod(def, p(r).resourceId, p(r).httpMethod));
    return { status: 204 };
  }),

  route("TestInvokeMethod", "POST", methodPath, async (r, control) => {
    const body = jsonBody(r);
    const result = await control.testInvokeMethod(p(r).apiId, p(r).resourceId, p(r).httpMethod, {
      pathWithQueryString: optionalString(body, "pathWithQueryString"),
      body: optionalString(body, "body"),
      headers: stringMap(body, "headers"),
      multiValueHeaders: body.multiValueHeaders as Record<string, string[]> | undefined,
      stageVariables: stringMap(body, "stageVariables"),
    });
    return { status: 200, body: result };
  }),
  // MethodResponse
  route("PutMethodResponse", "PUT", methodResponsePath, async (r, control) => {
    const body = jsonBody(r);
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(control, r, (def) =>
      putMethodResponse(def, resourceId, httpMethod, statusCode, body),
    );
    return { status: 201, body: res };
  }),
  route("GetMethodResponse", "GET", methodResponsePath, async (r, control) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    return {
      status: 200,
      body: findMethodResponse(await inResource(control, r), resourceId, httpMethod, statusCode),
    };
  }),
  route("UpdateMethodResponse", "PATCH", methodResponsePath, async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(control, r, (def) => {
      const found = findMethodResponse(def, resourceId, httpMethod, statusCode);
      patches.patchMethodResponse(found, ops);
      return found;
    });
    return { status: 200, body: res };
  }),
  route("DeleteMethodResponse", "DELETE", methodResponsePath, async (r, control) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    await editResource(control, r, (def) => deleteMethodResponse(def, resourceId, httpMethod, statusCode));
    return { status: 204 };
  }),

  // Integration
  route("PutIntegration", "PUT", integrationPath, async (r, control) => {
    const body = jsonBody(r);
    checkIntegrationInput(body);
    const integration = await editResource(control, r, (def) =>
      putIntegration(def, p(r).resourceId, p(r).httpMethod, body),
    );
    return { status: 201, body: integrationWire(integration, p(r).resourceId) };
  }),
  route("GetIntegration", "GET", integrationPath, async (r, control) => ({
    status: 200,
    body: integrationWire(
      findIntegration(await inResource(control, r), p(r).resourceId, p(r).httpMethod),
      p(r).resourceId,
    ),
  })),
  route("UpdateIntegration", "PATCH", integrationPath, async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const integration = await editResource(control, r, (def) => {
      const i = findIntegration(def, p(r).resourceId, p(r).httpMethod);
      patches.patchIntegration(i, ops);
      return i;
    });
    return { status: 200, body: integrationWire(integration, p(r).resourceId) };
  }),
  route("DeleteIntegration", "DELETE", integrationPath, async (r, control) => {
    await editResource(control, r, (def) => deleteIntegration(def, p(r).resourceId, p(r).httpMethod));
    return { status: 204 };
  }),

  // IntegrationResponse
  route("PutIntegrationResponse", "PUT", integrationResponsePath, async (r, control) => {
    const body = jsonBody(r);
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(control, r, (def) =>
      putIntegrationResponse(def, resourceId, httpMethod, statusCode, body),
    );
    return { status: 201, body: res };
  }),
  route("GetIntegrationResponse", "GET", integrationResponsePath, async (r, control) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    return {
      status: 200,
      body: findIntegrationResponse(await inResource(control, r), resourceId, httpMethod, statusCode),
    };
  }),
  route("UpdateIntegrationResponse", "PATCH", integrationResponsePath, async (r, control) => {
    const ops = readPatchOperations(jsonBody(r));
    const { resourceId, httpMethod, statusCode } = p(r);
    const res = await editResource(control, r, (def) => {
      const found = findIntegrationResponse(def, resourceId, httpMethod, statusCode);
      patches.patchIntegrationResponse(found, ops);
      return found;
    });
    return { status: 200, body: res };
  }),
  route("DeleteIntegrationResponse", "DELETE", integrationResponsePath, async (r, control) => {
    const { resourceId, httpMethod, statusCode } = p(r);
    await editResource(control, r, (def) =>
      deleteIntegrationResponse(def, resourceId, httpMethod, statusCode),
    );
    return { status: 204 };
  }),
];
