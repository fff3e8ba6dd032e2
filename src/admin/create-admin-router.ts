import type { ControlPlane } from "../control/control-plane.ts";
import { AdminRouter } from "./admin-router.ts";
import { addHttpApiRoutes } from "./routes-http-api.ts";
import { addRestApiRoutes } from "./routes-rest-api.ts";

/**
 * The admin API: the `apigateway` and `apigatewayv2` REST wire protocols, plus Portico's own
 * `/health` and `/_portico/*` additions.
 */
export function createAdminRouter(control: ControlPlane): AdminRouter {
  const router = new AdminRouter();
  router.add("GET", "/health", async () => ({ status: 200, body: { status: "ok" } }));
  addRestApiRoutes(router, control);
  addHttpApiRoutes(router, control);
  router.add("GET", "/_portico/routes", async () => ({
    status: 200,
    body: { routes: await control.listRoutes() },
  }));
  return router;
}
