import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateModelCommand,
  CreateRouteCommand,
  DeleteRouteRequestParameterCommand,
  ExportApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetIntegrationCommand,
  GetIntegrationsCommand,
  GetRouteCommand,
  GetRoutesCommand,
  ReimportApiCommand,
  UpdateApiCommand,
  UpdateIntegrationCommand,
  UpdateRouteCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const LAMBDA =
  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:chat/invocations";

/** The SDK call refused with AWS's error name and, when given, a message matching `message`. */
async function refused(p: Promise<unknown>, name: string, message?: RegExp | string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe("the AWS SDK (client-apigatewayv2) manages WebSocket APIs", () => {
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

  const newApi = async (name = "Chat") =>
    (
      await client.send(
        new CreateApiCommand({
          Name: name,
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
        }),
      )
    ).ApiId!;

  test("CreateApi: a route selection expression is required; a ws:// endpoint on this gateway; AWS's defaults; UpdateApi", async () => {
    const api = await client.send(
      new CreateApiCommand({
        Name: "Chat",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    assert.match(api.ApiId!, /^[a-z0-9]{10}$/);
    assert.equal(api.ApiEndpoint, `ws://${api.ApiId}.execute-api.us-east-1.localhost:${gw.port}`);
    assert.equal(api.ProtocolType, "WEBSOCKET");
    assert.equal(api.RouteSelectionExpression, "$request.body.action");
    assert.equal(api.ApiKeySelectionExpression, "$request.header.x-api-key");
    assert.equal(api.DisableExecuteApiEndpoint, false);
    assert.ok((await client.send(new GetApisCommand({}))).Items?.some((a) => a.ApiId === api.ApiId));

    await refused(
      client.send(new CreateApiCommand({ Name: "NoRse", ProtocolType: "WEBSOCKET" })),
      "BadRequestException",
      /route selection expression is required/,
    );
    for (const rse of ["${request.body.action", "$", "price: $5"]) {
      await refused(
        client.send(
          new CreateApiCommand({ Name: "Bad", ProtocolType: "WEBSOCKET", RouteSelectionExpression: rse }),
        ),
        "BadRequestException",
        `Invalid route selection expression specified: ${rse}`,
      );
    }
    await refused(
      client.send(
        new CreateApiCommand({
          Name: "Bad",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
          ApiKeySelectionExpression: "$request.querystring.key",
        }),
      ),
      "BadRequestException",
      /Invalid API key selection expression specified/,
    );
    await refused(
      client.send(
        new CreateApiCommand({
          Name: "Bad",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
          CorsConfiguration: { AllowOrigins: ["*"] },
        }),
      ),
      "BadRequestException",
    );
    await refused(
      client.send(
        new CreateApiCommand({
          Name: "Quick",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
          Target: LAMBDA,
        }),
      ),
      "BadRequestException",
    );

    const updated = await client.send(
      new UpdateApiCommand({
        ApiId: api.ApiId,
        RouteSelectionExpression: "${request.body.service}/${request.body.action}",
        ApiKeySelectionExpression: "$context.authorizer.usageIdentifierKey",
        DisableSchemaValidation: true,
      }),
    );
    assert.equal(updated.RouteSelectionExpression, "${request.body.service}/${request.body.action}");
    assert.equal(updated.ApiKeySelectionExpression, "$context.authorizer.usageIdentifierKey");
    assert.equal(updated.DisableSchemaValidation, true);
    await refused(
      client.send(new UpdateApiCommand({ ApiId: api.ApiId, RouteSelectionExpression: "${oops" })),
      "BadRequestException",
    );
    // OpenAPI describes HTTP APIs: a WebSocket API is neither exported nor reimported.
    await refused(
      client.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON" })),
      "BadRequestException",
    );
    await refused(
      client.send(
        new ReimportApiCommand({
          ApiId: api.ApiId,
          Body: JSON.stringify({ openapi: "3.0.1", info: { title: "x", version: "1" }, paths: {} }),
        }),
      ),
      "BadRequestException",
    );
    const stored = await client.send(new GetApiCommand({ ApiId: api.ApiId }));
    assert.equal(stored.ProtocolType, "WEBSOCKET");
    assert.equal(
      stored.RouteSelectionExpression,
      "${request.body.service}/${request.body.action}",
      "unchanged",
    );
  });

  test("integrations: the five types with AWS's defaults; templates, passthrough, content handling, timeout", async () => {
    const apiId = await newApi();
    const proxy = await client.send(
      new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationUri: LAMBDA }),
    );
    assert.equal(proxy.IntegrationMethod, "POST");
    assert.equal(proxy.TimeoutInMillis, 29000);
    assert.equal(proxy.PassthroughBehavior, "WHEN_NO_MATCH");
    assert.equal(proxy.ConnectionType, "INTERNET");
    assert.equal(proxy.PayloadFormatVersion, "1.0");
    assert.equal(
      proxy.IntegrationResponseSelectionExpression,
      undefined,
      "a proxy passes the answer through",
    );

    const mock = await client.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 200}' },
        TemplateSelectionExpression: "\\$default",
      }),
    );
    assert.equal(mock.IntegrationResponseSelectionExpression, "${integration.response.statuscode}");
    assert.deepEqual(mock.RequestTemplates, { $default: '{"statusCode": 200}' });
    assert.equal(mock.TemplateSelectionExpression, "\\$default");
    assert.equal(mock.IntegrationUri, undefined);

    const http = await client.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: "HTTP",
        IntegrationUri: "https://backend.example.com/messages",
        IntegrationMethod: "post",
        PassthroughBehavior: "NEVER",
        ContentHandlingStrategy: "CONVERT_TO_TEXT",
        TimeoutInMillis: 5000,
        RequestParameters: { "integration.request.header.connectionId": "context.connectionId" },
      }),
    );
    assert.equal(http.IntegrationMethod, "POST");
    assert.equal(http.PassthroughBehavior, "NEVER");
    assert.equal(http.ContentHandlingStrategy, "CONVERT_TO_TEXT");
    assert.equal(http.IntegrationResponseSelectionExpression, "${integration.response.statuscode}");
    const aws = await client.send(
      new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "AWS", IntegrationUri: LAMBDA }),
    );
    assert.equal(aws.IntegrationResponseSelectionExpression, "${integration.response.body.errorMessage}");
    const httpProxy = await client.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: "http://${stageVariables.host}/ws",
        IntegrationMethod: "POST",
      }),
    );
    assert.equal(httpProxy.IntegrationResponseSelectionExpression, undefined);

    const bad = (input: Record<string, unknown>, message?: RegExp | string) =>
      refused(
        client.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "MOCK", ...input })),
        "BadRequestException",
        message,
      );
    await bad({ TimeoutInMillis: 29001 }, "Timeout must be between 50 and 29000 milliseconds");
    await bad({ TimeoutInMillis: 49 }, "Timeout must be between 50 and 29000 milliseconds");
    await bad({ PayloadFormatVersion: "2.0" }, /1\.0/);
    await bad({ PassthroughBehavior: "SOMETIMES" }, /passthrough behavior/);
    await bad({ ContentHandlingStrategy: "CONVERT_TO_JSON" }, /content handling strategy/);
    await bad({ TemplateSelectionExpression: "${request.body.type" }, /template selection expression/);
    await bad({ TemplateSelectionExpression: "$request.header.type" }, /template selection expression/);
    await bad(
      { IntegrationType: "HTTP", IntegrationUri: "not-a-url", IntegrationMethod: "GET" },
      "Invalid HTTP endpoint specified for URI",
    );
    await bad(
      { IntegrationType: "HTTP_PROXY", IntegrationUri: "https://example.com" },
      "Enumeration value for HttpMethod must be non-empty",
    );
    await bad(
      { IntegrationType: "AWS_PROXY", IntegrationUri: "nope" },
      "Invalid ARN specified in the request",
    );
    await bad({ RequestParameters: { "header.x": "context.connectionId" } }, /Invalid mapping expression/);
    await bad({ RequestTemplates: { $default: 5 as unknown as string } }, /map of strings/);

    const changed = await client.send(
      new UpdateIntegrationCommand({
        ApiId: apiId,
        IntegrationId: mock.IntegrationId,
        RequestTemplates: { "application/json": '{"statusCode": 404}' },
        TemplateSelectionExpression: "${request.body.kind}",
        TimeoutInMillis: 1000,
      }),
    );
    assert.equal(changed.TemplateSelectionExpression, "${request.body.kind}");
    assert.equal(changed.TimeoutInMillis, 1000);
    await refused(
      client.send(
        new UpdateIntegrationCommand({
          ApiId: apiId,
          IntegrationId: mock.IntegrationId,
          TimeoutInMillis: 30000,
        }),
      ),
      "BadRequestException",
    );
    await refused(
      client.send(
        new UpdateIntegrationCommand({
          ApiId: apiId,
          IntegrationId: mock.IntegrationId,
          IntegrationType: "HTTP",
        }),
      ),
      "BadRequestException",
      "Enumeration value for HttpMethod must be non-empty",
    );
    const after = await client.send(
      new GetIntegrationCommand({ ApiId: apiId, IntegrationId: mock.IntegrationId }),
    );
    assert.equal(after.IntegrationType, "MOCK", "a refused change leaves the integration as it was");
    assert.equal(after.TimeoutInMillis, 1000);
    assert.equal((await client.send(new GetIntegrationsCommand({ ApiId: apiId }))).Items?.length, 5);
    await refused(
      client.send(new GetIntegrationCommand({ ApiId: apiId, IntegrationId: "nope123" })),
      "NotFoundException",
      "Invalid Integration identifier specified nope123",
    );
  });

  test("routes: predefined and custom keys; authorization on $connect only; two-way routes; parameters and models", async () => {
    const apiId = await newApi();
    const integration = await client.send(
      new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationUri: LAMBDA }),
    );
    const target = `integrations/${integration.IntegrationId}`;
    const authorizer = await client.send(
      new CreateAuthorizerCommand({
        ApiId: apiId,
        Name: "auth",
        AuthorizerType: "REQUEST",
        AuthorizerUri: LAMBDA,
        IdentitySource: ["route.request.header.Auth", "route.request.querystring.token"],
      }),
    );
    assert.deepEqual(authorizer.IdentitySource, [
      "route.request.header.Auth",
      "route.request.querystring.token",
    ]);
    await refused(
      client.send(
        new CreateAuthorizerCommand({
          ApiId: apiId,
          Name: "jwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
          JwtConfiguration: { Issuer: "https://issuer.example.com", Audience: ["a"] },
        }),
      ),
      "BadRequestException",
    );
    await refused(
      client.send(
        new CreateAuthorizerCommand({
          ApiId: apiId,
          Name: "http-style",
          AuthorizerType: "REQUEST",
          AuthorizerUri: LAMBDA,
          IdentitySource: ["$request.header.Auth"],
        }),
      ),
      "BadRequestException",
      "Invalid identity source $request.header.Auth",
    );

    const connect = await client.send(
      new CreateRouteCommand({
        ApiId: apiId,
        RouteKey: "$connect",
        Target: target,
        AuthorizationType: "CUSTOM",
        AuthorizerId: authorizer.AuthorizerId,
        ApiKeyRequired: true,
        RequestParameters: { "route.request.querystring.token": { Required: true } },
      }),
    );
    assert.equal(connect.AuthorizationType, "CUSTOM");
    assert.equal(connect.ApiKeyRequired, true);
    assert.deepEqual(connect.RequestParameters, { "route.request.querystring.token": { Required: true } });
    const disconnect = await client.send(
      new CreateRouteCommand({ ApiId: apiId, RouteKey: "$disconnect", Target: target }),
    );
    assert.equal(disconnect.AuthorizationType, "NONE");
    assert.equal(disconnect.ApiKeyRequired, false);
    const fallback = await client.send(
      new CreateRouteCommand({
        ApiId: apiId,
        RouteKey: "$default",
        Target: target,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    assert.equal(fallback.RouteResponseSelectionExpression, "$default");
    const model = await client.send(
      new CreateModelCommand({
        ApiId: apiId,
        Name: "Message",
        ContentType: "application/json",
        Schema: '{"type": "object"}',
      }),
    );
    const send = await client.send(
      new CreateRouteCommand({
        ApiId: apiId,
        RouteKey: "sendMessage",
        Target: target,
        ModelSelectionExpression: "$request.body.kind",
        RequestModels: { $default: model.Name! },
      }),
    );
    assert.equal(send.ModelSelectionExpression, "$request.body.kind");
    assert.deepEqual(send.RequestModels, { $default: "Message" });
    const spaced = await client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "GET /not-http" }));
    assert.equal(spaced.RouteKey, "GET /not-http", "a WebSocket route key is any custom text");

    const bad = (input: Record<string, unknown>, message: RegExp | string) =>
      refused(
        client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "other", ...input })),
        "BadRequestException",
        message,
      );
    await bad({ RouteKey: "$getauthorized" }, "The provided route key is not formatted properly");
    const restricted = "Currently, authorization is restricted to the $connect route only";
    await bad({ AuthorizationType: "CUSTOM", AuthorizerId: authorizer.AuthorizerId }, restricted);
    await bad({ RouteKey: "leave", AuthorizationType: "AWS_IAM" }, restricted);
    await bad({ RouteResponseSelectionExpression: "$request.body.reply" }, /only \$default/);
    await bad({ RequestModels: { $default: "Nope" } }, "Invalid model identifier specified: Nope");
    await bad({ ModelSelectionExpression: "${request.body" }, /model selection expression/);
    await bad({ RequestParameters: { "method.request.header.x": { Required: true } } }, /requestParameters/);
    await refused(
      client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "$connect" })),
      "ConflictException",
    );

    // A refused change leaves the route as it was.
    await refused(
      client.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: connect.RouteId, RouteKey: "join" })),
      "BadRequestException",
      restricted,
    );
    await refused(
      client.send(
        new UpdateRouteCommand({ ApiId: apiId, RouteId: connect.RouteId, AuthorizationType: "JWT" }),
      ),
      "BadRequestException",
      /JWT/,
    );
    const still = await client.send(new GetRouteCommand({ ApiId: apiId, RouteId: connect.RouteId }));
    assert.equal(still.AuthorizationType, "CUSTOM");
    assert.equal(still.RouteKey, "$connect");
    const iam = await client.send(
      new UpdateRouteCommand({
        ApiId: apiId,
        RouteId: connect.RouteId,
        AuthorizationType: "AWS_IAM",
        RequestParameters: { "route.request.header.X-Client": { Required: false } },
      }),
    );
    assert.equal(iam.AuthorizationType, "AWS_IAM");
    assert.deepEqual(Object.keys(iam.RequestParameters ?? {}).sort(), [
      "route.request.header.X-Client",
      "route.request.querystring.token",
    ]);
    await client.send(
      new DeleteRouteRequestParameterCommand({
        ApiId: apiId,
        RouteId: connect.RouteId,
        RequestParameterKey: "route.request.querystring.token",
      }),
    );
    await refused(
      client.send(
        new DeleteRouteRequestParameterCommand({
          ApiId: apiId,
          RouteId: connect.RouteId,
          RequestParameterKey: "route.request.querystring.token",
        }),
      ),
      "NotFoundException",
    );
    const routes = await client.send(new GetRoutesCommand({ ApiId: apiId }));
    assert.deepEqual(routes.Items?.map((r) => r.RouteKey).sort(), [
      "$connect",
      "$default",
      "$disconnect",
      "GET /not-http",
      "sendMessage",
    ]);
    assert.deepEqual(routes.Items?.find((r) => r.RouteKey === "$connect")?.RequestParameters, {
      "route.request.header.X-Client": { Required: false },
    });
  });
});
