import type { HttpApiDefinition } from "../model/http-api.ts";
import { exportHttpSecurity } from "./export-http-security.ts";

/**
 * ExportApi for HTTP APIs (OAS 3.0, `x-amazon-apigateway-importexport-version: 1.0`): routes as paths,
 * `$default` as `/$default` with `x-amazon-apigateway-any-method`, integrations inline, authorizers as
 * security schemes and each route's `security`.
 */
export function exportHttpApi(
  def: HttpApiDefinition,
  options: { includeExtensions: boolean; stageName?: string },
): Record<string, unknown> {
  const { api } = def;
  const info: Record<string, unknown> = {
    title: api.name,
    version: api.version ?? new Date(api.createdDate).toISOString(),
  };
  if (api.description !== undefined) info.description = api.description;
  const doc: Record<string, unknown> = { openapi: "3.0.1", info };
  const stagePath = options.stageName && options.stageName !== "$default" ? `/${options.stageName}` : "";
  doc.servers = [{ url: `${api.apiEndpoint}${stagePath}` }];
  const paths: Record<string, Record<string, unknown>> = {};
  const security = exportHttpSecurity(def, options.includeExtensions);
  for (const route of Object.values(def.routes).sort((a, b) => a.routeKey.localeCompare(b.routeKey))) {
    const isDefault = route.routeKey === "$default";
    const space = route.routeKey.indexOf(" ");
    const method = isDefault ? "ANY" : route.routeKey.slice(0, space);
    const path = isDefault ? "/$default" : route.routeKey.slice(space + 1);
    const op: Record<string, unknown> = {
      responses: { default: { description: `Default response for ${route.routeKey}` } },
    };
    if (route.operationName) op.operationId = route.operationName;
    const requirement = security.securityOf(route);
    if (requirement) op.security = requirement;
    const integrationId = route.target?.startsWith("integrations/")
      ? route.target.slice("integrations/".length)
      : undefined;
    const integration = integrationId === undefined ? undefined : def.integrations[integrationId];
    if (options.includeExtensions && integration) {
      const x: Record<string, unknown> = {
        payloadFormatVersion: integration.payloadFormatVersion,
        type: integration.integrationType.toLowerCase(),
      };
      if (integration.integrationSubtype) x.integrationSubtype = integration.integrationSubtype;
      if (integration.integrationMethod) x.httpMethod = integration.integrationMethod;
      if (integration.integrationUri) x.uri = integration.integrationUri;
      if (integration.connectionType) x.connectionType = integration.connectionType;
      x.timeoutInMillis = integration.timeoutInMillis;
      if (integration.requestParameters) x.requestParameters = integration.requestParameters;
      if (integration.responseParameters) x.responseParameters = integration.responseParameters;
      op["x-amazon-apigateway-integration"] = x;
    }
    paths[path] ??= {};
    paths[path]![method === "ANY" ? "x-amazon-apigateway-any-method" : method.toLowerCase()] = op;
  }
  doc.paths = paths;
  if (Object.keys(security.schemes).length > 0) doc.components = { securitySchemes: security.schemes };
  if (options.includeExtensions) {
    if (api.corsConfiguration) doc["x-amazon-apigateway-cors"] = api.corsConfiguration;
    doc["x-amazon-apigateway-importexport-version"] = "1.0";
  }
  return doc;
}
