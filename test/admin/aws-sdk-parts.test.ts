import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteModelCommand,
  GetApiKeyCommand,
  GetGatewayResponseCommand,
  GetGatewayResponsesCommand,
  GetModelsCommand,
  GetResourcesCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

describe("the AWS SDK manages models, validators, authorizers, gateway responses, keys and plans", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let apiId: string;
  let rootId: string;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    apiId = (await client.send(new CreateRestApiCommand({ name: "Parts" }))).id!;
    rootId = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  test("models: AWS's defaults, create, reference from a method, refuse to delete while referenced", async () => {
    const defaults = await client.send(new GetModelsCommand({ restApiId: apiId }));
    assert.deepEqual(defaults.items?.map((m) => m.name).sort(), ["Empty", "Error"]);
    await client.send(
      new CreateModelCommand({
        restApiId: apiId,
        name: "Pet",
        contentType: "application/json",
        schema: '{"type":"object"}',
      }),
    );
    await assert.rejects(
      client.send(new CreateModelCommand({ restApiId: apiId, name: "Pet", contentType: "application/json" })),
      (e: Error) => e.name === "ConflictException",
    );
    await assert.rejects(
      client.send(
        new CreateModelCommand({
          restApiId: apiId,
          name: "Bad",
          contentType: "application/json",
          schema: "{nope",
        }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
    await client.send(
      new PutMethodCommand({
        restApiId: apiId,
        resourceId: rootId,
        httpMethod: "POST",
        authorizationType: "NONE",
        requestModels: { "application/json": "Pet" },
      }),
    );
    await assert.rejects(
      client.send(
        new PutMethodCommand({
          restApiId: apiId,
          resourceId: rootId,
          httpMethod: "PUT",
          authorizationType: "NONE",
          requestModels: { "application/json": "Ghost" },
        }),
      ),
      (e: Error) =>
        e.name === "BadRequestException" && /Invalid model identifier specified: Ghost/.test(e.message),
    );
    await assert.rejects(
      client.send(new DeleteModelCommand({ restApiId: apiId, modelName: "Pet" })),
      (e: Error) => e.name === "BadRequestException",
    );
  });

  test("validators and authorizers are created, referenced and validated", async () => {
    const validator = await client.send(
      new CreateRequestValidatorCommand({ restApiId: apiId, name: "body-only", validateRequestBody: true }),
    );
    const authorizer = await client.send(
      new CreateAuthorizerCommand({
        restApiId: apiId,
        name: "token",
        type: "TOKEN",
        authorizerUri:
          "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
        identitySource: "method.request.header.Authorization",
      }),
    );
    assert.equal(authorizer.authorizerResultTtlInSeconds, 300);
    await client.send(
      new PutMethodCommand({
        restApiId: apiId,
        resourceId: rootId,
        httpMethod: "GET",
        authorizationType: "CUSTOM",
        authorizerId: authorizer.id,
        requestValidatorId: validator.id,
      }),
    );
    await assert.rejects(
      client.send(
        new CreateAuthorizerCommand({
          restApiId: apiId,
          name: "bad",
          type: "TOKEN",
          authorizerUri: "nope",
          identitySource: "method.request.header.A",
        }),
      ),
      (e: Error) => e.name === "BadRequestException" && /Invalid Authorizer URI/.test(e.message),
    );
    await assert.rejects(
      client.send(
        new PutMethodCommand({
          restApiId: apiId,
          resourceId: rootId,
          httpMethod: "GET",
          authorizationType: "CUSTOM",
        }),
      ),
      (e: Error) => e.name === "BadRequestException" && /requires a valid authorizer/.test(e.message),
    );
  });

  test("gateway responses: AWS's defaults and a customised one", async () => {
    const all = await client.send(new GetGatewayResponsesCommand({ restApiId: apiId }));
    const mat = all.items?.find((g) => g.responseType === "MISSING_AUTHENTICATION_TOKEN");
    assert.equal(mat?.statusCode, "403");
    assert.equal(mat?.defaultResponse, true);
    assert.deepEqual(mat?.responseTemplates, {
      "application/json": '{"message":$context.error.messageString}',
    });
    await client.send(
      new PutGatewayResponseCommand({
        restApiId: apiId,
        responseType: "DEFAULT_4XX",
        statusCode: "418",
        responseParameters: { "gatewayresponse.header.X-Why": "'teapot'" },
      }),
    );
    const custom = await client.send(
      new GetGatewayResponseCommand({ restApiId: apiId, responseType: "DEFAULT_4XX" }),
    );
    assert.equal(custom.statusCode, "418");
    assert.equal(custom.defaultResponse, false);
    await assert.rejects(
      client.send(
        new PutGatewayResponseCommand({ restApiId: apiId, responseType: "NOT_A_TYPE" as "DEFAULT_4XX" }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
  });

  test("API keys, usage plans and usage plan keys", async () => {
    // Every method needs an integration before AWS deploys (the POST is the models test's).
    for (const httpMethod of ["GET", "POST"])
      await client.send(
        new PutIntegrationCommand({ restApiId: apiId, resourceId: rootId, httpMethod, type: "MOCK" }),
      );
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod" }));
    const key = await client.send(new CreateApiKeyCommand({ name: "partner", enabled: true }));
    assert.equal(key.value?.length, 40);
    await assert.rejects(
      client.send(new CreateApiKeyCommand({ name: "short", value: "tooshort" })),
      (e: Error) => e.name === "BadRequestException",
    );
    const hidden = await client.send(new GetApiKeyCommand({ apiKey: key.id }));
    assert.equal(hidden.value, undefined, "values only with includeValue");
    assert.equal(
      (await client.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }))).value,
      key.value,
    );
    const disabled = await client.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    assert.equal(disabled.enabled, false);
    const plan = await client.send(
      new CreateUsagePlanCommand({
        name: "gold",
        apiStages: [{ apiId, stage: "prod" }],
        throttle: { rateLimit: 100, burstLimit: 200 },
        quota: { limit: 1000, period: "DAY" },
      }),
    );
    await assert.rejects(
      client.send(new CreateUsagePlanCommand({ name: "bad", apiStages: [{ apiId, stage: "nope" }] })),
      (e: Error) => e.name === "BadRequestException",
    );
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
    );
    await assert.rejects(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" })),
      (e: Error) => e.name === "ConflictException",
    );
    const keys = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }));
    assert.deepEqual(
      keys.items?.map((k) => k.id),
      [key.id],
    );
    assert.equal((await client.send(new GetUsagePlansCommand({ keyId: key.id }))).items?.[0]?.id, plan.id);
    const patched = await client.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id,
        patchOperations: [{ op: "replace", path: "/quota/limit", value: "5" }],
      }),
    );
    assert.equal(patched.quota?.limit, 5);
  });
});
