import assert from "node:assert/strict";
import { test } from "node:test";
import { convert, convertFixture, type Json, props, resources } from "./serverless-support.ts";

test("websocket events become the framework's WebSocket API, integrations, routes, authorizer and stage", () => {
  const t = convertFixture("websockets-authorizers");
  assert.deepEqual(props(t, "WebsocketsApi"), {
    Name: "custom-websockets-api-name",
    RouteSelectionExpression: "$request.body.action",
    Description: "Serverless Websockets",
    ProtocolType: "WEBSOCKET",
  });
  assert.deepEqual(props(t, "ConnectionHandlerWebsocketsIntegration"), {
    ApiId: { Ref: "WebsocketsApi" },
    IntegrationType: "AWS_PROXY",
    IntegrationUri: {
      "Fn::Sub":
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ConnectionHandlerLambdaFunction.Arn}/invocations",
    },
  });
  assert.deepEqual(props(t, "SconnectWebsocketsRoute"), {
    ApiId: { Ref: "WebsocketsApi" },
    RouteKey: "$connect",
    AuthorizationType: "CUSTOM",
    Target: { "Fn::Join": ["/", ["integrations", { Ref: "ConnectionHandlerWebsocketsIntegration" }]] },
    AuthorizerId: { Ref: "AuthWebsocketsAuthorizer" },
  });
  assert.equal(props(t, "SdisconnectWebsocketsRoute").AuthorizationType, "NONE");
  assert.equal(props(t, "SdefaultWebsocketsRoute").RouteKey, "$default");
  assert.equal(props(t, "sendMessageWebsocketsRoute").RouteResponseSelectionExpression, "$default");
  assert.deepEqual(props(t, "sendMessageWebsocketsRouteResponse"), {
    ApiId: { Ref: "WebsocketsApi" },
    RouteId: { Ref: "sendMessageWebsocketsRoute" },
    RouteResponseKey: "$default",
  });
  const authorizer = props(t, "AuthWebsocketsAuthorizer");
  assert.equal(authorizer.AuthorizerType, "REQUEST");
  assert.deepEqual(authorizer.IdentitySource, ["route.request.header.Auth"]);
  assert.match(String((authorizer.AuthorizerUri as Json)["Fn::Sub"]), /\$\{AuthLambdaFunction\.Arn\}/);
  assert.deepEqual(props(t, "WebsocketsDeploymentStage"), {
    ApiId: { Ref: "WebsocketsApi" },
    StageName: "dev",
    Description: "Serverless Websockets",
    DeploymentId: { Ref: "WebsocketsDeployment" },
  });
  assert.deepEqual((resources(t).WebsocketsDeployment as Json).DependsOn, [
    "SconnectWebsocketsRoute",
    "SdisconnectWebsocketsRoute",
    "SdefaultWebsocketsRoute",
    "sendMessageWebsocketsRoute",
  ]);
  assert.equal(props(t, "AuthLambdaFunction").FunctionName, "serverless-websockets-authorizers-dev-auth");
  assert.deepEqual(t.notices, [], "serverless-offline needs no notice; the handlers exist");
});

test("without provider settings the API is {stage}-{service}-websockets, routed by $request.body.action", () => {
  const t = convert(
    `
service: chat
provider: { name: aws, runtime: nodejs20.x, stage: beta }
functions:
  connect:
    handler: handler.connect
    events: [{ websocket: { route: $connect } }]
`,
  );
  assert.equal(props(t, "WebsocketsApi").Name, "beta-chat-websockets");
  assert.equal(props(t, "WebsocketsApi").RouteSelectionExpression, "$request.body.action");
  assert.equal(props(t, "WebsocketsDeploymentStage").StageName, "beta");
});

test("an authorizer on a route other than $connect, or a route declared twice, is refused naming the event", () => {
  const base = `
service: chat
provider: { name: aws, runtime: nodejs20.x }
functions:
  auth: { handler: handler.auth }
  a:
    handler: handler.a
    events:
`;
  assert.throws(
    () => convert(`${base}      - websocket: { route: send, authorizer: auth }\n`),
    /serverless\.yml: functions\.a\.events\[0\]\.websocket\.authorizer: WebSocket APIs authorize on the \$connect route only/,
  );
  assert.throws(
    () => convert(`${base}      - websocket: $default\n      - websocket: $default\n`),
    /functions\.a\.events\[1\]\.websocket: route \$default is also declared at functions\.a\.events\[0\]\.websocket/,
  );
  assert.throws(
    () => convert(`${base}      - websocket: { route: $connect, authorizer: nobody }\n`),
    /functions\.a\.events\[0\]\.websocket\.authorizer: names function nobody, which is not among this service's functions/,
  );
});
