import type { ControlPlane } from "../control/control-plane.ts";
import { notFound } from "../control/errors.ts";
import type { TemplateRunner } from "../control/template-runner.ts";
import type { Scrape } from "../observe/metrics-endpoint.ts";
import { AdminRouter, type RouteTable, route } from "./admin-router.ts";
import { accountRoutes } from "./routes-account.ts";
import { apiKeyRoutes } from "./routes-api-keys.ts";
import { domainAccessRoutes } from "./routes-domain-access.ts";
import { domainNameRoutes } from "./routes-domain-names.ts";
import { domainNameV2Routes } from "./routes-domain-names-v2.ts";
import { httpExportRoutes, restExportRoutes } from "./routes-export.ts";
import { httpApiRoutes } from "./routes-http-api.ts";
import { restApiRoutes } from "./routes-rest-api.ts";
import { restApiPartRoutes } from "./routes-rest-api-parts.ts";
import { restMethodRoutes } from "./routes-rest-methods.ts";
import { httpTagRoutes, restTagRoutes } from "./routes-tags.ts";
import { templateRoutes } from "./routes-templates.ts";
import { webSocketApiRoutes } from "./routes-websocket-api.ts";

export type AwsService = "apigateway" | "apigatewayv2";

/**
 * The routes of AWS's two services, each named by its SDK operation: the router serves them and
 * docs/admin-operations.md (scripts/admin-operations.ts) lists their operations as available.
 */
export const SERVICE_ROUTES: Readonly<Record<AwsService, RouteTable>> = {
  apigateway: [
    ...restApiRoutes,
    ...restMethodRoutes,
    ...restApiPartRoutes,
    ...apiKeyRoutes,
    ...domainNameRoutes,
    ...domainAccessRoutes,
    ...accountRoutes,
    ...restExportRoutes,
    ...restTagRoutes,
  ],
  apigatewayv2: [
    ...httpApiRoutes,
    ...webSocketApiRoutes,
    ...domainNameV2Routes,
    ...httpExportRoutes,
    ...httpTagRoutes,
  ],
};

/**
 * Portico's own additions, named by Portico: no AWS operation describes them. `/health` and `/metrics`
 * are answered without SigV4 (admin-server.ts): a liveness probe and Prometheus sign nothing.
 */
export function porticoRoutes(scrape?: Scrape, templates?: TemplateRunner): RouteTable {
  return [
    ...templateRoutes(templates),
    route("Health", "GET", "/health", async () => ({ status: 200, body: { status: "ok" } })),
    route("Metrics", "GET", "/metrics", async ({ req }) => {
      if (scrape === undefined)
        return { status: 404, body: { message: "Metrics are off on this gateway (metrics.enabled: false)" } };
      const answer = await scrape(req.headers.authorization);
      return {
        status: answer.status,
        raw: { contentType: answer.contentType, data: answer.body },
        ...(answer.headers === undefined ? {} : { headers: answer.headers }),
      };
    }),
    route("ListRoutes", "GET", "/_portico/routes", async (_r, control) => ({
      status: 200,
      body: { routes: await control.listRoutes() },
    })),
    // Where an API is served (InvokeUrls): AWS's RestApi has no endpoint field, and the CLI, which
    // knows only the admin URL, prints what this answers.
    route("GetApiEndpoint", "GET", "/_portico/apis/{apiId}/endpoint", async (r, control) => {
      const apiId = r.params.apiId!;
      const rest = await control.getRestApi(apiId);
      const protocol = rest !== undefined ? "REST" : (await control.getHttpApi(apiId))?.api.protocolType;
      if (protocol === undefined) throw notFound("Invalid API identifier specified");
      return {
        status: 200,
        body: { apiId, apiType: protocol, endpoint: control.urls.endpoint(apiId, protocol) },
      };
    }),
  ];
}

/** The additions' table, for listing them (docs/admin-operations.md). */
export const PORTICO_ROUTES: RouteTable = porticoRoutes();

/**
 * The admin API: the `apigateway` and `apigatewayv2` REST wire protocols, plus Portico's own
 * `/health`, `/metrics` and `/_portico/*` additions.
 */
export function createAdminRouter(
  control: ControlPlane,
  options: { scrape?: Scrape; templates?: TemplateRunner } = {},
): AdminRouter {
  return new AdminRouter(
    [
      ...porticoRoutes(options.scrape, options.templates),
      ...SERVICE_ROUTES.apigateway,
      ...SERVICE_ROUTES.apigatewayv2,
    ],
    control,
  );
}
