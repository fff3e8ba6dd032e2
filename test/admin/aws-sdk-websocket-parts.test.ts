import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateIntegrationResponseCommand,
  CreateModelCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
  DeleteApiCommand,
  DeleteDeploymentCommand,
  DeleteIntegrationResponseCommand,
  DeleteModelCommand,
  DeleteRouteResponseCommand,
  DeleteRouteSettingsCommand,
  DeleteStageCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetIntegrationResponseCommand,
  GetIntegrationResponsesCommand,
  GetModelCommand,
  GetModelsCommand,
  GetRouteResponseCommand,
  GetRouteResponsesCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateDeploymentCommand,
  UpdateIntegrationResponseCommand,
  UpdateModelCommand,
  UpdateRouteCommand,
  UpdateRouteResponseCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

async function refused(p: Promise<unknown>, name: string, message?: RegExp | string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe("the AWS SDK manages a WebSocket API's responses, models, stages and deployments", () => {
  let gw: TestGateway;
  let client: ApiGatewayV2Client;
  before(async () => {
    gw = await startTestGateway();
    client = new ApiGatewayV2Client(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  /** A WebSocket API with a MOCK integration behind `$default`. */
  async function chat() {
    const api = await client.send(
      new CreateApiCommand({
        Name: "Chat",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    const integration = await client.send(
      new CreateIntegrationCommand({
        ApiId: api.ApiId,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 200}' },
        TemplateSelectionExpression: "\\$default",
      }),
    );
    const route = await client.send(
      new CreateRouteCommand({
        ApiId: api.ApiId,
        RouteKey: "$default",
        Target: `integrations/${integration.IntegrationId}`,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    return { apiId: api.ApiId!, integrationId: integration.IntegrationId!, routeId: route.RouteId! };
  }

  test("integration responses: $default and /pattern/ keys, templates, content handling", async () => {
    const { apiId, integrationId } = await chat();
    const base = { ApiId: apiId, IntegrationId: integrationId };
    const ok = await client.send(
      new CreateIntegrationResponseCommand({
        ...base,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: '{"reply": "$input.body"}' },
        TemplateSelectionExpression: "\\$default",
      }),
    );
    assert.match(ok.IntegrationResponseId!, /^[a-z0-9]{7}$/);
    assert.equal(ok.IntegrationResponseKey, "$default");
    const clientError = await client.send(
      new CreateIntegrationResponseCommand({
        ...base,
        IntegrationResponseKey: "/4\\d\\d/",
        TemplateSelectionExpression: "${integration.response.statuscode}",
        ContentHandlingStrategy: "CONVERT_TO_TEXT",
      }),
    );
    assert.equal(clientError.IntegrationResponseKey, "/4\\d\\d/");
    assert.equal(clientError.ContentHandlingStrategy, "CONVERT_TO_TEXT");

    const bad = (input: Record<string, unknown>, message?: RegExp | string) =>
      refused(
        client.send(
          new CreateIntegrationResponseCommand({ ...base, IntegrationResponseKey: "/5\\d\\d/", ...input }),
        ),
        "BadRequestException",
        message,
      );
    await bad({ IntegrationResponseKey: "4xx" }, /Invalid integration response key specified: 4xx/);
    await bad({ IntegrationResponseKey: "/[/" }, /Invalid integration response key specified/);
    await bad({ ContentHandlingStrategy: "CONVERT_TO_JSON" }, /content handling strategy/);
    await bad({ TemplateSelectionExpression: "$context.requestId" }, /template selection expression/);
    await refused(
      client.send(new CreateIntegrationResponseCommand({ ...base, IntegrationResponseKey: "$default" })),
      "ConflictException",
    );
    await refused(
      client.send(
        new CreateIntegrationResponseCommand({
          ApiId: apiId,
          IntegrationId: "nope123",
          IntegrationResponseKey: "$default",
        }),
      ),
      "NotFoundException",
      "Invalid Integration identifier specified nope123",
    );

    const updated = await client.send(
      new UpdateIntegrationResponseCommand({
        ...base,
        IntegrationResponseId: clientError.IntegrationResponseId,
        ResponseTemplates: { "404": '{"error": "not found"}' },
        IntegrationResponseKey: "/40\\d/",
      }),
    );
    assert.equal(updated.IntegrationResponseKey, "/40\\d/");
    assert.deepEqual(updated.ResponseTemplates, { "404": '{"error": "not found"}' });
    await refused(
      client.send(
        new UpdateIntegrationResponseCommand({
          ...base,
          IntegrationResponseId: clientError.IntegrationResponseId,
          IntegrationResponseKey: "$default",
        }),
      ),
      "ConflictException",
    );
    const read = await client.send(
      new GetIntegrationResponseCommand({
        ...base,
        IntegrationResponseId: clientError.IntegrationResponseId,
      }),
    );
    assert.equal(read.IntegrationResponseKey, "/40\\d/", "the refused update changed nothing");
    const all = await client.send(new GetIntegrationResponsesCommand(base));
    assert.deepEqual(all.Items?.map((r) => r.IntegrationResponseKey).sort(), ["$default", "/40\\d/"]);

    await client.send(
      new DeleteIntegrationResponseCommand({ ...base, IntegrationResponseId: ok.IntegrationResponseId }),
    );
    await refused(
      client.send(
        new GetIntegrationResponseCommand({ ...base, IntegrationResponseId: ok.IntegrationResponseId }),
      ),
      "NotFoundException",
      `Invalid IntegrationResponse identifier specified ${ok.IntegrationResponseId}`,
    );

    const http = await client.send(new CreateApiCommand({ Name: "Http", ProtocolType: "HTTP" }));
    const proxy = await client.send(
      new CreateIntegrationCommand({
        ApiId: http.ApiId,
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: "https://example.com",
        IntegrationMethod: "GET",
        PayloadFormatVersion: "1.0",
      }),
    );
    await refused(
      client.send(
        new CreateIntegrationResponseCommand({
          ApiId: http.ApiId,
          IntegrationId: proxy.IntegrationId,
          IntegrationResponseKey: "$default",
        }),
      ),
      "BadRequestException",
      /only for WebSocket APIs/,
    );
  });

  test("route responses ($default only) and models", async () => {
    const { apiId, routeId } = await chat();
    const model = await client.send(
      new CreateModelCommand({
        ApiId: apiId,
        Name: "Reply",
        ContentType: "application/json",
        Description: "what the route answers",
        Schema: JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }),
      }),
    );
    assert.match(model.ModelId!, /^[a-z0-9]{6}$/);
    assert.equal(model.Name, "Reply");
    await refused(
      client.send(new CreateModelCommand({ ApiId: apiId, Name: "Reply", Schema: "{}" })),
      "ConflictException",
    );
    await refused(
      client.send(new CreateModelCommand({ ApiId: apiId, Name: "bad-name", Schema: "{}" })),
      "BadRequestException",
    );
    await refused(
      client.send(new CreateModelCommand({ ApiId: apiId, Name: "NoJson", Schema: "{" })),
      "BadRequestException",
    );

    const response = await client.send(
      new CreateRouteResponseCommand({
        ApiId: apiId,
        RouteId: routeId,
        RouteResponseKey: "$default",
        ModelSelectionExpression: "\\$default",
        ResponseModels: { $default: "Reply" },
      }),
    );
    assert.equal(response.RouteResponseKey, "$default");
    assert.deepEqual(response.ResponseModels, { $default: "Reply" });
    await refused(
      client.send(
        new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routeId, RouteResponseKey: "$default" }),
      ),
      "ConflictException",
    );
    await refused(
      client.send(
        new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routeId, RouteResponseKey: "error" }),
      ),
      "BadRequestException",
      /only \$default/,
    );
    await refused(
      client.send(
        new UpdateRouteResponseCommand({
          ApiId: apiId,
          RouteId: routeId,
          RouteResponseId: response.RouteResponseId,
          ResponseModels: { $default: "Missing" },
        }),
      ),
      "BadRequestException",
      "Invalid model identifier specified: Missing",
    );
    const updated = await client.send(
      new UpdateRouteResponseCommand({
        ApiId: apiId,
        RouteId: routeId,
        RouteResponseId: response.RouteResponseId,
        ModelSelectionExpression: "${request.body.kind}",
      }),
    );
    assert.equal(updated.ModelSelectionExpression, "${request.body.kind}");
    assert.deepEqual(updated.ResponseModels, { $default: "Reply" });
    const read = await client.send(
      new GetRouteResponseCommand({
        ApiId: apiId,
        RouteId: routeId,
        RouteResponseId: response.RouteResponseId,
      }),
    );
    assert.equal(read.ModelSelectionExpression, "${request.body.kind}");
    assert.equal(
      (await client.send(new GetRouteResponsesCommand({ ApiId: apiId, RouteId: routeId }))).Items?.length,
      1,
    );

    // A model still named by a route response is neither renamed nor deleted.
    await refused(
      client.send(new DeleteModelCommand({ ApiId: apiId, ModelId: model.ModelId })),
      "BadRequestException",
      /is referenced/,
    );
    await refused(
      client.send(new UpdateModelCommand({ ApiId: apiId, ModelId: model.ModelId, Name: "Answer" })),
      "BadRequestException",
      /is referenced/,
    );
    const described = await client.send(
      new UpdateModelCommand({ ApiId: apiId, ModelId: model.ModelId, Description: "the reply" }),
    );
    assert.equal(described.Description, "the reply");
    assert.equal(
      (await client.send(new GetModelCommand({ ApiId: apiId, ModelId: model.ModelId }))).Name,
      "Reply",
    );
    assert.equal((await client.send(new GetModelsCommand({ ApiId: apiId }))).Items?.length, 1);
    await client.send(
      new DeleteRouteResponseCommand({
        ApiId: apiId,
        RouteId: routeId,
        RouteResponseId: response.RouteResponseId,
      }),
    );
    await client.send(new DeleteModelCommand({ ApiId: apiId, ModelId: model.ModelId }));
    await refused(
      client.send(new GetModelCommand({ ApiId: apiId, ModelId: model.ModelId })),
      "NotFoundException",
      `Invalid Model identifier specified ${model.ModelId}`,
    );
    await refused(
      client.send(
        new GetRouteResponseCommand({
          ApiId: apiId,
          RouteId: routeId,
          RouteResponseId: response.RouteResponseId,
        }),
      ),
      "NotFoundException",
      `Invalid RouteResponse identifier specified ${response.RouteResponseId}`,
    );
  });

  test("deployments need a route; stages carry variables and route settings; the snapshot has every part", async () => {
    const empty = await client.send(
      new CreateApiCommand({
        Name: "Empty",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    const noRoutes = "At least one route is required before deploying the Api.";
    await refused(
      client.send(new CreateDeploymentCommand({ ApiId: empty.ApiId })),
      "BadRequestException",
      noRoutes,
    );
    const auto = await client.send(
      new CreateStageCommand({ ApiId: empty.ApiId, StageName: "dev", AutoDeploy: true }),
    );
    assert.equal(auto.DeploymentId, undefined);
    assert.equal(auto.LastDeploymentStatusMessage, `Deployment attempt failed: ${noRoutes}`);
    await client.send(new CreateRouteCommand({ ApiId: empty.ApiId, RouteKey: "$default" }));
    const deployed = await client.send(new GetStageCommand({ ApiId: empty.ApiId, StageName: "dev" }));
    assert.match(deployed.DeploymentId!, /^[a-z0-9]{6}$/);
    assert.equal(
      deployed.LastDeploymentStatusMessage,
      `Successfully deployed stage with deployment ID '${deployed.DeploymentId}'`,
    );

    const { apiId, integrationId, routeId } = await chat();
    await client.send(
      new CreateIntegrationResponseCommand({
        ApiId: apiId,
        IntegrationId: integrationId,
        IntegrationResponseKey: "$default",
      }),
    );
    await client.send(
      new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routeId, RouteResponseKey: "$default" }),
    );
    await client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "$connect" }));
    const deployment = await client.send(new CreateDeploymentCommand({ ApiId: apiId, Description: "first" }));
    assert.equal(deployment.DeploymentStatus, "DEPLOYED");
    assert.equal(deployment.AutoDeployed, false);
    const stage = await client.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        DeploymentId: deployment.DeploymentId,
        StageVariables: { backend: "chat.example.com" },
        DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
        RouteSettings: { $connect: { ThrottlingBurstLimit: 5, ThrottlingRateLimit: 1 } },
      }),
    );
    assert.deepEqual(stage.DefaultRouteSettings, {
      DataTraceEnabled: false,
      DetailedMetricsEnabled: false,
      LoggingLevel: "OFF",
      ThrottlingBurstLimit: 50,
      ThrottlingRateLimit: 100,
    });
    assert.deepEqual(stage.RouteSettings, { $connect: { ThrottlingBurstLimit: 5, ThrottlingRateLimit: 1 } });
    assert.deepEqual(stage.StageVariables, { backend: "chat.example.com" });
    assert.equal(stage.LastDeploymentStatusMessage, undefined, "only automatic deployments report a status");

    await refused(
      client.send(
        new UpdateStageCommand({
          ApiId: apiId,
          StageName: "prod",
          RouteSettings: { sendMessage: { ThrottlingRateLimit: 1 } },
        }),
      ),
      "NotFoundException",
      "Unable to find Route by key sendMessage within the provided RouteSettings",
    );
    await refused(
      client.send(
        new UpdateStageCommand({
          ApiId: apiId,
          StageName: "prod",
          DefaultRouteSettings: { LoggingLevel: "DEBUG" as "INFO" },
        }),
      ),
      "BadRequestException",
    );
    const updated = await client.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        RouteSettings: { $default: { LoggingLevel: "INFO", DataTraceEnabled: true } },
      }),
    );
    assert.deepEqual(Object.keys(updated.RouteSettings ?? {}).sort(), ["$connect", "$default"]);
    await client.send(
      new DeleteRouteSettingsCommand({ ApiId: apiId, StageName: "prod", RouteKey: "$connect" }),
    );
    await refused(
      client.send(new DeleteRouteSettingsCommand({ ApiId: apiId, StageName: "prod", RouteKey: "$connect" })),
      "NotFoundException",
    );
    const read = await client.send(new GetStageCommand({ ApiId: apiId, StageName: "prod" }));
    assert.deepEqual(read.RouteSettings, { $default: { LoggingLevel: "INFO", DataTraceEnabled: true } });
    assert.equal((await client.send(new GetStagesCommand({ ApiId: apiId }))).Items?.length, 1);

    // The deployment is what a WebSocket data plane serves: every part, frozen.
    const snapshot = (await gw.portico.control.getHttpDeployment(apiId, deployment.DeploymentId!))!.snapshot;
    assert.equal(snapshot.api.protocolType, "WEBSOCKET");
    assert.equal(snapshot.api.routeSelectionExpression, "$request.body.action");
    const fallback = snapshot.routes[routeId]!;
    assert.equal(fallback.routeResponseSelectionExpression, "$default");
    assert.deepEqual(snapshot.integrations[integrationId]!.requestTemplates, {
      $default: '{"statusCode": 200}',
    });
    assert.equal(snapshot.integrations[integrationId]!.templateSelectionExpression, "\\$default");
    assert.deepEqual(
      Object.values(snapshot.integrationResponses?.[integrationId] ?? {}).map(
        (r) => r.integrationResponseKey,
      ),
      ["$default"],
    );
    assert.deepEqual(
      Object.values(snapshot.routeResponses?.[routeId] ?? {}).map((r) => r.routeResponseKey),
      ["$default"],
    );
    await client.send(
      new UpdateRouteCommand({ ApiId: apiId, RouteId: routeId, RouteResponseSelectionExpression: "" }),
    );
    const frozen = (await gw.portico.control.getHttpDeployment(apiId, deployment.DeploymentId!))!.snapshot;
    assert.equal(
      frozen.routes[routeId]!.routeResponseSelectionExpression,
      "$default",
      "a deployment does not change",
    );

    assert.equal((await client.send(new GetDeploymentsCommand({ ApiId: apiId }))).Items?.length, 1);
    assert.equal(
      (await client.send(new GetDeploymentCommand({ ApiId: apiId, DeploymentId: deployment.DeploymentId })))
        .Description,
      "first",
    );
    const renamed = await client.send(
      new UpdateDeploymentCommand({
        ApiId: apiId,
        DeploymentId: deployment.DeploymentId,
        Description: "renamed",
      }),
    );
    assert.equal(renamed.Description, "renamed");
    assert.equal(renamed.DeploymentId, deployment.DeploymentId);
    await refused(
      client.send(new UpdateDeploymentCommand({ ApiId: apiId, DeploymentId: "nope12", Description: "x" })),
      "NotFoundException",
      "Invalid deployment identifier specified nope12",
    );
    await refused(
      client.send(new DeleteDeploymentCommand({ ApiId: apiId, DeploymentId: deployment.DeploymentId })),
      "BadRequestException",
      "Active stages pointing to this deployment must be moved or deleted",
    );
    await client.send(new DeleteStageCommand({ ApiId: apiId, StageName: "prod" }));
    await client.send(new DeleteDeploymentCommand({ ApiId: apiId, DeploymentId: deployment.DeploymentId }));
    await client.send(new DeleteApiCommand({ ApiId: apiId }));
    await refused(
      client.send(new GetStagesCommand({ ApiId: apiId })),
      "NotFoundException",
      `Invalid API identifier specified ${apiId}`,
    );
  });
});
