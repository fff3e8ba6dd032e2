import type { ControlPlane } from "../control/control-plane.ts";
import { badRequest, notFound } from "../control/errors.ts";
import { importHttpApiDocument, importRestApiDocument } from "../control/import-document.ts";
import { type AdminRequest, AdminRouter } from "./admin-router.ts";
import {
  deploymentWire,
  httpApiWire,
  httpDeploymentWire,
  httpStageWire,
  restApiWire,
  stageWire,
} from "./wire-shapes.ts";

function jsonBody(request: AdminRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.toString("utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw badRequest("Could not parse request body into json: malformed JSON");
  }
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`Invalid value for ${name}: expected a string`);
  return v;
}

function stringMap(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
    throw badRequest(`Invalid value for ${name}: expected a map of strings`);
  }
  return v as Record<string, string>;
}

/**
 * The admin API's operations so far: the `apigateway` and `apigatewayv2` calls that import, deploy
 * and read APIs (the full AWS surface grows here), plus Portico's own `/_portico/*` additions.
 */
export function createAdminRouter(control: ControlPlane): AdminRouter {
  const router = new AdminRouter();

  router.add("GET", "/health", async () => ({ status: 200, body: { status: "ok" } }));

  // ---- apigateway (REST APIs) ----
  router.add("POST", "/restapis", async (r) => {
    if (r.query.get("mode") !== "import")
      throw badRequest("Only ImportRestApi (mode=import) is supported yet");
    const { definition, warnings } = await importRestApiDocument(control, r.body.toString("utf8"), {
      failOnWarnings: r.query.get("failonwarnings") === "true",
    });
    return { status: 201, body: restApiWire(definition.api, warnings) };
  });
  router.add("PUT", "/restapis/{apiId}", async (r) => {
    const mode = r.query.get("mode") ?? "merge";
    if (mode !== "overwrite") throw badRequest("Only mode=overwrite is supported yet");
    const { definition, warnings } = await importRestApiDocument(control, r.body.toString("utf8"), {
      apiId: r.params.apiId,
      mustExist: true,
      failOnWarnings: r.query.get("failonwarnings") === "true",
    });
    return { status: 200, body: restApiWire(definition.api, warnings) };
  });
  router.add("GET", "/restapis", async () => ({
    status: 200,
    body: { item: (await control.listRestApis()).map((d) => restApiWire(d.api)) },
  }));
  router.add("GET", "/restapis/{apiId}", async (r) => {
    const definition = await control.getRestApi(r.params.apiId!);
    if (definition === undefined) throw notFound("Invalid API identifier specified");
    return { status: 200, body: restApiWire(definition.api) };
  });
  router.add("POST", "/restapis/{apiId}/deployments", async (r) => {
    const body = jsonBody(r);
    const stageName = optionalString(body, "stageName");
    if (stageName === undefined) throw badRequest("A stage name is required to deploy (stageName)");
    const deployment = await control.deployRestApi(r.params.apiId!, {
      stageName,
      description: optionalString(body, "description"),
      stageDescription: optionalString(body, "stageDescription"),
      variables: stringMap(body, "variables"),
    });
    return { status: 201, body: deploymentWire(deployment) };
  });
  router.add("GET", "/restapis/{apiId}/stages/{stageName}", async (r) => {
    const stage = await control.getRestStage(r.params.apiId!, r.params.stageName!);
    if (stage === undefined) throw notFound("Invalid stage identifier specified");
    return { status: 200, body: stageWire(stage) };
  });

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
