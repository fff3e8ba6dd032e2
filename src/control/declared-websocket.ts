import { createHash } from "node:crypto";
import type { WebSocketApiConfig } from "../config/schema.ts";
import type { HttpApiDefinition } from "../model/http-api.ts";
import { createIntegrationResponse, createRouteResponse } from "./api-responses.ts";
import { badRequest, ControlError } from "./errors.ts";
import { checkDeployable, checkHttpStageName } from "./http-api-control.ts";
import { createAuthorizer } from "./http-api-parts.ts";
import { createIntegration, createRoute, newHttpApiDefinition } from "./http-entities.ts";
import { createModel } from "./http-models.ts";
import { checkStageVariables } from "./limits.ts";

/**
 * A WebSocket API declared in the config file, built into a definition by the same operations the
 * admin API runs for CreateApi, CreateModel, CreateAuthorizer, CreateIntegration, CreateRoute,
 * CreateRouteResponse and CreateIntegrationResponse, so a bad declaration gets their refusals. Nothing
 * is stored here: the caller stores the whole definition at once, or nothing.
 *
 * Ids are derived from the API id and each part's place in the declaration (its route key, its
 * name), not drawn at random: the same declaration builds the same definition, so a restart finds it
 * unchanged and makes no new deployment.
 */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** An AWS-shaped id (lower-case alphanumerics) derived from `seed`. */
export function stableId(seed: string, length: number): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = "";
  for (let i = 0; id.length < length; i++) id += ALPHABET[digest[i]! % ALPHABET.length];
  return id;
}

/** Runs one operation; its refusal names where in the declaration it happened (`routes.$connect`). */
function at<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ControlError) throw new ControlError(err.type, `${where}: ${err.message}`);
    throw err;
  }
}

/** Moves an entry created under a random id to its stable one, in the map that holds it. */
function settle<T>(
  map: Record<string, T>,
  from: string,
  seed: string,
  length: number,
  rename: (to: string) => void,
): string {
  let to = stableId(seed, length);
  for (let salt = 1; to !== from && map[to] !== undefined; salt++) to = stableId(`${seed}#${salt}`, length);
  const entry = map[from]!;
  delete map[from];
  rename(to);
  map[to] = entry;
  return to;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The definition `api` declares, with id `apiId`. `createdDate` is the stored API's when there is
 * one, so that only a change of the declaration changes the definition.
 */
export function buildDeclaredWebSocketApi(
  api: WebSocketApiConfig,
  apiId: string,
  region: string,
  createdDate: number = Date.now(),
): HttpApiDefinition {
  const def = newHttpApiDefinition(
    defined({
      name: api.name,
      protocolType: "WEBSOCKET",
      routeSelectionExpression: api.routeSelectionExpression,
      apiKeySelectionExpression: api.apiKeySelectionExpression,
      description: api.description,
      version: api.version,
      disableSchemaValidation: api.disableSchemaValidation,
      disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
      tags: api.tags,
    }),
    region,
  );
  def.api.apiId = apiId;
  def.api.apiEndpoint = `wss://${apiId}.execute-api.${region}.amazonaws.com`;
  def.api.createdDate = createdDate;
  at("stage", () => checkHttpStageName(api.stage));
  at("variables", () => checkStageVariables(api.variables));

  for (const [name, model] of Object.entries(api.models ?? {})) {
    const created = at(`models.${name}`, () =>
      createModel(
        def,
        defined({
          name,
          schema: typeof model.schema === "string" ? model.schema : JSON.stringify(model.schema),
          contentType: model.contentType,
          description: model.description,
        }),
      ),
    );
    settle(def.models!, created.modelId, `${apiId}/model/${name}`, 6, (id) => {
      created.modelId = id;
    });
  }

  const authorizerIds = new Map<string, string>();
  for (const [name, authorizer] of Object.entries(api.authorizers ?? {})) {
    const created = at(`authorizers.${name}`, () => createAuthorizer(def, defined({ name, ...authorizer })));
    const id = settle(def.authorizers!, created.authorizerId, `${apiId}/authorizer/${name}`, 7, (to) => {
      created.authorizerId = to;
    });
    authorizerIds.set(name, id);
  }

  for (const [routeKey, route] of Object.entries(api.routes ?? {})) {
    const where = `routes.${routeKey}`;
    const declared = route.integration;
    if (declared === undefined || declared === null)
      throw badRequest(`${where}: an integration is required (the backend that serves the route)`);
    const integration = at(`${where}.integration`, () => createIntegration(def, defined({ ...declared })));
    const integrationId = settle(
      def.integrations,
      integration.integrationId,
      `${apiId}/integration/${routeKey}`,
      7,
      (to) => {
        integration.integrationId = to;
      },
    );
    const created = at(where, () =>
      createRoute(
        def,
        defined({
          routeKey,
          target: `integrations/${integrationId}`,
          authorizationType: route.authorizationType,
          authorizerId:
            route.authorizerId === undefined
              ? undefined
              : (authorizerIds.get(route.authorizerId) ?? route.authorizerId),
          apiKeyRequired: route.apiKeyRequired,
          operationName: route.operationName,
          requestParameters: route.requestParameters,
          requestModels: route.requestModels,
          modelSelectionExpression: route.modelSelectionExpression,
          routeResponseSelectionExpression: route.routeResponseSelectionExpression,
        }),
      ),
    );
    const routeId = settle(def.routes, created.routeId, `${apiId}/route/${routeKey}`, 7, (to) => {
      created.routeId = to;
    });
    // A two-way route answers through its `$default` route response; declaring the expression is
    // enough, as the console's two-way switch creates both.
    const routeResponses =
      route.routeResponses ?? (route.routeResponseSelectionExpression === undefined ? {} : { $default: {} });
    for (const [key, response] of Object.entries(routeResponses)) {
      const made = at(`${where}.routeResponses.${key}`, () =>
        createRouteResponse(def, routeId, defined({ routeResponseKey: key, ...response })),
      );
      settle(
        def.routeResponses![routeId]!,
        made.routeResponseId,
        `${apiId}/routeresponse/${routeKey}/${key}`,
        7,
        (to) => {
          made.routeResponseId = to;
        },
      );
    }
    for (const [key, response] of Object.entries(route.integrationResponses ?? {})) {
      const made = at(`${where}.integrationResponses.${key}`, () =>
        createIntegrationResponse(def, integrationId, defined({ integrationResponseKey: key, ...response })),
      );
      settle(
        def.integrationResponses![integrationId]!,
        made.integrationResponseId,
        `${apiId}/integrationresponse/${routeKey}/${key}`,
        7,
        (to) => {
          made.integrationResponseId = to;
        },
      );
    }
  }
  at("routes", () => checkDeployable(def));
  return def;
}
