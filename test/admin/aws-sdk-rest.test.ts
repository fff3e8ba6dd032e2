import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateIntegrationCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

describe("the AWS SDK (client-api-gateway) builds a REST API step by step", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway();
    backend = await startEchoBackend();
    client = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("create → resources → method → integration → deploy → invoke → patch → delete", async () => {
    const api = await client.send(
      new CreateRestApiCommand({ name: "StepByStep", description: "built by the SDK" }),
    );
    assert.match(api.id!, /^[a-z0-9]{10}$/);
    assert.ok(api.createdDate instanceof Date);
    const { items } = await client.send(new GetResourcesCommand({ restApiId: api.id }));
    assert.equal(items?.length, 1);
    const rootId = items![0]!.id!;
    const pets = await client.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: rootId, pathPart: "pets" }),
    );
    assert.equal(pets.path, "/pets");
    const pet = await client.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: pets.id, pathPart: "{petId}" }),
    );
    assert.equal(pet.path, "/pets/{petId}");

    await client.send(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: pet.id,
        httpMethod: "GET",
        authorizationType: "NONE",
        requestParameters: { "method.request.path.petId": true },
      }),
    );
    const integration = await client.send(
      new PutIntegrationCommand({
        restApiId: api.id,
        resourceId: pet.id,
        httpMethod: "GET",
        type: "HTTP_PROXY",
        integrationHttpMethod: "GET",
        uri: `${backend.url}/animals/{id}`,
        requestParameters: { "integration.request.path.id": "method.request.path.petId" },
      }),
    );
    assert.equal(integration.timeoutInMillis, 29000);
    assert.equal(integration.passthroughBehavior, "WHEN_NO_MATCH");
    assert.deepEqual(integration.cacheKeyParameters, []);

    await client.send(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: pets.id,
        httpMethod: "GET",
        authorizationType: "NONE",
      }),
    );
    await client.send(
      new PutIntegrationCommand({
        restApiId: api.id,
        resourceId: pets.id,
        httpMethod: "GET",
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    await client.send(
      new PutMethodResponseCommand({
        restApiId: api.id,
        resourceId: pets.id,
        httpMethod: "GET",
        statusCode: "200",
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: api.id,
        resourceId: pets.id,
        httpMethod: "GET",
        statusCode: "200",
        responseTemplates: { "application/json": '{"pets":[]}' },
      }),
    );

    const deployment = await client.send(
      new CreateDeploymentCommand({ restApiId: api.id, stageName: "dev", description: "first" }),
    );
    assert.ok(deployment.id);
    assert.equal((await gw.call(api.id!, "/dev/pets")).text, '{"pets":[]}');
    const proxied = await gw.call(api.id!, "/dev/pets/42");
    assert.equal(JSON.parse(proxied.text).url, "/animals/42");

    // Stage method settings: AWS's TTL bounds.
    const updated = await client.send(
      new UpdateStageCommand({
        restApiId: api.id,
        stageName: "dev",
        patchOperations: [
          { op: "replace", path: "/*/*/caching/ttlInSeconds", value: "3600" },
          { op: "replace", path: "/~1pets/GET/throttling/rateLimit", value: "50" },
          { op: "replace", path: "/variables/colour", value: "blue" },
        ],
      }),
    );
    assert.equal(updated.methodSettings?.["*/*"]?.cacheTtlInSeconds, 3600);
    assert.equal(updated.methodSettings?.["~1pets/GET"]?.throttlingRateLimit, 50);
    assert.deepEqual(updated.variables, { colour: "blue" });
    await assert.rejects(
      client.send(
        new UpdateStageCommand({
          restApiId: api.id,
          stageName: "dev",
          patchOperations: [{ op: "replace", path: "/*/*/caching/ttlInSeconds", value: "3601" }],
        }),
      ),
      (err: Error) => err.name === "BadRequestException",
    );
    const stage = await client.send(new GetStageCommand({ restApiId: api.id, stageName: "dev" }));
    assert.equal(stage.methodSettings?.["*/*"]?.cacheTtlInSeconds, 3600, "the refused patch changed nothing");

    // Edits are not live until redeployed.
    await client.send(
      new UpdateIntegrationCommand({
        restApiId: api.id,
        resourceId: pet.id,
        httpMethod: "GET",
        patchOperations: [{ op: "replace", path: "/uri", value: `${backend.url}/beasts/{id}` }],
      }),
    );
    assert.equal(JSON.parse((await gw.call(api.id!, "/dev/pets/1")).text).url, "/animals/1");
    const second = await client.send(new CreateDeploymentCommand({ restApiId: api.id }));
    await client.send(
      new CreateStageCommand({ restApiId: api.id, stageName: "v2", deploymentId: second.id }),
    );
    assert.equal(JSON.parse((await gw.call(api.id!, "/v2/pets/1")).text).url, "/beasts/1");
    assert.equal(JSON.parse((await gw.call(api.id!, "/dev/pets/1")).text).url, "/animals/1");

    const renamed = await client.send(
      new UpdateRestApiCommand({
        restApiId: api.id,
        patchOperations: [{ op: "replace", path: "/name", value: "Renamed" }],
      }),
    );
    assert.equal(renamed.name, "Renamed");
    assert.ok((await client.send(new GetRestApisCommand({}))).items?.some((a) => a.id === api.id));

    await client.send(new DeleteResourceCommand({ restApiId: api.id, resourceId: pets.id }));
    const after = await client.send(new GetResourcesCommand({ restApiId: api.id }));
    assert.deepEqual(
      after.items?.map((r) => r.path),
      ["/"],
      "deleting /pets removed /pets/{petId} too",
    );

    await client.send(new DeleteRestApiCommand({ restApiId: api.id }));
    await assert.rejects(
      client.send(new GetRestApiCommand({ restApiId: api.id })),
      (err: Error) => err.name === "NotFoundException",
    );
    assert.equal((await gw.call(api.id!, "/dev/pets")).status, 404, "a deleted API is no longer served");
  });

  test("AWS's errors for bad input, and nothing changes", async () => {
    const api = await client.send(new CreateRestApiCommand({ name: "Errors" }));
    const root = (await client.send(new GetResourcesCommand({ restApiId: api.id }))).items![0]!.id!;
    const expect = async (
      // biome-ignore lint/suspicious/noExplicitAny: any command of this client
      command: any,
      name: string,
      message: RegExp,
    ) => {
      await assert.rejects(client.send(command), (err: Error) => {
        assert.equal(err.name, name);
        assert.match(err.message, message);
        return true;
      });
    };
    await expect(new CreateRestApiCommand({ name: "" }), "BadRequestException", /name/);
    await expect(
      new GetRestApiCommand({ restApiId: "nope000000" }),
      "NotFoundException",
      /Invalid API identifier specified/,
    );
    await expect(
      new CreateResourceCommand({ restApiId: api.id, parentId: "nope", pathPart: "x" }),
      "NotFoundException",
      /Invalid Resource identifier specified/,
    );
    await expect(
      new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "bad path" }),
      "BadRequestException",
      /path part only allow/,
    );
    const greedy = await client.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "{proxy+}" }),
    );
    await expect(
      new CreateResourceCommand({ restApiId: api.id, parentId: greedy.id, pathPart: "x" }),
      "BadRequestException",
      /Cannot create a child of a resource with a greedy path variable: \{proxy\+\}/,
    );
    await expect(
      new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "{id}" }),
      "BadRequestException",
      /only one is allowed/,
    );
    await expect(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: root,
        httpMethod: "FETCH",
        authorizationType: "NONE",
      }),
      "BadRequestException",
      /Invalid HttpMethod specified/,
    );
    await client.send(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: root,
        httpMethod: "GET",
        authorizationType: "NONE",
      }),
    );
    await expect(
      new PutIntegrationCommand({
        restApiId: api.id,
        resourceId: root,
        httpMethod: "GET",
        type: "HTTP",
        integrationHttpMethod: "GET",
        uri: "not a url",
      }),
      "BadRequestException",
      /Invalid HTTP endpoint specified for URI/,
    );
    await expect(
      new UpdateRestApiCommand({
        restApiId: api.id,
        patchOperations: [{ op: "replace", path: "/nonsense", value: "x" }],
      }),
      "BadRequestException",
      /Invalid patch path \/nonsense/,
    );
    await expect(
      new CreateDeploymentCommand({ restApiId: api.id, stageName: "bad stage" }),
      "BadRequestException",
      /Stage name/,
    );
    const resources = await client.send(new GetResourcesCommand({ restApiId: api.id, embed: ["methods"] }));
    assert.deepEqual(resources.items?.map((r) => r.path).sort(), ["/", "/{proxy+}"]);
    assert.equal(
      resources.items?.find((r) => r.path === "/")?.resourceMethods?.GET?.methodIntegration,
      undefined,
    );
    assert.equal((await client.send(new GetRestApiCommand({ restApiId: api.id }))).name, "Errors");
  });
});
