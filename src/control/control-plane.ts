import { storedPolicy } from "../auth/policy/expand-policy.ts";
import { newDeploymentId } from "../model/ids.ts";
import type { Deployment, RestApiDefinition, Stage } from "../model/rest-api.ts";
import type { WriteOp } from "../state/store.ts";
import { canarySettings, checkCanaryDeployment } from "./canary.ts";
import type { DeployOptions } from "./control-core.ts";
import { badRequest, notFound } from "./errors.ts";
import { HttpApiControl } from "./http-api-control.ts";
import { checkDescription, checkStageVariables } from "./limits.ts";
import { checkNewStage, checkStageChange } from "./stage-limits.ts";
import { type TestInvokeInput, type TestInvokeResult, testInvokeMethod } from "./test-invoke.ts";
import {
  type TestInvokeAuthorizerInput,
  type TestInvokeAuthorizerResult,
  testInvokeAuthorizer,
} from "./test-invoke-authorizer.ts";

export type { DeployOptions, RouteListing } from "./control-core.ts";

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The control plane: every change to APIs, deployments and stages goes through here (the admin API
 * and the CLI alike). A change is committed to the store before it is acknowledged, then the
 * affected API is recompiled and swapped into the data plane.
 */
/**
 * The control plane: every change to APIs, deployments, stages and account resources goes through here
 * (the admin API and the CLI alike). A change is committed to the store before it is acknowledged, then
 * the affected API is recompiled and swapped into the data plane.
 */
export class ControlPlane extends HttpApiControl {
  // ---- REST APIs -------------------------------------------------------------------------------

  /** A resource policy is stored as AWS stores it: `execute-api:/…` expanded to this API's ARN. */
  private expandPolicy(definition: RestApiDefinition): void {
    const { api } = definition;
    if (api.policy === undefined) return;
    api.policy = storedPolicy(api.policy, {
      region: this.region,
      accountId: this.integrations.accountId,
      apiId: api.id,
    });
  }

  async getRestApi(apiId: string): Promise<RestApiDefinition | undefined> {
    return (await this.store.get("restapis", apiId)) as RestApiDefinition | undefined;
  }

  async listRestApis(): Promise<RestApiDefinition[]> {
    return (await this.store.list("restapis")).map((d) => d.value as RestApiDefinition);
  }

  /** Stores a whole definition (import or overwrite). Resolves once durable. */
  putRestApi(definition: RestApiDefinition): Promise<void> {
    return this.serial.run(async () => {
      this.expandPolicy(definition);
      await this.store.commit([
        { op: "put", collection: "restapis", key: definition.api.id, value: definition },
      ]);
      this.renamedRestApi(definition.api.id, definition.api.name);
    });
  }

  /** CreateDeployment with a stageName: freezes the current definition and points the stage at it. */
  deployRestApi(apiId: string, options: DeployOptions): Promise<Deployment> {
    return this.serial.run(async () => {
      const definition = await this.getRestApi(apiId);
      if (definition === undefined) throw notFound("Invalid API identifier specified");
      const { canarySettings: canary } = options;
      const prior =
        options.stageName === undefined
          ? undefined
          : ((await this.store.get("stages", `${apiId}/${options.stageName}`)) as Stage | undefined);
      checkCanaryDeployment(options.stageName, prior, canary);
      if (options.stageName !== undefined && !STAGE_NAME.test(options.stageName)) {
        throw badRequest("Stage name only allows a-zA-Z0-9_ and -, and must be 128 characters or fewer");
      }
      if (Object.keys(definition.resources).every((id) => !definition.resources[id]?.resourceMethods)) {
        throw badRequest("The REST API doesn't contain any methods");
      }
      // AWS refuses the whole deployment for one method without an integration (it names none).
      const methods = Object.values(definition.resources).flatMap((r) =>
        Object.values(r.resourceMethods ?? {}),
      );
      if (methods.some((m) => m.methodIntegration === undefined))
        throw badRequest("No integration defined for method");
      checkDescription(options.description);
      checkDescription(options.stageDescription, "stageDescription");
      checkStageVariables(options.variables);
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
        if (prior === undefined) checkNewStage((await this.store.list("stages", `${apiId}/`)).length);
        const stage: Stage = {
          restApiId: apiId,
          stageName: options.stageName,
          // A canary deployment leaves the stage's own deployment in place and becomes its canary.
          deploymentId: canary === undefined || prior === undefined ? deployment.id : prior.deploymentId,
          description: options.stageDescription ?? prior?.description,
          variables: options.variables ?? prior?.variables,
          cacheClusterEnabled: prior?.cacheClusterEnabled ?? false,
          cacheClusterStatus: prior?.cacheClusterStatus ?? "NOT_AVAILABLE",
          tracingEnabled: options.tracingEnabled ?? prior?.tracingEnabled ?? false,
          methodSettings: prior?.methodSettings ?? {},
          ...(prior?.accessLogSettings === undefined ? {} : { accessLogSettings: prior.accessLogSettings }),
          tags: prior?.tags,
          createdDate: prior?.createdDate ?? now,
          lastUpdatedDate: now,
        };
        if (canary !== undefined) stage.canarySettings = canarySettings(canary, deployment.id);
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

  /**
   * Read-modify-write of one REST API: `change` edits a draft; nothing is stored if it throws. AWS
   * answers a missing API in its own words per operation (`missing`).
   */
  mutateRestApi<T>(
    apiId: string,
    change: (draft: RestApiDefinition) => T,
    missing = "Invalid API identifier specified",
  ): Promise<T> {
    return this.serial.run(async () => {
      const current = await this.getRestApi(apiId);
      if (current === undefined) throw notFound(missing);
      const draft = structuredClone(current);
      const result = change(draft);
      this.expandPolicy(draft);
      await this.store.commit([{ op: "put", collection: "restapis", key: apiId, value: draft }]);
      this.renamedRestApi(apiId, draft.api.name);
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
      if (next !== undefined) {
        checkStageChange(current, next, (s) => s.variables);
        if (current === undefined) checkNewStage((await this.store.list("stages", `${apiId}/`)).length);
      }
      if (next !== undefined && (await this.getDeployment(apiId, next.deploymentId)) === undefined) {
        throw notFound("Invalid deployment identifier specified");
      }
      const canary = next?.canarySettings?.deploymentId;
      if (
        canary !== undefined &&
        canary !== current?.canarySettings?.deploymentId &&
        (await this.getDeployment(apiId, canary)) === undefined
      )
        throw badRequest("Deployment id does not exist");
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
      if (
        stages.some((s) => s.deploymentId === deploymentId || s.canarySettings?.deploymentId === deploymentId)
      ) {
        throw badRequest("Active stages pointing to this deployment must be moved or deleted");
      }
      await this.store.commit([{ op: "delete", collection: "deployments", key: `${apiId}/${deploymentId}` }]);
    });
  }

  /** TestInvokeMethod on the current definition (see test-invoke.ts). */
  async testInvokeMethod(
    apiId: string,
    resourceId: string,
    httpMethod: string,
    input: TestInvokeInput,
  ): Promise<TestInvokeResult> {
    const def = await this.getRestApi(apiId);
    // A resource-scoped operation: AWS answers a missing API as a missing resource.
    if (def === undefined) throw notFound("Invalid Resource identifier specified");
    return testInvokeMethod(def, resourceId, httpMethod, input, {
      integrations: this.integrations,
      log: this.log,
    });
  }

  /** TestInvokeAuthorizer on the current definition (see test-invoke-authorizer.ts). */
  async testInvokeAuthorizer(
    apiId: string,
    authorizerId: string,
    input: TestInvokeAuthorizerInput,
  ): Promise<TestInvokeAuthorizerResult> {
    const def = await this.getRestApi(apiId);
    if (def === undefined) throw notFound("Invalid API identifier specified");
    return testInvokeAuthorizer(def, authorizerId, input, {
      integrations: this.integrations,
      log: this.log,
      region: this.region,
    });
  }

  // ---- account-level resources (API keys, usage plans, domain names) ---------------------------

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
      // A mapping created, changed or deleted is served (or refused) from the next request on.
      if (collection === "domainnames") await this.refreshDomains();
      return next;
    });
  }

  /**
   * Puts several account-level documents in one atomic commit (ImportApiKeys): `compute` reads what
   * it needs inside the write serialiser, so nothing changes between its reads and the commit, and
   * returns the documents to put; a throw from it writes nothing.
   */
  putDocuments<R>(
    compute: () => Promise<{
      puts: { collection: "apikeys" | "usageplans"; key: string; value: unknown }[];
      result: R;
    }>,
  ): Promise<R> {
    return this.serial.run(async () => {
      const { puts, result } = await compute();
      if (puts.length > 0) {
        await this.store.commit(puts.map((p) => ({ op: "put" as const, ...p })));
        await this.refreshApiKeys();
      }
      return result;
    });
  }
}
