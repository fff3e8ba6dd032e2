import type { ControlPlane } from "../control/control-plane.ts";
import { AdminRouter } from "./admin-router.ts";
import { addAccountRoutes, addAccountSettingsRoutes } from "./routes-account.ts";
import { addExportRoutes } from "./routes-export.ts";
import { addHttpApiRoutes } from "./routes-http-api.ts";
import { addRestApiRoutes } from "./routes-rest-api.ts";
import { addRestApiPartRoutes } from "./routes-rest-api-parts.ts";
import { addTagRoutes } from "./routes-tags.ts";

/**
 * The admin API: the `apigateway` and `apigatewayv2` REST wire protocols, plus Portico's own
 * `/health` and `/_portico/*` additions.
 */
export function createAdminRouter(control: ControlPlane): AdminRouter {
  const router = new AdminRouter();
  router.add("GET", "/health", async () => ({ status: 200, body: { status: "ok" } }));
  addRestApiRoutes(router, control);
  addRestApiPartRoutes(router, control);
  addHttpApiRoutes(router, control);
  addAccountRoutes(router, control);
  addAccountSettingsRoutes(router, control);
  addExportRoutes(router, control);
  addTagRoutes(router, control);
  router.add("GET", "/_portico/routes", async () => ({
    status: 200,
    body: { routes: await control.listRoutes() },
  }));
  return router;
}
