import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, notFound } from "../control/errors.ts";
import { importHttpApiDocument } from "../control/import-document.ts";
import { AdminRouter } from "./admin-router.ts";
import { jsonBody, optionalString, stringMap } from "./request-body.ts";
import { addRestApiRoutes } from "./routes-rest-api.ts";
import { httpApiWire, httpDeploymentWire, httpStageWire } from "./wire-shapes.ts";

/**
 * The admin API's operations so far: the `apigateway` and `apigatewayv2` calls that import, deploy
 * and read APIs (the full AWS surface grows here), plus Portico's own `/_portico/*` additions.
 */
export function createAdminRouter(control: ControlPlane): AdminRouter {
  const router = new AdminRouter();

  router.add("GET", "/health", async () => ({ status: 200, body: { status: "ok" } }));

  addRestApiRoutes(router, control);

  // ---- apigatewayv2 (HTTP APIs) ----
  router.add("PUT", "/v2/apis", async (r) => {
    const body = optionalString(jsonBody(r), "body");
    if (body === undefined) throw badRequest("The body of the API definition is required (body)");
    const { definition, warnings } = await importHttpApiDocument(control, body, {
      failOnWarnings: r.query.get("failOnWarnings") === "true",
    });
    return { status: 201, body: httpApiWire(definition.api, warnings) };
  });
  router.add("PUT", "/v2/apis/{apiId}", async (r) => {
    const body = optionalString(jsonBody(r), "body");
    if (body === undefined) throw badRequest("The body of the API definition is required (body)");
    const { definition, warnings } = await importHttpApiDocument(control, body, {
      apiId: r.params.apiId,
      mustExist: true,
    });
    return { status: 201, body: httpApiWire(definition.api, warnings) };
  });
  router.add("GET", "/v2/apis/{apiId}", async (r) => {
    const definition = await control.getHttpApi(r.params.apiId!);
    if (definition === undefined) throw notFound(`Invalid API identifier specified ${r.params.apiId}`);
    return { status: 200, body: httpApiWire(definition.api) };
  });
  router.add("POST", "/v2/apis/{apiId}/stages", async (r) => {
    const body = jsonBody(r);
    const stageName = optionalString(body, "stageName");
    if (stageName === undefined) throw badRequest("StageName is required");
    await control.deployHttpApi(r.params.apiId!, {
      stageName,
      autoDeploy: body.autoDeploy === true,
      variables: stringMap(body, "stageVariables"),
      description: optionalString(body, "description"),
    });
    const stage = await control.getHttpStage(r.params.apiId!, stageName);
    return { status: 201, body: httpStageWire(stage!) };
  });
  router.add("POST", "/v2/apis/{apiId}/deployments", async (r) => {
    const body = jsonBody(r);
    const stageName = optionalString(body, "stageName");
    if (stageName === undefined) throw badRequest("StageName is required");
    const deployment = await control.deployHttpApi(r.params.apiId!, { stageName });
    return { status: 201, body: httpDeploymentWire(deployment) };
  });

  // ---- Portico additions ----
  router.add("GET", "/_portico/routes", async () => ({
    status: 200,
    body: { routes: await control.listRoutes() },
  }));

  return router;
}
