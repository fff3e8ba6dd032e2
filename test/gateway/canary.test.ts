import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteDeploymentCommand,
  GetDeploymentsCommand,
  GetResourcesCommand,
  GetStageCommand,
  type PatchOperation,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateIntegrationResponseCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import type { CompiledStage } from "../../src/gateway/context.ts";
import { pickRelease } from "../../src/gateway/resolve.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

/** What the MOCK method answers: which deployment, the stage variables it saw, `$context.isCanaryRequest`. */
const template = (message: string) =>
  JSON.stringify({
    message,
    variable: "$stageVariables.testVar",
    added: "$stageVariables.noStageVar",
    nonOverridden: "$stageVariables.defaultVar",
    isCanary: "$context.isCanaryRequest",
    deploymentId: "$context.deploymentId",
  });

describe("canary releases", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway({
      functions: { echo: { handler: join(FIXTURES, "handlers.echo"), timeout: 2 } },
    });
    client = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  /** A REST API whose GET / is a MOCK answering `template(message)`. */
  async function mockApi(message = "default deployment"): Promise<{ apiId: string; rootId: string }> {
    const api = await client.send(new CreateRestApiCommand({ name: "Canary" }));
    const apiId = api.id!;
    const rootId = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    const m = { restApiId: apiId, resourceId: rootId, httpMethod: "GET" };
    await client.send(new PutMethodCommand({ ...m, authorizationType: "NONE" }));
    await client.send(new PutMethodResponseCommand({ ...m, statusCode: "200" }));
    await client.send(
      new PutIntegrationCommand({
        ...m,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        ...m,
        statusCode: "200",
        selectionPattern: "",
        responseTemplates: { "application/json": template(message) },
      }),
    );
    return { apiId, rootId };
  }

  async function setMessage(apiId: string, rootId: string, message: string): Promise<void> {
    await client.send(
      new UpdateIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rootId,
        httpMethod: "GET",
        statusCode: "200",
        patchOperations: [
          { op: "replace", path: "/responseTemplates/application~1json", value: template(message) },
        ],
      }),
    );
  }

  /** The production deployment on stage `dev` and a canary deployment with other content. */
  async function canaryStage(percentTraffic = 0) {
    const { apiId, rootId } = await mockApi();
    const production = await client.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "dev",
        variables: { testVar: "default", defaultVar: "default" },
      }),
    );
    await setMessage(apiId, rootId, "canary deployment");
    const canary = await client.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "dev",
        canarySettings: {
          percentTraffic,
          stageVariableOverrides: { testVar: "canary", noStageVar: "canary" },
        },
      }),
    );
    return { apiId, rootId, production: production.id!, canary: canary.id! };
  }

  const get = async (apiId: string) => JSON.parse((await gw.call(apiId, "/dev/")).text);
  const stageOf = (apiId: string, stageName = "dev") =>
    client.send(new GetStageCommand({ restApiId: apiId, stageName }));
  const patch = (apiId: string, patchOperations: PatchOperation[], stageName = "dev") =>
    client.send(new UpdateStageCommand({ restApiId: apiId, stageName, patchOperations }));
  const rejects = async (promise: Promise<unknown>, message: string | RegExp) =>
    assert.rejects(promise, (err: Error) => {
      assert.equal(err.name, "BadRequestException");
      if (typeof message === "string") assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });

  test("picking the release: percentTraffic 0 and 100 are exact, between them the random draw decides", () => {
    const release = { stageName: "canary" } as CompiledStage;
    const at = (percentTraffic: number) =>
      ({ stageName: "production", canary: { percentTraffic, release } }) as unknown as CompiledStage;
    assert.equal(pickRelease(at(0), () => 0).stageName, "production");
    assert.equal(pickRelease(at(100), () => 0.999_999).stageName, "canary");
    assert.equal(pickRelease(at(50), () => 0.49).stageName, "canary");
    assert.equal(pickRelease(at(50), () => 0.5).stageName, "production");
    assert.equal(pickRelease(at(10.5), () => 0.104).stageName, "canary");
    assert.equal(pickRelease(at(10.5), () => 0.106).stageName, "production");
    const plain = { stageName: "plain" } as CompiledStage;
    assert.equal(pickRelease(plain, () => 0).stageName, "plain");
  });

  test("CreateDeployment with canarySettings keeps the stage's deployment and makes the new one its canary", async () => {
    const { apiId, production, canary } = await canaryStage(0);
    const stage = await stageOf(apiId);
    assert.equal(stage.deploymentId, production);
    assert.deepEqual(stage.canarySettings, {
      deploymentId: canary,
      percentTraffic: 0,
      stageVariableOverrides: { testVar: "canary", noStageVar: "canary" },
      useStageCache: false,
    });
    assert.deepEqual(stage.variables, { testVar: "default", defaultVar: "default" });
  });

  test("at 0 % every request is production's, at 100 % the canary's with the overridden stage variables", async () => {
    const { apiId, production, canary } = await canaryStage(0);
    for (let i = 0; i < 20; i++) {
      // `added` is unset here; its rendering (AWS: empty) belongs to the template engine's tests.
      const { added: _, ...body } = await get(apiId);
      assert.deepEqual(body, {
        message: "default deployment",
        variable: "default",
        nonOverridden: "default",
        isCanary: "false",
        deploymentId: production,
      });
    }
    const updated = await patch(apiId, [
      { op: "replace", path: "/canarySettings/percentTraffic", value: "100.0" },
    ]);
    assert.equal(updated.canarySettings?.percentTraffic, 100);
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await get(apiId), {
        message: "canary deployment",
        variable: "canary",
        added: "canary",
        nonOverridden: "default",
        isCanary: "true",
        deploymentId: canary,
      });
    }
  });

  test("at 50 % both releases are reached (probabilistic: all 200 requests on one side has odds 2^-199)", async () => {
    const { apiId } = await canaryStage(50);
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 2; i++) seen.add((await get(apiId)).message);
    assert.deepEqual([...seen].sort(), ["canary deployment", "default deployment"]);
  });

  test("UpdateStage edits the canary: overrides, deployment, useStageCache; remove /canarySettings ends it", async () => {
    const { apiId, production } = await canaryStage(100);
    let stage = await patch(apiId, [
      { op: "replace", path: "/canarySettings/stageVariableOverrides/testVar", value: "updated" },
      { op: "remove", path: "/canarySettings/stageVariableOverrides/noStageVar" },
      { op: "replace", path: "/canarySettings/useStageCache", value: "true" },
    ]);
    assert.deepEqual(stage.canarySettings?.stageVariableOverrides, { testVar: "updated" });
    assert.equal(stage.canarySettings?.useStageCache, true);
    assert.equal((await get(apiId)).variable, "updated", "a canary variable takes effect without a redeploy");
    stage = await patch(apiId, [{ op: "replace", path: "/canarySettings/deploymentId", value: production }]);
    assert.equal(stage.canarySettings?.deploymentId, production);
    const body = await get(apiId);
    assert.equal(body.message, "default deployment");
    assert.equal(body.isCanary, "true", "the canary runs production's deployment, still as the canary");
    stage = await patch(apiId, [{ op: "remove", path: "/canarySettings" }]);
    assert.equal(stage.canarySettings, undefined);
    assert.equal((await stageOf(apiId)).canarySettings, undefined);
    const plain = await get(apiId);
    assert.equal(plain.message, "default deployment");
    assert.equal(plain.variable, "default");
  });

  test("a canary made by UpdateStage starts on the stage's own deployment at 0 %", async () => {
    const { apiId } = await mockApi();
    const d = await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev" }));
    const stage = await patch(apiId, [
      { op: "replace", path: "/canarySettings/percentTraffic", value: "50" },
    ]);
    assert.deepEqual(stage.canarySettings, { deploymentId: d.id, percentTraffic: 50, useStageCache: false });
  });

  test("promoting: copy the canary's deployment and variables onto the stage, then remove the canary", async () => {
    const { apiId, canary } = await canaryStage(10);
    const promoted = await patch(apiId, [
      { op: "replace", path: "/canarySettings/percentTraffic", value: "0.0" },
      { op: "copy", from: "/canarySettings/deploymentId", path: "/deploymentId" },
      { op: "copy", from: "/canarySettings/stageVariableOverrides", path: "/variables" },
    ]);
    assert.equal(promoted.deploymentId, canary);
    assert.deepEqual(promoted.variables, { testVar: "canary", defaultVar: "default", noStageVar: "canary" });
    assert.equal(promoted.canarySettings?.percentTraffic, 0, "promoting does not disable the canary");
    const body = await get(apiId);
    assert.equal(body.message, "canary deployment");
    assert.equal(body.isCanary, "false");
    assert.equal(body.deploymentId, canary);
    await patch(apiId, [{ op: "remove", path: "/canarySettings" }]);
    assert.equal((await get(apiId)).message, "canary deployment");
    // With the canary gone the stage takes ordinary deployments again.
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev" }));
  });

  test("AWS_PROXY: a canary request's event carries the overridden stage variables and deployment", async () => {
    const api = await client.send(new CreateRestApiCommand({ name: "CanaryLambda" }));
    const apiId = api.id!;
    const rootId = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    const m = { restApiId: apiId, resourceId: rootId, httpMethod: "GET" };
    await client.send(new PutMethodCommand({ ...m, authorizationType: "NONE" }));
    await client.send(
      new PutIntegrationCommand({
        ...m,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations",
      }),
    );
    await client.send(
      new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev", variables: { colour: "blue" } }),
    );
    await client.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "dev",
        canarySettings: { percentTraffic: 100, stageVariableOverrides: { colour: "green", extra: "x" } },
      }),
    );
    const r = await gw.call(apiId, "/dev/");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text).event.stageVariables, { colour: "green", extra: "x" });
  });

  test("with useStageCache a canary on another deployment keeps its own cache entries; without it, none", async () => {
    const { apiId } = await canaryStage(0);
    await patch(apiId, [{ op: "replace", path: "/cacheClusterEnabled", value: "true" }]);
    assert.equal((await get(apiId)).message, "default deployment", "production's answer is now cached");
    await patch(apiId, [
      { op: "replace", path: "/canarySettings/percentTraffic", value: "100" },
      { op: "replace", path: "/canarySettings/useStageCache", value: "true" },
    ]);
    assert.equal((await get(apiId)).message, "canary deployment", "not production's cached answer");
    await patch(apiId, [{ op: "replace", path: "/canarySettings/useStageCache", value: "false" }]);
    assert.equal((await get(apiId)).message, "canary deployment");
  });

  test("CreateDeployment refuses a canary without an existing stage, and stores nothing", async () => {
    const { apiId } = await mockApi();
    const canarySettings = { percentTraffic: 50, stageVariableOverrides: { testVar: "canary" } };
    await rejects(
      client.send(new CreateDeploymentCommand({ restApiId: apiId, canarySettings })),
      "Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is null",
    );
    await rejects(
      client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "", canarySettings })),
      "Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is ",
    );
    await rejects(
      client.send(
        new CreateDeploymentCommand({ restApiId: apiId, stageName: "non-existing", canarySettings }),
      ),
      "Invalid deployment content specified.Stage non-existing must already be created before making a canary release deployment",
    );
    assert.equal((await client.send(new GetDeploymentsCommand({ restApiId: apiId }))).items?.length ?? 0, 0);
  });

  test("a stage with a canary takes only canary deployments", async () => {
    const { apiId, production } = await canaryStage(0);
    await rejects(
      client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev" })),
      "Invalid deployment content specified.Non canary deployment not supported on stage dev because Canary is enabled. Provide CanarySettings in deploymentInput.",
    );
    assert.equal((await stageOf(apiId)).deploymentId, production);
    assert.equal((await client.send(new GetDeploymentsCommand({ restApiId: apiId }))).items?.length, 2);
  });

  test("an out-of-range percentTraffic is refused everywhere and changes nothing", async () => {
    const { apiId } = await canaryStage(10);
    const before = await stageOf(apiId);
    for (const value of ["101", "-1", "abc", "", "NaN", "Infinity"]) {
      await rejects(
        patch(apiId, [{ op: "replace", path: "/canarySettings/percentTraffic", value }]),
        "Canary traffic percentage must be between 0.0 and 100.0",
      );
    }
    for (const percentTraffic of [101, -1]) {
      await rejects(
        client.send(
          new CreateDeploymentCommand({
            restApiId: apiId,
            stageName: "dev",
            canarySettings: { percentTraffic },
          }),
        ),
        "Canary traffic percentage must be between 0.0 and 100.0",
      );
    }
    const after = await stageOf(apiId);
    assert.deepEqual(after.canarySettings, before.canarySettings);
    assert.equal((await client.send(new GetDeploymentsCommand({ restApiId: apiId }))).items?.length, 2);
  });

  test("UpdateStage's canary errors are AWS's, and a refused patch changes nothing", async () => {
    const { apiId, production } = await canaryStage(10);
    const before = await stageOf(apiId);
    await rejects(
      patch(apiId, [{ op: "replace", path: "/canarySettings/deploymentId", value: "deploy" }]),
      "Deployment id does not exist",
    );
    await rejects(
      patch(apiId, [{ op: "add", path: "/canarySettings/deploymentId", value: production }]),
      "Invalid add operation with path: /canarySettings/deploymentId",
    );
    await rejects(
      patch(apiId, [{ op: "remove", path: "/canarySettings/stageVariableOverrides" }]),
      "Cannot remove method setting canarySettings/stageVariableOverrides because there is no method setting for this method ",
    );
    await rejects(
      patch(apiId, [{ op: "remove", path: "/canarySettings/badPath" }]),
      "Cannot remove method setting canarySettings/badPath because there is no method setting for this method ",
    );
    await rejects(
      patch(apiId, [{ op: "replace", path: "/canarySettings/badPath", value: "badPath" }]),
      /^Invalid method setting path: \/canarySettings\/badPath\. Must be one of: \[\/deploymentId, /,
    );
    await rejects(
      patch(apiId, [{ op: "replace", path: "/canarySettings", value: "test" }]),
      /^Invalid method setting path: \/canarySettings\. Must be one of/,
    );
    await rejects(
      patch(apiId, [{ op: "copy", path: "/canarySettings/stageVariableOverrides", from: "/variables" }]),
      "Invalid copy operation with path: /canarySettings/stageVariableOverrides and from /variables. Valid copy:path are [/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]",
    );
    await rejects(
      patch(apiId, [
        { op: "replace", path: "/canarySettings/percentTraffic", value: "90" },
        { op: "replace", path: "/canarySettings/stageVariableOverrides/bad-name", value: "x" },
      ]),
      /Invalid stage variable name/,
    );
    const after = await stageOf(apiId);
    assert.deepEqual(after.canarySettings, before.canarySettings);
    assert.equal(after.canarySettings?.percentTraffic, 10);
    assert.deepEqual(after.variables, before.variables);
    assert.equal(after.deploymentId, before.deploymentId);
  });

  test("promotion needs a canary", async () => {
    const { apiId } = await mockApi();
    await client.send(
      new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev", variables: { testVar: "test" } }),
    );
    await rejects(
      patch(apiId, [
        { op: "copy", from: "/canarySettings/stageVariableOverrides", path: "/variables" },
        { op: "copy", from: "/canarySettings/deploymentId", path: "/deploymentId" },
      ]),
      "Promotion not available. Canary does not exist.",
    );
    assert.equal((await stageOf(apiId)).canarySettings, undefined);
  });

  test("CreateStage takes canarySettings; an unknown canary deployment is refused", async () => {
    const { apiId, rootId } = await mockApi();
    const first = await client.send(new CreateDeploymentCommand({ restApiId: apiId }));
    await setMessage(apiId, rootId, "second deployment");
    const second = await client.send(new CreateDeploymentCommand({ restApiId: apiId }));
    const stage = await client.send(
      new CreateStageCommand({
        restApiId: apiId,
        stageName: "dev",
        deploymentId: first.id,
        variables: { testVar: "default" },
        canarySettings: {
          deploymentId: second.id,
          percentTraffic: 100,
          stageVariableOverrides: { testVar: "c" },
        },
      }),
    );
    assert.deepEqual(stage.canarySettings, {
      deploymentId: second.id,
      percentTraffic: 100,
      stageVariableOverrides: { testVar: "c" },
      useStageCache: false,
    });
    const body = await get(apiId);
    assert.equal(body.message, "second deployment");
    assert.equal(body.variable, "c");
    await rejects(
      client.send(
        new CreateStageCommand({
          restApiId: apiId,
          stageName: "dev3",
          deploymentId: first.id,
          canarySettings: { deploymentId: "deploy" },
        }),
      ),
      "Deployment id does not exist",
    );
    assert.equal((await gw.call(apiId, "/dev3/")).status, 403, "no stage was created");
    // A deployment serving as a canary cannot be deleted.
    await assert.rejects(
      client.send(new DeleteDeploymentCommand({ restApiId: apiId, deploymentId: second.id })),
      (err: Error) => err.name === "BadRequestException",
    );
  });
});
