import type { CompileDeps } from "../compile/deps.ts";
import { compileHttpStage } from "../compile/http-stage.ts";
import { compileRestStage } from "../compile/rest-stage.ts";
import { compileWebSocketStage } from "../compile/websocket-stage.ts";
import type { CompiledApi, CompiledStage } from "../gateway/context.ts";
import type { DataPlane } from "../gateway/data-plane.ts";
import { InvokeUrls } from "../gateway/invoke-urls.ts";
import type { Logger } from "../logger.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import type { DomainName } from "../model/domain-name.ts";
import type { HttpDeployment, HttpStage } from "../model/http-api.ts";
import type { Deployment, RestApiDefinition, Stage } from "../model/rest-api.ts";
import type { Store } from "../state/store.ts";
import type { CompiledWsApi, CompiledWsStage } from "../websocket/compiled.ts";
import type { CanaryInput } from "./canary.ts";
import { compileDomainTable } from "./domain-table.ts";
import { badRequest } from "./errors.ts";
import { Serial } from "./serial.ts";
import { updateUsage, usageReport } from "./traffic-admin.ts";

/** Where WebSocket APIs are served (websocket/websocket-plane.ts), when the gateway has one. */
export interface WebSocketTable {
  install(api: CompiledWsApi): void;
  remove(apiId: string): void;
  has(apiId: string): boolean;
  readonly apiIds: Iterable<string>;
}

export interface DeployOptions {
  /** Absent: the deployment is created but no stage points at it yet. */
  stageName?: string;
  description?: string;
  stageDescription?: string;
  variables?: Record<string, string>;
  /** A canary release on the (existing) stage instead of a new deployment for it. */
  canarySettings?: CanaryInput;
  /** X-Ray tracing for the stage (CreateDeployment's `tracingEnabled`); absent: the stage's own setting stays. */
  tracingEnabled?: boolean;
}

/** One line of `portico routes`. */
export interface RouteListing {
  apiId: string;
  apiName: string;
  apiType: "REST" | "HTTP";
  stage: string;
  method: string;
  path: string;
  integration: string;
  /** The stage's invoke URL (InvokeUrls.stage): the route's path goes below it. */
  url: string;
}

/**
 * The control plane's shared machinery: the store, the write serialiser, compiling stages into the
 * data plane and listing routes. The HTTP API and REST API operations build on it (http-api-control.ts,
 * control-plane.ts); every change is committed before it is acknowledged.
 */
export class ControlCore {
  protected readonly serial = new Serial();
  protected readonly store: Store;
  protected readonly dataPlane: DataPlane;
  protected readonly integrations: CompileDeps;
  readonly log: Logger;
  readonly region: string;
  protected readonly websockets: WebSocketTable | undefined;
  /** The URLs that reach the APIs: answers (ApiEndpoint) and listings compute them, nothing stores them. */
  readonly urls: InvokeUrls;

  constructor(deps: {
    store: Store;
    dataPlane: DataPlane;
    integrations: CompileDeps;
    log: Logger;
    region: string;
    websockets?: WebSocketTable;
    urls?: InvokeUrls;
  }) {
    this.store = deps.store;
    this.dataPlane = deps.dataPlane;
    this.integrations = deps.integrations;
    this.log = deps.log;
    this.region = deps.region;
    this.websockets = deps.websockets;
    this.urls = deps.urls ?? new InvokeUrls(deps.region);
  }

  /** The account id the gateway answers as (ARNs). */
  get accountId(): string {
    return this.integrations.accountId;
  }

  /** Drops every cached response of a stage (FlushStageCache), on every node sharing the cache. */
  async flushStageCache(apiId: string, stageName: string): Promise<void> {
    await this.integrations.traffic?.cache.flush(`${apiId}/${stageName}`);
  }

  /** FlushStageAuthorizersCache: this node recompiles (fresh caches); on Redis every node's shared entries go. */
  async flushAuthorizerCache(apiId: string, stageName: string): Promise<void> {
    await this.integrations.traffic?.results?.flush(`${apiId}/${stageName}`);
    await this.refreshApi(apiId);
  }

  /** REST APIs' current names by id, for the ApiName of their metrics: kept here, never read per request. */
  private readonly restApiNames = new Map<string, string>();

  /** A deployed REST API's name (AWS's ApiName metric dimension). */
  restApiName(apiId: string): string | undefined {
    return this.restApiNames.get(apiId);
  }

  /** A deployed REST API was renamed (UpdateRestApi, an overwriting import). */
  protected renamedRestApi(apiId: string, name: string): void {
    if (this.restApiNames.has(apiId)) this.restApiNames.set(apiId, name);
  }

  /** UpdateUsage for a key of a plan. */
  async setUsage(
    plan: UsagePlan,
    keyId: string,
    ops: readonly { op: string; path: string; value?: string }[],
  ) {
    const traffic = this.integrations.traffic;
    if (traffic === undefined) throw badRequest("Usage is not recorded by this gateway");
    return updateUsage(traffic, plan, keyId, ops);
  }

  /** GetUsage for a plan. */
  async usage(plan: UsagePlan, startDate: string | null, endDate: string | null, keyId: string | null) {
    const traffic = this.integrations.traffic;
    if (traffic === undefined) return { usagePlanId: plan.id, startDate, endDate, items: {} };
    return usageReport(traffic, plan, startDate, endDate, keyId);
  }

  /** The account-level throttle (config `accountThrottle`), as GetAccount reports it; -1 when lifted. */
  accountThrottle(): { burstLimit: number; rateLimit: number } {
    const b = this.integrations.accountBucket;
    return { burstLimit: b?.burst ?? -1, rateLimit: b?.rate ?? -1 };
  }

  async getDeployment(apiId: string, deploymentId: string): Promise<Deployment | undefined> {
    return (await this.store.get("deployments", `${apiId}/${deploymentId}`)) as Deployment | undefined;
  }

  async getDocument<T>(
    collection: "apikeys" | "usageplans" | "domainnames" | "account",
    key: string,
  ): Promise<T | undefined> {
    return (await this.store.get(collection, key)) as T | undefined;
  }

  async listDocuments<T>(collection: "apikeys" | "usageplans" | "domainnames" | "account"): Promise<T[]> {
    return (await this.store.list(collection)).map((d) => d.value as T);
  }

  /** Rebuilds the data plane's API-key index from the stored keys and usage plans. */
  async refreshApiKeys(): Promise<void> {
    const index = this.integrations.apiKeys;
    if (index === undefined) return;
    index.rebuild(
      await this.listDocuments<ApiKey>("apikeys"),
      await this.listDocuments<UsagePlan>("usageplans"),
    );
  }

  async getHttpDeployment(apiId: string, deploymentId: string): Promise<HttpDeployment | undefined> {
    return (await this.store.get("httpdeployments", `${apiId}/${deploymentId}`)) as
      | HttpDeployment
      | undefined;
  }

  // ---- data plane ------------------------------------------------------------------------------

  /** Compiles every deployed stage of every API into the data plane (start-up, or another node's change). */
  async loadAll(): Promise<void> {
    const ids = new Set<string>();
    for (const d of await this.store.list("stages")) ids.add(d.key.split("/")[0]!);
    for (const d of await this.store.list("httpstages")) ids.add(d.key.split("/")[0]!);
    for (const id of ids) await this.refreshApi(id);
    await this.refreshApiKeys();
    await this.refreshDomains();
  }

  /** What the custom domains were compiled from last (another node's change to them is followed). */
  private domainsFingerprint = "";

  /** Compiles the custom domains and their API mappings into the data plane (one swap). */
  async refreshDomains(): Promise<void> {
    const documents = (await this.store.list("domainnames")).map((d) => d.value as DomainName);
    this.domainsFingerprint = JSON.stringify(documents);
    this.dataPlane.installDomains(compileDomainTable(documents));
  }

  /**
   * Scale-out: when another node (or this one) commits to the shared store, brings this node's data
   * plane up to date — recompiling only the APIs whose stages changed, removing deleted ones — within
   * the same write serialiser, so it never interleaves with a local change.
   */
  followSharedStore(): () => void {
    let scheduled = false;
    return this.store.onChange(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        this.serial
          .run(() => this.syncFromStore())
          .catch((err: unknown) => this.log.warn({ err }, "could not apply a change from the shared store"));
      }, 10);
    });
  }

  private readonly stageFingerprints = new Map<string, string>();

  private async syncFromStore(): Promise<void> {
    const byApi = new Map<string, unknown[]>();
    for (const d of [...(await this.store.list("stages")), ...(await this.store.list("httpstages"))]) {
      const id = d.key.split("/")[0]!;
      byApi.set(id, [...(byApi.get(id) ?? []), d.value]);
    }
    for (const id of [...(this.websockets?.apiIds ?? [])]) if (!byApi.has(id)) this.websockets?.remove(id);
    for (const id of this.dataPlane.routingTable.apis.keys()) {
      if (!byApi.has(id)) {
        this.dataPlane.remove(id);
        this.stageFingerprints.delete(id);
      }
    }
    for (const [id, stages] of byApi) {
      const fingerprint = JSON.stringify(stages);
      const served = this.dataPlane.routingTable.apis.has(id) || this.websockets?.has(id) === true;
      if (this.stageFingerprints.get(id) === fingerprint && served) continue;
      await this.refreshApi(id);
      this.stageFingerprints.set(id, fingerprint);
    }
    await this.refreshApiKeys();
    const domains = JSON.stringify((await this.store.list("domainnames")).map((d) => d.value));
    if (domains !== this.domainsFingerprint) await this.refreshDomains();
  }

  /** Recompiles one API's stages off the hot path, then swaps them in with one assignment. */
  async refreshApi(apiId: string): Promise<void> {
    const stages = new Map<string, CompiledStage>();
    let apiType: "REST" | "HTTP" | undefined;
    for (const doc of await this.store.list("stages", `${apiId}/`)) {
      const stage = doc.value as Stage;
      const deployment = await this.getDeployment(apiId, stage.deploymentId);
      if (deployment === undefined) continue;
      const canary =
        stage.canarySettings === undefined
          ? undefined
          : await this.getDeployment(apiId, stage.canarySettings.deploymentId);
      stages.set(stage.stageName, compileRestStage(stage, deployment, this.integrations, canary));
      apiType = "REST";
    }
    const wsStages = new Map<string, CompiledWsStage>();
    for (const doc of await this.store.list("httpstages", `${apiId}/`)) {
      const stage = doc.value as HttpStage;
      if (stage.deploymentId === undefined) continue;
      const deployment = await this.getHttpDeployment(apiId, stage.deploymentId);
      if (deployment === undefined) continue;
      if (deployment.snapshot.api.protocolType === "WEBSOCKET") {
        wsStages.set(stage.stageName, compileWebSocketStage(stage, deployment, this.integrations));
        continue;
      }
      stages.set(stage.stageName, compileHttpStage(stage, deployment, this.integrations));
      apiType = "HTTP";
    }
    if (wsStages.size > 0) this.websockets?.install({ apiId, stages: wsStages });
    else this.websockets?.remove(apiId);
    if (apiType === "REST") {
      const current = (await this.store.get("restapis", apiId)) as RestApiDefinition | undefined;
      if (current !== undefined) this.restApiNames.set(apiId, current.api.name);
    } else this.restApiNames.delete(apiId);
    if (apiType === undefined) {
      this.dataPlane.remove(apiId);
      return;
    }
    const compiled: CompiledApi = {
      apiId,
      apiType,
      stages,
      defaultEndpointDisabled: [...stages.values()].every((stage) => stage.defaultEndpointDisabled === true),
    };
    this.dataPlane.install(compiled);
    this.log.debug({ apiId, stages: [...stages.keys()] }, "deployed");
  }

  /** Every deployed route, for `portico routes`. */
  async listRoutes(): Promise<RouteListing[]> {
    const out: RouteListing[] = [];
    for (const doc of await this.store.list("stages")) {
      const stage = doc.value as Stage;
      const deployment = await this.getDeployment(stage.restApiId, stage.deploymentId);
      if (deployment === undefined) continue;
      for (const resource of Object.values(deployment.snapshot.resources)) {
        for (const method of Object.values(resource.resourceMethods ?? {})) {
          const i = method.methodIntegration;
          out.push({
            apiId: stage.restApiId,
            apiName: deployment.snapshot.api.name,
            apiType: "REST",
            stage: stage.stageName,
            method: method.httpMethod,
            path: resource.path,
            integration: i === undefined ? "-" : `${i.type}${i.uri ? ` ${i.httpMethod ?? ""} ${i.uri}` : ""}`,
            url: this.urls.stage(stage.restApiId, "REST", stage.stageName),
          });
        }
      }
    }
    for (const doc of await this.store.list("httpstages")) {
      const stage = doc.value as HttpStage;
      if (stage.deploymentId === undefined) continue;
      const deployment = await this.getHttpDeployment(stage.apiId, stage.deploymentId);
      if (deployment === undefined) continue;
      for (const route of Object.values(deployment.snapshot.routes)) {
        const id = route.target?.replace("integrations/", "");
        const i = id === undefined ? undefined : deployment.snapshot.integrations[id];
        const space = route.routeKey.indexOf(" ");
        out.push({
          apiId: stage.apiId,
          apiName: deployment.snapshot.api.name,
          apiType: "HTTP",
          stage: stage.stageName,
          method: space === -1 ? "*" : route.routeKey.slice(0, space),
          path: space === -1 ? route.routeKey : route.routeKey.slice(space + 1),
          integration:
            i === undefined
              ? "-"
              : `${i.integrationType} ${i.integrationMethod ?? ""} ${i.integrationUri ?? ""}`,
          url: this.urls.stage(stage.apiId, deployment.snapshot.api.protocolType, stage.stageName),
        });
      }
    }
    out.sort(
      (a, b) =>
        a.apiId.localeCompare(b.apiId) || a.stage.localeCompare(b.stage) || a.path.localeCompare(b.path),
    );
    return out;
  }
}
