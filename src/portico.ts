import { AdminServer } from "./admin/admin-server.ts";
import { createAdminRouter } from "./admin/create-admin-router.ts";
import { sigv4Authenticator } from "./admin/sigv4-authenticator.ts";
import type { Settings } from "./config/settings.ts";
import { ControlPlane } from "./control/control-plane.ts";
import { applyDeclaredApis } from "./control/declared-apis.ts";
import { DataPlane } from "./gateway/data-plane.ts";
import { Upstreams } from "./integrations/upstreams.ts";
import { createLogger, type Logger } from "./observe/logger.ts";
import { openStore } from "./state/open-store.ts";
import type { Store } from "./state/store.ts";

export interface Portico {
  readonly port: number;
  readonly adminPort: number;
  readonly control: ControlPlane;
  readonly store: Store;
  /** Graceful: stops accepting, finishes in-flight requests, then releases the store. */
  close(): Promise<void>;
}

/**
 * The composition root: opens the store, compiles what is deployed, applies the APIs declared in
 * the config file, then opens the data and admin listeners.
 */
export async function startPortico(settings: Settings, log: Logger = createLogger()): Promise<Portico> {
  const store = await openStore({ dataDir: settings.dataDir });
  const upstreams = new Upstreams();
  const dataPlane = new DataPlane(log);
  const control = new ControlPlane({ store, dataPlane, upstreams, log, region: settings.region });
  let admin: AdminServer | undefined;
  try {
    await control.loadAll();
    await applyDeclaredApis(control, settings.apis);
    const port = await dataPlane.listen(settings.port, settings.host);
    admin = new AdminServer(createAdminRouter(control), sigv4Authenticator(settings), log);
    const adminPort = await admin.listen(settings.adminPort, settings.adminHost);
    const adminServer = admin;
    return {
      port,
      adminPort,
      control,
      store,
      async close() {
        await Promise.all([dataPlane.close(), adminServer.close()]);
        await upstreams.close();
        await store.close();
      },
    };
  } catch (err) {
    await Promise.allSettled([dataPlane.close(), admin?.close(), upstreams.close()]);
    await store.close();
    throw err;
  }
}
