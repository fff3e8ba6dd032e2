import assert from "node:assert/strict";
import { test } from "node:test";
import { importHttpApi } from "../../src/openapi/import-http-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { convert, convertFixture, evaluate, type Json, props } from "./serverless-support.ts";

test("serverless/examples aws-node-http-api: one function on GET / of an HTTP API, $default stage", () => {
  const t = convertFixture("aws-node-http-api");
  assert.deepEqual(
    t.notices.map((n) => n.path),
    ["functions.hello.handler"],
  );
  assert.equal(t.stackName, "serverless-http-api-dev");
  assert.deepEqual(
    Object.entries(t.template.Resources as Record<string, Json>).map(([id, r]) => `${id}:${r.Type}`),
    [
      "HelloLambdaFunction:AWS::Lambda::Function",
      "HttpApi:AWS::ApiGatewayV2::Api",
      "HttpApiStage:AWS::ApiGatewayV2::Stage",
    ],
  );
  assert.equal(props(t, "HelloLambdaFunction").FunctionName, "serverless-http-api-dev-hello");
  assert.equal(props(t, "HelloLambdaFunction").Handler, "handler.hello");
  const api = props(t, "HttpApi");
  assert.equal(api.ProtocolType, "HTTP");
  assert.equal(api.Name, "dev-serverless-http-api");
  const get = ((api.Body as Json).paths as Record<string, Record<string, Json>>)["/"]!.get!;
  assert.deepEqual(get["x-amazon-apigateway-integration"], {
    type: "aws_proxy",
    httpMethod: "POST",
    uri: {
      "Fn::Sub":
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${HelloLambdaFunction.Arn}/invocations",
    },
    payloadFormatVersion: "2.0",
  });
  assert.deepEqual(props(t, "HttpApiStage"), {
    ApiId: { Ref: "HttpApi" },
    StageName: "$default",
    AutoDeploy: true,
  });
  const { definition } = importHttpApi(parseDocument(JSON.stringify(evaluate(api.Body, t))));
  assert.deepEqual(
    Object.values(definition.routes).map((r) => r.routeKey),
    ["GET /"],
  );
});

test("httpApi: string and object forms, '*' as $default, JWT and request authorizers, cors, .env for v4", () => {
  const t = convertFixture("http-api-jwt");
  const api = props(t, "HttpApi");
  assert.equal(api.Name, "dev-http-api-jwt");
  const body = api.Body as Json;
  const paths = body.paths as Record<string, Record<string, Json>>;
  assert.deepEqual(Object.keys(paths).sort(), ["$default", "/elo", "/users", "/users/{id}"]);
  assert.ok(paths.$default!["x-amazon-apigateway-any-method"]);
  assert.deepEqual(paths["/users/{id}"]!.get!.security, [{ someJwtAuthorizer: ["user.id"] }]);
  assert.deepEqual(paths["/users/{id}"]!.get!.parameters, [
    { name: "id", in: "path", required: true, schema: { type: "string" } },
  ]);
  const schemes = (body.components as Json).securitySchemes as Record<string, Json>;
  assert.deepEqual(schemes.someJwtAuthorizer!["x-amazon-apigateway-authorizer"], {
    type: "jwt",
    identitySource: "$request.header.Authorization",
    jwtConfiguration: {
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
      audience: ["from-dotenv"],
    },
  });
  const custom = schemes.customAuthorizer!["x-amazon-apigateway-authorizer"] as Json;
  assert.equal(custom.type, "request");
  assert.equal(custom.enableSimpleResponses, true);
  assert.equal(custom.authorizerPayloadFormatVersion, "2.0");
  assert.match(String((custom.authorizerUri as Json)["Fn::Sub"]), /\$\{AuthorizerFuncLambdaFunction\.Arn\}/);
  assert.deepEqual(api.CorsConfiguration, {
    AllowOrigins: ["*"],
    AllowHeaders: [
      "Content-Type",
      "X-Amz-Date",
      "Authorization",
      "X-Api-Key",
      "X-Amz-Security-Token",
      "X-Amz-User-Agent",
    ],
    AllowMethods: ["OPTIONS", "PATCH", "GET", "POST", "PUT", "HEAD", "DELETE"],
  });
  assert.deepEqual((body["x-amazon-apigateway-cors"] as Json).allowOrigins, ["*"]);
  const plugin = t.notices.find((n) => n.path === "plugins[0]");
  assert.match(String(plugin?.message), /serverless-esbuild/);
});

test("the real environment wins over .env", () => {
  const t = convertFixture("http-api-jwt", { env: { JWT_AUDIENCE: "from-env" } });
  const schemes = ((props(t, "HttpApi").Body as Json).components as Json).securitySchemes as Record<
    string,
    Json
  >;
  const jwt = schemes.someJwtAuthorizer!["x-amazon-apigateway-authorizer"] as Json;
  assert.deepEqual((jwt.jwtConfiguration as Json).audience, ["from-env"]);
});

test("httpApi events that cannot be routed are refused naming the event", () => {
  const base = `
service: h
provider: { name: aws, runtime: nodejs20.x }
functions:
  a:
    handler: handler.a
    events:
`;
  assert.throws(
    () => convert(`${base}      - httpApi: 'FETCH /x'\n`),
    /functions\.a\.events\[0\]\.httpApi\.method: FETCH is not an HTTP method/,
  );
  assert.throws(
    () => convert(`${base}      - httpApi: 'GET'\n`),
    /functions\.a\.events\[0\]\.httpApi: GET is not '\*' or 'METHOD \/path'/,
  );
  assert.throws(
    () => convert(`${base}      - httpApi: { path: /x, method: get, authorizer: { name: nope } }\n`),
    /functions\.a\.events\[0\]\.httpApi\.authorizer: authorizer nope is not among provider\.httpApi\.authorizers/,
  );
  assert.throws(
    () => convert(`${base}      - httpApi: 'GET /x'\n      - httpApi: { method: GET, path: /x }\n`),
    /functions\.a\.events\[1\]\.httpApi: route GET \/x is also declared at functions\.a\.events\[0\]\.httpApi/,
  );
});
