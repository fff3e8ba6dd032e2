import { AdminServer } from "./admin/admin-server.ts";
import { createAdminRouter } from "./admin/create-admin-router.ts";
import { sigv4Authenticator } from "./admin/sigv4-authenticator.ts";
import { ApiKeyIndex } from "./auth/api-key-index.ts";
import { CredentialStore } from "./auth/iam/credential-store.ts";
import { RoleStore } from "./auth/iam/roles.ts";
import { SessionKeyring } from "./auth/iam/session-key.ts";
import { Networks } from "./auth/policy/networks.ts";
import { ConfigError } from "./config/config-error.ts";
import type { Settings } from "./config/settings.ts";
import { ControlPlane } from "./control/control-plane.ts";
import { applyDeclaredApis } from "./control/declared-apis.ts";
import { applyDeclaredDomains } from "./control/declared-domains.ts";
import { applyTemplateSettings, templateApis, templateDomains } from "./control/declared-templates.ts";
import { TemplateRunner } from "./control/template-runner.ts";
import { type ReadTemplates, readTemplates } from "./control/template-sources.ts";
import { watchTemplates } from "./control/template-watch.ts";
import { FunctionRegistry } from "./functions/function-registry.ts";
import { DataPlane } from "./gateway/data-plane.ts";
import { InvokeUrls } from "./gateway/invoke-urls.ts";
import { TrustedProxies } from "./gateway/trusted-proxies.ts";
import { ServiceEndpoints } from "./integrations/service-endpoints.ts";
import { Upstreams } from "./integrations/upstreams.ts";
import { DEFAULT_LISTENER_LIMITS } from "./listen/listener-limits.ts";
import { TlsDomains } from "./listen/tls-domains.ts";
import { createLogger, type Logger } from "./logger.ts";
import { logFailures } from "./observe/failure-log.ts";
import { startMetrics } from "./observe/gateway-metrics.ts";
import { type RunningLogs, startLogging } from "./observe/logging.ts";
import { metricsEndpoint } from "./observe/metrics-endpoint.ts";
import { MetricsListener } from "./observe/metrics-listener.ts";
import { traceRequests } from "./observe/tracing.ts";
import { openStore } from "./state/open-store.ts";
import type { Store } from "./state/store.ts";
import { StsService } from "./sts/sts-service.ts";
import { LocalTraffic } from "./traffic/local-traffic.ts";
import { RedisTraffic } from "./traffic/redis-traffic.ts";
import type { TrafficBackend } from "./traffic/traffic-backend.ts";
import { LocalConnectionRegistry } from "./websocket/local-registry.ts";
import { RedisConnectionRegistry } from "./websocket/redis-registry.ts";
import { WebSocketPlane } from "./websocket/websocket-plane.ts";

export interface Portico {
  /** The data plane's port: the plain HTTP listener's, or the HTTPS listener's when it is the only one. */
  readonly port: number;
  /** The HTTPS listener's port, when `listen.tls` asked for one. */
  readonly tlsPort?: number;
  readonly adminPort: number;
  /** The metrics listener's port, when `metrics.port` asked for one. */
  readonly metricsPort?: number;
  /** The URLs that reach its APIs (ApiEndpoint, what the CLI prints). */
  readonly urls: InvokeUrls;
  readonly control: ControlPlane;
  readonly store: Store;
  /**
   * Graceful: stops accepting, finishes in-flight requests and WebSocket messages (then closes the
   * WebSockets with 1001 Going away) within `listen.drainTimeoutMs`, then writes out and releases the store.
   */
  close(): Promise<void>;
}

/** In-process traffic state whose usage counts persist in the (durable) store. */
async function localTraffic(store: Store): Promise<LocalTraffic> {
  const traffic = new LocalTraffic();
  await traffic.persistTo(store);
  return traffic;
}

/**
 * The composition root: opens the store, compiles what is deployed, applies the APIs declared in
 * the config file, then opens the data and admin listeners.
 */
export async function startPortico(settings: Settings, log: Logger = createLogger()): Promise<Portico> {
  // Roles and endpoint policies compile first: a bad one refuses the start before anything opens.
  const roles = new RoleStore(settings.roles ?? [], settings.region);
  const networks = new Networks(settings.networks, {
    region: settings.region,
    accountId: settings.accountId,
  });
  // Certificates and truststores of the config file are read first: a bad one changes nothing.
  const tlsDomains = settings.tls === undefined ? undefined : TlsDomains.load(settings.tls, log);
  if (tlsDomains !== undefined && "problems" in tlsDomains) throw new ConfigError(tlsDomains.problems);
  const store = await openStore({
    dataDir: settings.dataDir,
    redis: settings.redis,
    onError: (err) => log.warn({ err: err.message }, "redis (state) connection error"),
    log,
  });
  const upstreams = new Upstreams();
  const templateContext = {
    region: settings.region,
    accountId: settings.accountId,
    env: process.env,
    configFunctions: settings.functions,
  };
  let functions: FunctionRegistry;
  let templates: ReadTemplates;
  try {
    // Templates are read before anything runs: one that cannot run refuses the start.
    templates = readTemplates(settings.templates ?? [], templateContext, log);
    functions = new FunctionRegistry(
      { ...settings.functions, ...templates.functions },
      {
        region: settings.region,
        accountId: settings.accountId,
        watch: settings.watch,
        credentials: settings.credentials[0],
      },
      log,
    );
  } catch (err) {
    await store.close();
    throw err;
  }
  let traffic: TrafficBackend;
  try {
    traffic =
      settings.redis === undefined
        ? await localTraffic(store)
        : await RedisTraffic.open(settings.redis, {
            failMode: settings.trafficFailMode,
            log,
            cacheEncryptionKey: settings.cacheEncryptionKey,
          });
  } catch (err) {
    await Promise.allSettled([functions.close(), store.close()]);
    throw err;
  }
  // Temporary credentials (STS) are sealed with a key every node reads from the state store.
  let keyring: SessionKeyring;
  try {
    keyring = await SessionKeyring.open(store);
  } catch (err) {
    await Promise.allSettled([functions.close(), traffic.close(), store.close()]);
    throw err;
  }
  const sealer = () => keyring.current;
  // One store for both planes: IAM-authorised methods and the admin API see the same keys and policies.
  const credentials = new CredentialStore(
    settings.credentials,
    { region: settings.region, accountId: settings.accountId },
    { roles, sealer },
  );
  const urls = new InvokeUrls(settings.region, settings.publicUrl);
  const dataPlane = new DataPlane(log, {
    publicHostSuffix: urls.publicHostSuffix,
    trustedProxies: new TrustedProxies(settings.trustedProxies, settings.vpceHeader),
    limits: settings.listenerLimits,
    overload: settings.overload,
  });
  // Every 5xx of the gateway's own gets one operational log line with its cause (failures only).
  const failureLog = logFailures(log, (ctx) => dataPlane.owns(ctx));
  let logs: RunningLogs | undefined;
  const integrations = {
    upstreams,
    functions,
    accountId: settings.accountId,
    region: settings.region,
    networks,
    apiKeys: new ApiKeyIndex(),
    traffic,
    // A negative limit lifts the account throttle (benchmarks; AWS itself always has one).
    accountBucket:
      settings.accountThrottle.rateLimit < 0 || settings.accountThrottle.burstLimit < 0
        ? undefined
        : { key: "a", rate: settings.accountThrottle.rateLimit, burst: settings.accountThrottle.burstLimit },
    iam: {
      credentials,
      region: settings.region,
      accountId: settings.accountId,
    },
    // A stage compiled with access or execution logging turns the log writers on.
    loggingWanted: () => logs?.wanted(),
    services: new ServiceEndpoints(
      settings.services,
      settings.credentials[0] ?? { accessKeyId: "test", secretAccessKey: "test" },
    ),
    warn: (fields: Record<string, unknown>, message: string) => log.warn(fields, message),
  };
  // Stages with tracingEnabled are traced when OTEL_* configures an exporter; OpenTelemetry loads only then.
  const tracing = traceRequests({ log, owns: (ctx) => dataPlane.owns(ctx) });
  // WebSocket APIs share the data-plane listener: upgrades and @connections are handed to their plane.
  // With Redis, every node reaches every connection: the node holding a socket serves @connections for it.
  const registry =
    settings.redis === undefined
      ? new LocalConnectionRegistry()
      : await RedisConnectionRegistry.open(settings.redis, {
          log,
          heartbeatTtlMs: settings.websocket?.heartbeatTtlMs,
        });
  const websockets = new WebSocketPlane(registry, log, {
    iam: integrations.iam,
    limits: settings.websocket,
    publicHostSuffix: urls.publicHostSuffix,
    domains: () => dataPlane.domains,
  });
  dataPlane.attachWebSockets(websockets);
  const control = new ControlPlane({
    store,
    dataPlane,
    integrations,
    log,
    region: settings.region,
    websockets,
    urls,
  });
  const runner = new TemplateRunner(templateContext, { control, functions, log });
  // The pipeline publishes what it did; the metrics subscribe (observe/), nothing calls them.
  const metrics =
    settings.metrics?.enabled === false
      ? undefined
      : startMetrics({
          ownsContext: (ctx) => dataPlane.owns(ctx),
          ownsRequest: (m) => (m.ctx === undefined ? dataPlane.servedHere(m.req) : dataPlane.owns(m.ctx)),
          restApiName: (apiId) => control.restApiName(apiId),
          webSocketStage: (apiId, stage) => websockets.stage(apiId, stage),
          ...(settings.redis === undefined ? {} : { redisUnavailable: () => traffic.unavailableCount ?? 0 }),
        });
  const scrape = metrics && metricsEndpoint(metrics.registry, settings.metrics?.bearerToken);
  let metricsListener: MetricsListener | undefined;
  let admin: AdminServer | undefined;
  let unfollowTls: (() => void) | undefined;
  let unwatchTemplates: (() => void) | undefined;
  try {
    // Log destinations are opened (or refused) now; the writers subscribe once a stage logs.
    logs = startLogging(
      settings,
      (m) => dataPlane.owns(m),
      log,
      (stage) => websockets.current(stage),
    );
    await control.loadAll();
    // With a shared store, every node follows the others' changes (deploys, keys, settings).
    const unfollow = settings.redis === undefined ? () => undefined : control.followSharedStore();
    await applyDeclaredApis(control, [...settings.apis, ...templates.templates.flatMap(templateApis)]);
    for (const t of templates.templates) await applyTemplateSettings(control, t);
    runner.adopt(settings.templates ?? [], templates);
    unwatchTemplates =
      settings.watch === true && (settings.templates ?? []).length > 0
        ? watchTemplates(runner, log)
        : undefined;
    // Their mappings name the APIs: the domains come after them.
    await applyDeclaredDomains(control, [
      ...(settings.domains ?? []),
      ...templates.templates.flatMap(templateDomains),
    ]);
    await tracing.ready();
    // The HTTPS listener follows the stored domain names (security policy, mutual TLS) as they change.
    unfollowTls =
      tlsDomains === undefined
        ? undefined
        : await tlsDomains.follow(
            {
              list: async () => (await store.list("domainnames")).map((d) => d.value),
              onChange: (listener) => store.onChange(listener),
            },
            (profiles) => dataPlane.updateTls(profiles),
          );
    const plainPort =
      settings.plainHttp === false ? undefined : await dataPlane.listen(settings.port, settings.host);
    const tlsPort =
      tlsDomains === undefined || settings.tls === undefined
        ? undefined
        : await dataPlane.listenTls(settings.tls.port, settings.tls.host, tlsDomains.current);
    const port = (plainPort ?? tlsPort)!;
    urls.listening(port, plainPort === undefined ? "https" : "http");
    admin = new AdminServer(
      createAdminRouter(control, { ...(scrape === undefined ? {} : { scrape }), templates: runner }),
      sigv4Authenticator({ credentials, region: settings.region }),
      log,
      {
        bodyBudgetBytes: settings.adminBodyBudgetBytes,
        limits: settings.listenerLimits,
        sts: new StsService({ credentials, roles, sealer, region: settings.region }),
      },
    );
    const adminPort = await admin.listen(settings.adminPort, settings.adminHost);
    const adminServer = admin;
    let metricsPort: number | undefined;
    if (scrape !== undefined && settings.metrics?.port !== undefined) {
      metricsListener = new MetricsListener(scrape, log, settings.listenerLimits);
      metricsPort = await metricsListener.listen(settings.metrics.port, settings.metrics.host);
    }
    const metricsServer = metricsListener;
    const runningLogs = logs;
    const stopTls = unfollowTls;
    const stopWatching = unwatchTemplates;
    return {
      port,
      ...(tlsPort === undefined ? {} : { tlsPort }),
      adminPort,
      ...(metricsPort === undefined ? {} : { metricsPort }),
      urls,
      control,
      store,
      async close() {
        unfollow();
        stopWatching?.();
        stopTls?.();
        await Promise.all([
          dataPlane.close(),
          adminServer.close(),
          websockets.close((settings.listenerLimits ?? DEFAULT_LISTENER_LIMITS).drainTimeoutMs),
        ]);
        // Requests that finished while draining are counted; a last scrape may still come.
        metrics?.stop();
        await metricsServer?.close();
        failureLog.close();
        // After the last request finished: every buffered log line is written out.
        await runningLogs.close();
        await Promise.all([upstreams.close(), functions.close(), traffic.close(), tracing.close()]);
        keyring.close();
        await store.close();
      },
    };
  } catch (err) {
    unfollowTls?.();
    unwatchTemplates?.();
    metrics?.stop();
    failureLog.close();
    await Promise.allSettled([
      tracing.close(),
      logs?.close(),
      websockets.close(),
      dataPlane.close(),
      admin?.close(),
      metricsListener?.close(),
      upstreams.close(),
      functions.close(),
      traffic.close(),
    ]);
    keyring.close();
    await store.close();
    throw err;
  }
}
