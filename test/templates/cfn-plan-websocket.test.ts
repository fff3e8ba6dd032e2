import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { WEBSOCKET_API_SCHEMA } from "../../src/config/websocket-api-schema.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import type { PlannedWebSocketApi } from "../../src/templates/template-plan.ts";
import { folder, lambdaUri, options, ref, res, template } from "./cfn-plan-support.ts";

const API = "AWS::ApiGatewayV2::Api";
const INTEGRATION = "AWS::ApiGatewayV2::Integration";
const api = ref("ChatApi", API);
const connect = ref("ConnectFn", INTEGRATION);
const echo = ref("EchoMock", INTEGRATION);
const auth = ref("ChatAuth", "AWS::ApiGatewayV2::Authorizer");
const echoRoute = ref("EchoRoute", "AWS::ApiGatewayV2::Route");

const validate = new Ajv({ allErrors: true, strict: false }).compile(WEBSOCKET_API_SCHEMA);

const chat = () =>
  template([
    res("ChatApi", API, {
      Name: "chat",
      ProtocolType: "WEBSOCKET",
      RouteSelectionExpression: "$request.body.action",
      ApiKeySelectionExpression: "$request.header.x-api-key",
    }),
    res("ConnectFn", INTEGRATION, {
      ApiId: api,
      IntegrationType: "AWS_PROXY",
      IntegrationUri: lambdaUri("connect"),
    }),
    res("EchoMock", INTEGRATION, {
      ApiId: api,
      IntegrationType: "MOCK",
      RequestTemplates: { $default: '{"statusCode": 200}' },
      TemplateSelectionExpression: "\\$default",
    }),
    res("EchoResponse", "AWS::ApiGatewayV2::IntegrationResponse", {
      ApiId: api,
      IntegrationId: echo,
      IntegrationResponseKey: "$default",
      ResponseTemplates: { $default: '{"echo": true}' },
    }),
    res("ChatAuth", "AWS::ApiGatewayV2::Authorizer", {
      ApiId: api,
      Name: "chat-auth",
      AuthorizerType: "REQUEST",
      AuthorizerUri: lambdaUri("auth"),
      IdentitySource: ["route.request.querystring.token"],
    }),
    res("Message", "AWS::ApiGatewayV2::Model", {
      ApiId: api,
      Name: "Message",
      ContentType: "application/json",
      Schema: { type: "object", required: ["action"] },
    }),
    res("ConnectRoute", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "$connect",
      Target: `integrations/${connect}`,
      AuthorizationType: "CUSTOM",
      AuthorizerId: auth,
      RequestParameters: { "route.request.querystring.token": { Required: true } },
    }),
    res("EchoRoute", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "echo",
      Target: `integrations/${echo}`,
      RouteResponseSelectionExpression: "$default",
      RequestModels: { $default: "Message" },
      ModelSelectionExpression: "$default",
    }),
    res("EchoRouteResponse", "AWS::ApiGatewayV2::RouteResponse", {
      ApiId: api,
      RouteId: echoRoute,
      RouteResponseKey: "$default",
    }),
    res("ChatStage", "AWS::ApiGatewayV2::Stage", {
      ApiId: api,
      StageName: "live",
      AutoDeploy: true,
      StageVariables: { room: "lobby" },
    }),
  ]);

test("a WebSocket API becomes the config file's declaration, valid against its schema", () => {
  const plan = planFromCloudFormation(chat(), options(folder({})));
  assert.deepEqual(plan.warnings, []);
  const planned = plan.apis[0] as PlannedWebSocketApi;
  assert.equal(planned.type, "WEBSOCKET");
  assert.equal(planned.logicalId, "ChatApi");
  assert.ok(validate(planned.config), JSON.stringify(validate.errors));
  assert.deepEqual(planned.config, {
    type: "WEBSOCKET",
    name: "chat",
    id: api,
    routeSelectionExpression: "$request.body.action",
    apiKeySelectionExpression: "$request.header.x-api-key",
    stage: "live",
    variables: { room: "lobby" },
    models: {
      Message: { schema: { type: "object", required: ["action"] }, contentType: "application/json" },
    },
    authorizers: {
      "chat-auth": {
        authorizerType: "REQUEST",
        authorizerUri: lambdaUri("auth"),
        identitySource: ["route.request.querystring.token"],
      },
    },
    routes: {
      $connect: {
        integration: { integrationType: "AWS_PROXY", integrationUri: lambdaUri("connect") },
        authorizationType: "CUSTOM",
        authorizerId: "chat-auth",
        requestParameters: { "route.request.querystring.token": { required: true } },
      },
      echo: {
        integration: {
          integrationType: "MOCK",
          requestTemplates: { $default: '{"statusCode": 200}' },
          templateSelectionExpression: "\\$default",
        },
        routeResponseSelectionExpression: "$default",
        requestModels: { $default: "Message" },
        modelSelectionExpression: "$default",
        routeResponses: { $default: {} },
        integrationResponses: { $default: { responseTemplates: { $default: '{"echo": true}' } } },
      },
    },
  });
});

test("a WebSocket API without a stage is not planned, and a notice says why; a second stage is a notice", () => {
  const none = chat();
  none.resources = none.resources.filter((r) => r.logicalId !== "ChatStage");
  const plan = planFromCloudFormation(none, options(folder({})));
  assert.deepEqual(plan.apis, []);
  assert.deepEqual(
    plan.warnings.map((w) => w.path),
    ["Resources.ChatApi.Type"],
  );
  const two = chat();
  two.resources.push(res("OtherStage", "AWS::ApiGatewayV2::Stage", { ApiId: api, StageName: "beta" }));
  const planTwo = planFromCloudFormation(two, options(folder({})));
  assert.equal((planTwo.apis[0] as PlannedWebSocketApi).config.stage, "live");
  assert.deepEqual(
    planTwo.warnings.map((w) => w.path),
    ["Resources.OtherStage.Type"],
  );
});

test("a WebSocket route without a Target is refused by its place", () => {
  const t = chat();
  delete t.resources.find((r) => r.logicalId === "EchoRoute")!.properties.Target;
  assert.throws(
    () => planFromCloudFormation(t, options(folder({}))),
    /Resources\.EchoRoute\.Properties\.Target/,
  );
});
