import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
  DeleteApiCommand,
  DeleteIntegrationCommand,
  GetApiCommand,
  GetRouteResponsesCommand,
  GetRoutesCommand,
  GetStageCommand,
  UpdateIntegrationCommand,
  UpdateRouteCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

describe("the AWS SDK (client-apigatewayv2) manages HTTP APIs", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: ApiGatewayV2Client;
  before(async () => {
    gw = await startTestGateway();
    backend = await startEchoBackend();
    client = new ApiGatewayV2Client(adminClientConfig(gw));
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("quick create with --target serves at once on the $default stage", async () => {
    const api = await client.send(
      new CreateApiCommand({ Name: "Quick", ProtocolType: "HTTP", Target: `${backend.url}/quick` }),
    );
    assert.match(api.ApiId!, /^[a-z0-9]{10}$/);
    assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.us-east-1.localhost:${gw.port}`);
    const routes = await client.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    assert.deepEqual(
      routes.Items?.map((r) => r.RouteKey),
      ["$default"],
    );
    const stage = await client.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "$default" }));
    assert.equal(stage.AutoDeploy, true);
    const r = await gw.call(api.ApiId!, "/anything");
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).url, "/quick");
  });

  test("integration, route, stage, deployment; auto-deploy picks up changes; delete", async () => {
    const api = await client.send(new CreateApiCommand({ Name: "Stepwise", ProtocolType: "HTTP" }));
    const integration = await client.send(
      new CreateIntegrationCommand({
        ApiId: api.ApiId,
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: `${backend.url}/v1/items/{id}`,
        IntegrationMethod: "GET",
        PayloadFormatVersion: "1.0",
      }),
    );
    assert.equal(integration.TimeoutInMillis, 30000);
    await client.send(
      new CreateRouteCommand({
        ApiId: api.ApiId,
        RouteKey: "GET /items/{id}",
        Target: `integrations/${integration.IntegrationId}`,
      }),
    );
    await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "prod" }));
    assert.equal(
      (await gw.call(api.ApiId!, "/prod/items/1")).status,
      404,
      "a stage without a deployment serves nothing",
    );
    await client.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "prod" }));
    assert.equal(JSON.parse((await gw.call(api.ApiId!, "/prod/items/1")).text).url, "/v1/items/1");

    await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "live", AutoDeploy: true }));
    await client.send(
      new UpdateIntegrationCommand({
        ApiId: api.ApiId,
        IntegrationId: integration.IntegrationId,
        IntegrationUri: `${backend.url}/v2/items/{id}`,
      }),
    );
    assert.equal(
      JSON.parse((await gw.call(api.ApiId!, "/live/items/2")).text).url,
      "/v2/items/2",
      "auto-deploy stage updated",
    );
    assert.equal(
      JSON.parse((await gw.call(api.ApiId!, "/prod/items/2")).text).url,
      "/v1/items/2",
      "manual stage unchanged",
    );

    await client.send(new DeleteApiCommand({ ApiId: api.ApiId }));
    await assert.rejects(
      client.send(new GetApiCommand({ ApiId: api.ApiId })),
      (err: Error) => err.name === "NotFoundException",
    );
  });

  test("AWS's errors for bad input", async () => {
    const api = await client.send(new CreateApiCommand({ Name: "Bad", ProtocolType: "HTTP" }));
    const reject = (p: Promise<unknown>, name: string) =>
      assert.rejects(p, (err: Error) => err.name === name);
    await reject(
      client.send(new CreateApiCommand({ Name: "x", ProtocolType: "GRPC" as "HTTP" })),
      "BadRequestException",
    );
    await reject(
      client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "FETCH /x" })),
      "BadRequestException",
    );
    await reject(
      client.send(
        new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /x", Target: "integrations/nope" }),
      ),
      "BadRequestException",
    );
    await reject(
      client.send(
        new CreateIntegrationCommand({
          ApiId: api.ApiId,
          IntegrationType: "HTTP_PROXY",
          IntegrationUri: "nope",
          IntegrationMethod: "GET",
          PayloadFormatVersion: "1.0",
        }),
      ),
      "BadRequestException",
    );
    await reject(
      client.send(new DeleteIntegrationCommand({ ApiId: api.ApiId, IntegrationId: "nope123" })),
      "NotFoundException",
    );
    await client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /x" }));
    await reject(
      client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /x" })),
      "ConflictException",
    );
    await reject(
      client.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "missing" })),
      "NotFoundException",
    );
    const routes = await client.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    assert.deepEqual(
      routes.Items?.map((r) => r.RouteKey),
      ["GET /x"],
    );
  });

  test("JWT and REQUEST authorizers, route responses and route settings", async () => {
    const api = await client.send(
      new CreateApiCommand({ Name: "Authz", ProtocolType: "HTTP", Target: `${backend.url}/t` }),
    );
    const jwt = await client.send(
      new CreateAuthorizerCommand({
        ApiId: api.ApiId,
        Name: "jwt",
        AuthorizerType: "JWT",
        IdentitySource: ["$request.header.Authorization"],
        JwtConfiguration: { Issuer: "https://issuer.example.com", Audience: ["my-app"] },
      }),
    );
    assert.match(jwt.AuthorizerId!, /^[a-z0-9]{7}$/);
    await assert.rejects(
      client.send(
        new CreateAuthorizerCommand({
          ApiId: api.ApiId,
          Name: "bad",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
        }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
    await assert.rejects(
      client.send(
        new CreateAuthorizerCommand({
          ApiId: api.ApiId,
          Name: "lambda",
          AuthorizerType: "REQUEST",
          IdentitySource: ["$request.header.X"],
          AuthorizerUri:
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:a/invocations",
          AuthorizerPayloadFormatVersion: "1.0",
          EnableSimpleResponses: true,
        }),
      ),
      (e: Error) => e.name === "BadRequestException" && /2\.0/.test(e.message),
    );
    const routes = await client.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    const routeId = routes.Items![0]!.RouteId!;
    const updated = await client.send(
      new UpdateRouteCommand({
        ApiId: api.ApiId,
        RouteId: routeId,
        AuthorizationType: "JWT",
        AuthorizerId: jwt.AuthorizerId,
        AuthorizationScopes: ["read"],
      }),
    );
    assert.equal(updated.AuthorizerId, jwt.AuthorizerId);
    await client.send(
      new CreateRouteResponseCommand({ ApiId: api.ApiId, RouteId: routeId, RouteResponseKey: "$default" }),
    );
    const responses = await client.send(new GetRouteResponsesCommand({ ApiId: api.ApiId, RouteId: routeId }));
    assert.deepEqual(
      responses.Items?.map((r) => r.RouteResponseKey),
      ["$default"],
    );
    const stage = await client.send(
      new UpdateStageCommand({
        ApiId: api.ApiId,
        StageName: "$default",
        RouteSettings: { $default: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 5 } },
        DefaultRouteSettings: { DetailedMetricsEnabled: true },
      }),
    );
    assert.equal(stage.RouteSettings?.$default?.ThrottlingRateLimit, 10);
    assert.equal(stage.DefaultRouteSettings?.DetailedMetricsEnabled, true);
  });
});
