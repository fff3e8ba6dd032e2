import { stringify as toYaml } from "yaml";
import { badRequest, notFound } from "../control/errors.ts";
import { exportHttpApi } from "../openapi/export-http.ts";
import { type ExportExtension, exportRestApi } from "../openapi/export-rest.ts";
import { type AdminResponse, type RouteTable, route } from "./admin-router.ts";

function document(doc: Record<string, unknown>, yaml: boolean, filename: string): AdminResponse {
  return {
    status: 200,
    raw: yaml
      ? { contentType: "application/yaml", data: toYaml(doc) }
      : { contentType: "application/json", data: JSON.stringify(doc, null, 2) },
    headers: { "Content-Disposition": `attachment; filename="${filename}"` },
  };
}

/**
 * GetExport: a REST API stage's deployment, `oas30` or `swagger`, `extensions=integrations|authorizers|
 * apigateway`, JSON or YAML by Accept.
 */
export const restExportRoutes: RouteTable = [
  route(
    "GetExport",
    "GET",
    "/restapis/{apiId}/stages/{stageName}/exports/{exportType}",
    async (r, control) => {
      const { apiId, stageName, exportType } = r.params as Record<string, string>;
      if (exportType !== "oas30" && exportType !== "swagger") {
        throw badRequest(`No API exporter for type '${exportType}'`);
      }
      const stage = await control.getRestStage(apiId!, stageName!);
      if (stage === undefined) {
        if ((await control.getRestApi(apiId!)) === undefined)
          throw notFound("Invalid API identifier specified");
        throw notFound("Invalid stage identifier specified");
      }
      const deployment = await control.getDeployment(apiId!, stage.deploymentId);
      if (deployment === undefined) throw notFound("Invalid deployment identifier specified");
      const extensions = new Set(
        (r.query.get("extensions") ?? "")
          .split(",")
          .map((e) => e.trim())
          .filter(
            (e): e is ExportExtension => e === "integrations" || e === "authorizers" || e === "apigateway",
          ),
      );
      const doc = exportRestApi(deployment.snapshot, {
        format: exportType,
        extensions,
        stageName: stageName!,
        region: control.region,
      });
      const yaml = (r.req.headers.accept ?? "").includes("yaml");
      return document(doc, yaml, `${apiId}-${stageName}-${exportType}.${yaml ? "yaml" : "json"}`);
    },
  ),
];

/** ExportApi: an HTTP API, `OAS30`, outputType JSON or YAML. */
export const httpExportRoutes: RouteTable = [
  route("ExportApi", "GET", "/v2/apis/{apiId}/exports/{specification}", async (r, control) => {
    const { apiId, specification } = r.params as Record<string, string>;
    if (specification !== "OAS30")
      throw badRequest(`Unsupported specification ${specification}. Valid value is OAS30`);
    const outputType = r.query.get("outputType") ?? "YAML";
    if (outputType !== "JSON" && outputType !== "YAML")
      throw badRequest("Invalid outputType. Valid values are JSON and YAML");
    const stageName = r.query.get("stageName") ?? undefined;
    let definition = await control.getHttpApi(apiId!);
    if (definition === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
    if (definition.api.protocolType === "WEBSOCKET")
      throw badRequest("Exporting is supported only for HTTP APIs");
    if (stageName !== undefined) {
      const stage = await control.getHttpStage(apiId!, stageName);
      if (stage?.deploymentId === undefined)
        throw notFound(`Invalid stage identifier specified ${stageName}`);
      definition = (await control.getHttpDeployment(apiId!, stage.deploymentId))?.snapshot ?? definition;
    }
    const doc = exportHttpApi(definition, {
      includeExtensions: r.query.get("includeExtensions") !== "false",
      stageName,
    });
    return document(doc, outputType === "YAML", `${apiId}.${outputType.toLowerCase()}`);
  }),
];
