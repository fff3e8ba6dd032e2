import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  FlushStageCacheCommand,
  GetResourcesCommand,
  GetTagsCommand,
  ImportRestApiCommand,
  TagResourceCommand,
  TestInvokeMethodCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-api-gateway";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

describe("test-invoke-method, tags and flush-stage-cache through the AWS SDK", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: APIGatewayClient;
  let apiId: string;
  before(async () => {
    gw = await startTestGateway();
    backend = await startEchoBackend();
    client = new APIGatewayClient(adminClientConfig(gw));
    const doc = `openapi: 3.0.1
info: { title: Invoke, version: "1" }
paths:
  /items/{id}:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/v/\${stageVariables.v}/{id}" }
`;
    apiId = (await client.send(new ImportRestApiCommand({ body: Buffer.from(doc) }))).id!;
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("test-invoke-method runs the undeployed definition through the real pipeline", async () => {
    const resource = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find(
      (r) => r.path === "/items/{id}",
    )!;
    const result = await client.send(
      new TestInvokeMethodCommand({
        restApiId: apiId,
        resourceId: resource.id,
        httpMethod: "GET",
        pathWithQueryString: "/items/7?x=1",
        headers: { "x-test": "yes" },
        stageVariables: { v: "3" },
      }),
    );
    assert.equal(result.status, 200);
    const echo = JSON.parse(result.body!) as { url: string; headers: Record<string, string> };
    assert.equal(echo.url, "/v/3/7?x=1");
    assert.equal(echo.headers["x-test"], "yes");
    assert.match(result.log!, /Method completed with status: 200/);
    assert.ok(result.headers?.["x-amzn-requestid"]);
  });

  test("tags on a REST API and a stage; flush-stage-cache", async () => {
    await client.send(
      new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod", variables: { v: "1" } }),
    );
    const apiArn = `arn:aws:apigateway:us-east-1::/restapis/${apiId}`;
    await client.send(new TagResourceCommand({ resourceArn: apiArn, tags: { team: "pets", env: "dev" } }));
    await client.send(new UntagResourceCommand({ resourceArn: apiArn, tagKeys: ["env"] }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: apiArn }))).tags, { team: "pets" });
    const stageArn = `${apiArn}/stages/prod`;
    await client.send(new TagResourceCommand({ resourceArn: stageArn, tags: { tier: "gold" } }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: stageArn }))).tags, {
      tier: "gold",
    });
    await assert.rejects(
      client.send(new GetTagsCommand({ resourceArn: "arn:aws:apigateway:us-east-1::/restapis/nope000000" })),
      (e: Error) => e.name === "NotFoundException",
    );
    await client.send(new FlushStageCacheCommand({ restApiId: apiId, stageName: "prod" }));
    await assert.rejects(
      client.send(new FlushStageCacheCommand({ restApiId: apiId, stageName: "nope" })),
      (e: Error) => e.name === "NotFoundException",
    );
  });
});
