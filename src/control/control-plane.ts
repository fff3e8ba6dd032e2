import { isDeepStrictEqual } from "node:util";
import { compileHttpStage } from "../gateway/compile-http-stage.ts";
import { compileRestStage } from "../gateway/compile-rest-stage.ts";
import type { CompiledApi, CompiledStage, IntegrationDeps } from "../gateway/compiled.ts";
import type { DataPlane } from "../gateway/data-plane.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import type { HttpApiDefinition, HttpDeployment, HttpStage } from "../model/http-api.ts";
import { newDeploymentId } from "../model/ids.ts";
import type { Deployment, RestApiDefinition, Stage } from "../model/rest-api.ts";
import type { Logger } from "../observe/logger.ts";
import type { Store, WriteOp } from "../state/store.ts";
import { badRequest, notFound } from "./errors.ts";
import { Serial } from "./serial.ts";
import { type TestInvokeInput, type TestInvokeResult, testInvokeMethod } from "./test-invoke.ts";

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

export interface DeployOptions {
  /** Absent: the deployment is created but no stage points at it yet. */
  stageName?: string;
  description?: string;
  stageDescription?: string;
  variables?: Record<string, string>;
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
}

/**
 * The control plane: every change to APIs, deployments and stages goes through here (the admin API
 * and the CLI alike). A change is committed to the store before it is acknowledged, then the
 * affected API is recompiled and swapped into the data plane.
 */
export class ControlPlane {
  private readonly serial = new Serial();
  private readonly store: Store;
  private readonly dataPlane: DataPlane;
  private readonly integrations: IntegrationDeps;
  private readonly log: Logger;
  readonly region: string;

  constructor(deps: {
    store: Store;
    dataPlane: DataPlane;
    integrations: IntegrationDeps;
    log: Logger;
    region: string;
  }) {
    this.store = deps.store;
    this.dataPlane = deps.dataPlane;
    this.integrations = deps.integrations;
    this.log = deps.log;
    this.region = deps.region;
  }

  // ---- REST APIs -------------------------------------------------------------------------------

  async getRestApi(apiId: string): Promise<RestApiDefinition | undefined> {
    return (await this.store.get("restapis", apiId)) as RestApiDefinition | undefined;
  }

  async listRestApis(): Promise<RestApiDefinition[]> {
    return (await this.store.list("restapis")).map((d) => d.value as RestApiDefinition);
  }

  /** Stores a whole definition (import or overwrite). Resolves once durable. */
  putRestApi(definition: RestApiDefinition): Promise<void> {
    return this.serial.run(async () => {
      await this.store.commit([
        { op: "put", collection: "restapis", key: definition.api.id, value: definition },
      ]);
    });
  }

  /** CreateDeployment with a stageName: freezes the current definition and points the stage at it. */
  deployRestApi(apiId: string, options: DeployOptions): Promise<Deployment> {
    return this.serial.run(async () => {
      const definition = await this.getRestApi(apiId);
      if (definition === undefined) throw notFound("Invalid API identifier specified");
      if (options.stageName !== undefined && !STAGE_NAME.test(options.stageName)) {
        throw badRequest("Stage name only allows a-zA-Z0-9_ and -, and must be 128 characters or fewer");
      }
      if (Object.keys(definition.resources).every((id) => !definition.resources[id]?.resourceMethods)) {
        throw badRequest("The REST API doesn't contain any methods");
      }
      const now = Date.now();
      const deployment: Deployment = {
        id: newDeploymentId(),
        restApiId: apiId,
        description: options.description,
        createdDate: now,
        snapshot: structuredClone(definition),
      };
      const ops: WriteOp[] = [
        { op: "put", collection: "deployments", key: `${apiId}/${deployment.id}`, value: deployment },
      ];
      if (options.stageName !== undefined) {
        const key = `${apiId}/${options.stageName}`;
        const prior = (await this.store.get("stages", key)) as Stage | undefined;
        const stage: Stage = {
          restApiId: apiId,
          stageName: options.stageName,
          deploymentId: deployment.id,
          description: options.stageDescription ?? prior?.description,
          variables: options.variables ?? prior?.variables,
          cacheClusterEnabled: prior?.cacheClusterEnabled ?? false,
          cacheClusterStatus: prior?.cacheClusterStatus ?? "NOT_AVAILABLE",
          tracingEnabled: prior?.tracingEnabled ?? false,
          methodSettings: prior?.methodSettings ?? {},
          tags: prior?.tags,
          createdDate: prior?.createdDate ?? now,
          lastUpdatedDate: now,
        };
        ops.push({ op: "put", collection: "stages", key, value: stage });
      }
      await this.store.commit(ops);
      await this.refreshApi(apiId);
      return deployment;
    });
  }

  async getRestStage(apiId: string, stageName: string): Promise<Stage | undefined> {
    return (await this.store.get("stages", `${apiId}/${stageName}`)) as Stage | undefined;
  }

  async getDeployment(apiId: string, deploymentId: string): Promise<Deployment | undefined> {
    return (await this.store.get("deployments", `${apiId}/${deploymentId}`)) as Deployment | undefined;
  }

  /** Read-modify-write of one REST API: `change` edits a draft; nothing is stored if it throws. */
  mutateRestApi<T>(apiId: string, change: (draft: RestApiDefinition) => T): Promise<T> {
    return this.serial.run(async () => {
      const current = await this.getRestApi(apiId);
      if (current === undefined) throw notFound("Invalid API identifier specified");
      const draft = structuredClone(current);
      const result = change(draft);
      await this.store.commit([{ op: "put", collection: "restapis", key: apiId, value: draft }]);
      return result;
    });
  }

  /** DeleteRestApi: the API, its deployments and stages go in one commit. */
  deleteRestApi(apiId: string): Promise<void> {
    return this.serial.run(async () => {
      if ((await this.getRestApi(apiId)) === undefined) throw notFound("Invalid API identifier specified");
      const ops: WriteOp[] = [{ op: "delete", collection: "restapis", key: apiId }];
      for (const d of await this.store.list("deployments", `${apiId}/`))
        ops.push({ op: "delete", collection: "deployments", key: d.key });
      for (const d of await this.store.list("stages", `${apiId}/`))
        ops.push({ op: "delete", collection: "stages", key: d.key });
      await this.store.commit(ops);
      await this.refreshApi(apiId);
    });
  }

  async listRestStages(apiId: string): Promise<Stage[]> {
    return (await this.store.list("stages", `${apiId}/`)).map((d) => d.value as Stage);
  }

  async listDeployments(apiId: string): Promise<Deployment[]> {
    return (await this.store.list("deployments", `${apiId}/`)).map((d) => d.value as Deployment);
  }

  /** CreateStage / UpdateStage / DeleteStage: `change` gets the current stage (or undefined) and returns the next (or undefined to delete). */
  changeRestStage(
    apiId: string,
    stageName: string,
    change: (current: Stage | undefined) => Stage | undefined,
  ): Promise<Stage | undefined> {
    return this.serial.run(async () => {
      if ((await this.getRestApi(apiId)) === undefined) throw notFound("Invalid API identifier specified");
      const key = `${apiId}/${stageName}`;
      const current = (await this.store.get("stages", key)) as Stage | undefined;
      const next = change(current === undefined ? undefined : structuredClone(current));
      if (next !== undefined && (await this.getDeployment(apiId, next.deploymentId)) === undefined) {
        throw notFound("Invalid deployment identifier specified");
      }
      await this.store.commit([
        next === undefined
          ? { op: "delete", collection: "stages", key }
          : { op: "put", collection: "stages", key, value: next },
      ]);
      await this.refreshApi(apiId);
      return next;
    });
  }

  /** DeleteDeployment: refused while a stage points at it, as AWS does. */
  deleteDeployment(apiId: string, deploymentId: string): Promise<void> {
    return this.serial.run(async () => {
      if ((await this.getDeployment(apiId, deploymentId)) === undefined)
        throw notFound("Invalid Deployment identifier specified");
      const stages = await this.listRestStages(apiId);
      if (stages.some((s) => s.deploymentId === deploymentId)) {
        throw badRequest("Active stages pointing to this deployment must be moved or deleted");
      }
      await this.store.commit([{ op: "delete", collection: "deployments", key: `${apiId}/${deploymentId}` }]);
    });
  }

  // ---- HTTP APIs -------------------------------------------------------------------------------

  async getHttpApi(apiId: string): Promise<HttpApiDefinition | undefined> {
    return (await this.store.get("httpapis", apiId)) as HttpApiDefinition | undefined;
  }

  async listHttpApis(): Promise<HttpApiDefinition[]> {
    return (await this.store.list("httpapis")).map((d) => d.value as HttpApiDefinition);
  }

  /** Stores a whole HTTP API definition and redeploys every auto-deploy stage. */
  putHttpApi(definition: HttpApiDefinition): Promise<void> {
    return this.serial.run(async () => {
      const apiId = definition.api.apiId;
      // An unchanged definition (a restart re-applying the config) must not redeploy auto-deploy stages.
      // Compared as stored (JSON), where keys holding undefined do not exist.
      if (isDeepStrictEqual(await this.getHttpApi(apiId), JSON.parse(JSON.stringify(definition)))) return;
      const ops: WriteOp[] = [{ op: "put", collection: "httpapis", key: apiId, value: definition }];
      for (const doc of await this.store.list("httpstages", `${apiId}/`)) {
        const stage = doc.value as HttpStage;
        if (stage.autoDeploy) ops.push(...this.httpDeploymentOps(definition, stage, true));
      }
      await this.store.commit(ops);
      await this.refreshApi(apiId);
    });
  }

  /** Creates or updates a stage and deploys the current definition to it. */
  deployHttpApi(
    apiId: string,
    options: {
      stageName: string;
      autoDeploy?: boolean;
      variables?: Record<string, string>;
      description?: string;
    },
  ): Promise<HttpDeployment> {
    return this.serial.run(async () => {
      const definition = await this.getHttpApi(apiId);
      if (definition === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
      if (options.stageName !== "$default" && !STAGE_NAME.test(options.stageName)) {
        throw badRequest("Stage name only allows a-zA-Z0-9_ and -, or $default");
      }
      const key = `${apiId}/${options.stageName}`;
      const prior = (await this.store.get("httpstages", key)) as HttpStage | undefined;
      const now = Date.now();
      const stage: HttpStage = {
        apiId,
        stageName: options.stageName,
        autoDeploy: options.autoDeploy ?? prior?.autoDeploy ?? false,
        stageVariables: options.variables ?? prior?.stageVariables,
        description: options.description ?? prior?.description,
        createdDate: prior?.createdDate ?? now,
        lastUpdatedDate: now,
      };
      const ops = this.httpDeploymentOps(definition, stage, false);
      await this.store.commit(ops);
      await this.refreshApi(apiId);
      return (ops[0] as { value: HttpDeployment }).value;
    });
  }

  async getHttpStage(apiId: string, stageName: string): Promise<HttpStage | undefined> {
    return (await this.store.get("httpstages", `${apiId}/${stageName}`)) as HttpStage | undefined;
  }

  async getHttpDeployment(apiId: string, deploymentId: string): Promise<HttpDeployment | undefined> {
    return (await this.store.get("httpdeployments", `${apiId}/${deploymentId}`)) as
      | HttpDeployment
      | undefined;
  }

  /** Read-modify-write of one HTTP API; auto-deploy stages get the result in the same commit. */
  mutateHttpApi<T>(apiId: string, change: (draft: HttpApiDefinition) => T): Promise<T> {
    return this.serial.run(async () => {
      const current = await this.getHttpApi(apiId);
      if (current === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
      const draft = structuredClone(current);
      const result = change(draft);
      const ops: WriteOp[] = [{ op: "put", collection: "httpapis", key: apiId, value: draft }];
      for (const doc of await this.store.list("httpstages", `${apiId}/`)) {
        const stage = doc.value as HttpStage;
        if (stage.autoDeploy) ops.push(...this.httpDeploymentOps(draft, stage, true));
      }
      await this.store.commit(ops);
      await this.refreshApi(apiId);
      return result;
    });
  }

  deleteHttpApi(apiId: string): Promise<void> {
    return this.serial.run(async () => {
      if ((await this.getHttpApi(apiId)) === undefined)
        throw notFound(`Invalid API identifier specified ${apiId}`);
      const ops: WriteOp[] = [{ op: "delete", collection: "httpapis", key: apiId }];
      for (const d of await this.store.list("httpdeployments", `${apiId}/`))
        ops.push({ op: "delete", collection: "httpdeployments", key: d.key });
      for (const d of await this.store.list("httpstages", `${apiId}/`))
        ops.push({ op: "delete", collection: "httpstages", key: d.key });
      await this.store.commit(ops);
      await this.refreshApi(apiId);
    });
  }

  async listHttpStages(apiId: string): Promise<HttpStage[]> {
    return (await this.store.list("httpstages", `${apiId}/`)).map((d) => d.value as HttpStage);
  }

  async listHttpDeployments(apiId: string): Promise<HttpDeployment[]> {
    return (await this.store.list("httpdeployments", `${apiId}/`)).map((d) => d.value as HttpDeployment);
  }

  /**
   * CreateStage / UpdateStage / DeleteStage for HTTP APIs. A stage that is (or becomes) auto-deploy
   * gets a fresh deployment of the current definition in the same commit.
   */
  changeHttpStage(
    apiId: string,
    stageName: string,
    change: (current: HttpStage | undefined) => HttpStage | undefined,
  ): Promise<HttpStage | undefined> {
    return this.serial.run(async () => {
      const definition = await this.getHttpApi(apiId);
      if (definition === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
      const key = `${apiId}/${stageName}`;
      const current = (await this.store.get("httpstages", key)) as HttpStage | undefined;
      const next = change(current === undefined ? undefined : structuredClone(current));
      let ops: WriteOp[];
      if (next === undefined) ops = [{ op: "delete", collection: "httpstages", key }];
      else if (next.autoDeploy && (current === undefined || !current.autoDeploy))
        ops = this.httpDeploymentOps(definition, next, true);
      else {
        if (
          next.deploymentId !== undefined &&
          (await this.getHttpDeployment(apiId, next.deploymentId)) === undefined
        ) {
          throw notFound(`Invalid deployment identifier specified ${next.deploymentId}`);
        }
        ops = [{ op: "put", collection: "httpstages", key, value: next }];
      }
      await this.store.commit(ops);
      await this.refreshApi(apiId);
      return next === undefined ? undefined : ((await this.store.get("httpstages", key)) as HttpStage);
    });
  }

  /** CreateDeployment for HTTP APIs: to an existing stage when named, else just a snapshot. */
  createHttpDeployment(
    apiId: string,
    options: { stageName?: string; description?: string },
  ): Promise<HttpDeployment> {
    return this.serial.run(async () => {
      const definition = await this.getHttpApi(apiId);
      if (definition === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
      let stage: HttpStage | undefined;
      if (options.stageName !== undefined) {
        stage = (await this.store.get("httpstages", `${apiId}/${options.stageName}`)) as
          | HttpStage
          | undefined;
        if (stage === undefined) throw notFound(`Invalid stage identifier specified ${options.stageName}`);
      }
      const ops = stage
        ? this.httpDeploymentOps(definition, stage, false)
        : this.httpDeploymentOps(
            definition,
            { apiId, stageName: "", autoDeploy: false, createdDate: 0, lastUpdatedDate: 0 },
            false,
          ).slice(0, 1);
      const deployment = (ops[0] as { value: HttpDeployment }).value;
      if (options.description !== undefined) deployment.description = options.description;
      await this.store.commit(ops);
      await this.refreshApi(apiId);
      return deployment;
    });
  }

  deleteHttpDeployment(apiId: string, deploymentId: string): Promise<void> {
    return this.serial.run(async () => {
      if ((await this.getHttpDeployment(apiId, deploymentId)) === undefined) {
        throw notFound(`Invalid deployment identifier specified ${deploymentId}`);
      }
      const stages = await this.listHttpStages(apiId);
      if (stages.some((st) => st.deploymentId === deploymentId)) {
        throw badRequest("Active stages pointing to this deployment must be moved or deleted");
      }
      await this.store.commit([
        { op: "delete", collection: "httpdeployments", key: `${apiId}/${deploymentId}` },
      ]);
    });
  }

  private httpDeploymentOps(definition: HttpApiDefinition, stage: HttpStage, auto: boolean): WriteOp[] {
    const apiId = definition.api.apiId;
    const deployment: HttpDeployment = {
      deploymentId: newDeploymentId(),
      apiId,
      createdDate: Date.now(),
      autoDeployed: auto,
      deploymentStatus: "DEPLOYED",
      snapshot: structuredClone(definition),
    };
    return [
      {
        op: "put",
        collection: "httpdeployments",
        key: `${apiId}/${deployment.deploymentId}`,
        value: deployment,
      },
      {
        op: "put",
        collection: "httpstages",
        key: `${apiId}/${stage.stageName}`,
        value: { ...stage, deploymentId: deployment.deploymentId },
      },
    ];
  }

  /** TestInvokeMethod on the current definition (see test-invoke.ts). */
  async testInvokeMethod(
    apiId: string,
    resourceId: string,
    httpMethod: string,
    input: TestInvokeInput,
  ): Promise<TestInvokeResult> {
    const def = await this.getRestApi(apiId);
    if (def === undefined) throw notFound("Invalid API identifier specified");
    return testInvokeMethod(def, resourceId, httpMethod, input, {
      integrations: this.integrations,
      log: this.log,
    });
  }

  // ---- account-level resources (API keys, usage plans, domain names) ---------------------------

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

  /** Read-modify-write of one account-level document; `change` returns the next value, or undefined to delete. */
  changeDocument<T>(
    collection: "apikeys" | "usageplans" | "domainnames" | "account",
    key: string,
    change: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    return this.serial.run(async () => {
      const current = (await this.store.get(collection, key)) as T | undefined;
      const next = change(current === undefined ? undefined : structuredClone(current));
      await this.store.commit([
        next === undefined ? { op: "delete", collection, key } : { op: "put", collection, key, value: next },
      ]);
      if (collection === "apikeys" || collection === "usageplans") await this.refreshApiKeys();
      return next;
    });
  }

  // ---- data plane ------------------------------------------------------------------------------

  /** Compiles every deployed stage of every API into the data plane (start-up, or another node's change). */
  async loadAll(): Promise<void> {
    const ids = new Set<string>();
    for (const d of await this.store.list("stages")) ids.add(d.key.split("/")[0]!);
    for (const d of await this.store.list("httpstages")) ids.add(d.key.split("/")[0]!);
    for (const id of ids) await this.refreshApi(id);
    await this.refreshApiKeys();
  }

  /** Recompiles one API's stages off the hot path, then swaps them in with one assignment. */
  async refreshApi(apiId: string): Promise<void> {
    const stages = new Map<string, CompiledStage>();
    let apiType: "REST" | "HTTP" | undefined;
    for (const doc of await this.store.list("stages", `${apiId}/`)) {
      const stage = doc.value as Stage;
      const deployment = await this.getDeployment(apiId, stage.deploymentId);
      if (deployment === undefined) continue;
      stages.set(stage.stageName, compileRestStage(stage, deployment, this.integrations));
      apiType = "REST";
    }
    for (const doc of await this.store.list("httpstages", `${apiId}/`)) {
      const stage = doc.value as HttpStage;
      if (stage.deploymentId === undefined) continue;
      const deployment = await this.getHttpDeployment(apiId, stage.deploymentId);
      if (deployment === undefined) continue;
      stages.set(stage.stageName, compileHttpStage(stage, deployment, this.integrations));
      apiType = "HTTP";
    }
    if (apiType === undefined) {
      this.dataPlane.remove(apiId);
      return;
    }
    const compiled: CompiledApi = { apiId, apiType, stages };
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
