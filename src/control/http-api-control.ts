import { isDeepStrictEqual } from "node:util";
import type { HttpApiDefinition, HttpDeployment, HttpStage } from "../model/http-api.ts";
import { newDeploymentId } from "../model/ids.ts";
import type { WriteOp } from "../state/store.ts";
import { ControlCore } from "./control-core.ts";
import { badRequest, notFound } from "./errors.ts";
import { checkDescription, checkStageVariables } from "./limits.ts";
import { checkNewStage, checkStageChange } from "./stage-limits.ts";

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** AWS's refusal to deploy a WebSocket API without routes (auto-deploy stages record it instead). */
const NO_ROUTES = "At least one route is required before deploying the Api.";

export function checkDeployable(definition: HttpApiDefinition): void {
  if (definition.api.protocolType === "WEBSOCKET" && Object.keys(definition.routes).length === 0)
    throw badRequest(NO_ROUTES);
}

export function checkHttpStageName(stageName: string): void {
  if (stageName !== "$default" && !STAGE_NAME.test(stageName)) {
    throw badRequest("Stage name only allows a-zA-Z0-9_ and -, or $default");
  }
}

/** HTTP API (apigatewayv2) operations of the control plane. */
export class HttpApiControl extends ControlCore {
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
      checkHttpStageName(options.stageName);
      checkDescription(options.description);
      checkStageVariables(options.variables);
      checkDeployable(definition);
      const key = `${apiId}/${options.stageName}`;
      const prior = (await this.store.get("httpstages", key)) as HttpStage | undefined;
      if (prior === undefined) checkNewStage((await this.listHttpStages(apiId)).length);
      const now = Date.now();
      const stage: HttpStage = {
        apiId,
        stageName: options.stageName,
        autoDeploy: options.autoDeploy ?? prior?.autoDeploy ?? false,
        stageVariables: options.variables ?? prior?.stageVariables,
        description: options.description ?? prior?.description,
        // A redeploy keeps the stage's settings, as CreateDeployment on AWS does.
        ...(prior?.defaultRouteSettings === undefined
          ? {}
          : { defaultRouteSettings: prior.defaultRouteSettings }),
        ...(prior?.routeSettings === undefined ? {} : { routeSettings: prior.routeSettings }),
        ...(prior?.accessLogSettings === undefined ? {} : { accessLogSettings: prior.accessLogSettings }),
        ...(prior?.tags === undefined ? {} : { tags: prior.tags }),
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
    change: (current: HttpStage | undefined, definition: HttpApiDefinition) => HttpStage | undefined,
  ): Promise<HttpStage | undefined> {
    return this.serial.run(async () => {
      const definition = await this.getHttpApi(apiId);
      if (definition === undefined) throw notFound(`Invalid API identifier specified ${apiId}`);
      const key = `${apiId}/${stageName}`;
      const current = (await this.store.get("httpstages", key)) as HttpStage | undefined;
      const next = change(current === undefined ? undefined : structuredClone(current), definition);
      if (next !== undefined) {
        checkStageChange(current, next, (s) => s.stageVariables);
        if (current === undefined) checkNewStage((await this.listHttpStages(apiId)).length);
      }
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
      checkDescription(options.description);
      checkDeployable(definition);
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

  /** UpdateDeployment: only its description changes (a deployment's snapshot is immutable). */
  updateHttpDeployment(
    apiId: string,
    deploymentId: string,
    changes: { description?: unknown },
  ): Promise<HttpDeployment> {
    return this.serial.run(async () => {
      const deployment = await this.getHttpDeployment(apiId, deploymentId);
      if (deployment === undefined) throw notFound(`Invalid deployment identifier specified ${deploymentId}`);
      if (changes.description !== undefined) {
        if (typeof changes.description !== "string") throw badRequest("Invalid description");
        checkDescription(changes.description);
        deployment.description = changes.description;
      }
      await this.store.commit([
        { op: "put", collection: "httpdeployments", key: `${apiId}/${deploymentId}`, value: deployment },
      ]);
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

  /**
   * A new deployment of `definition` and `stage` pointing at it. An automatic deployment that AWS would
   * refuse leaves the stage on its deployment and says why in `lastDeploymentStatusMessage`, as AWS does.
   */
  protected httpDeploymentOps(definition: HttpApiDefinition, stage: HttpStage, auto: boolean): WriteOp[] {
    const apiId = definition.api.apiId;
    const key = `${apiId}/${stage.stageName}`;
    if (auto) {
      try {
        checkDeployable(definition);
      } catch (err) {
        const lastDeploymentStatusMessage = `Deployment attempt failed: ${(err as Error).message}`;
        return [
          { op: "put", collection: "httpstages", key, value: { ...stage, lastDeploymentStatusMessage } },
        ];
      }
    }
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
        key,
        value: {
          ...stage,
          deploymentId: deployment.deploymentId,
          lastDeploymentStatusMessage: auto
            ? `Successfully deployed stage with deployment ID '${deployment.deploymentId}'`
            : undefined,
        },
      },
    ];
  }
}
