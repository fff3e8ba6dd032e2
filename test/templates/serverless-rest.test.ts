import assert from "node:assert/strict";
import { test } from "node:test";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { convert, convertFixture, evaluate, type Json, props, resources } from "./serverless-support.ts";

const todos = () => convertFixture("rest-todos");
const body = (t: ReturnType<typeof todos>) => props(t, "ApiGatewayRestApi").Body as Json;
const paths = (t: ReturnType<typeof todos>) => body(t).paths as Record<string, Record<string, Json>>;

test("http events become one REST API named {stage}-{service}, deployed to the stage", () => {
  const t = todos();
  assert.equal(t.stage, "dev");
  assert.equal(t.stackName, "serverless-rest-api-with-dynamodb-dev");
  assert.equal(resources(t).ApiGatewayRestApi!.Type, "AWS::ApiGateway::RestApi");
  assert.equal(props(t, "ApiGatewayRestApi").Name, "dev-serverless-rest-api-with-dynamodb");
  assert.equal(body(t).swagger, "2.0");
  assert.deepEqual(props(t, "ApiGatewayDeployment"), {
    RestApiId: { Ref: "ApiGatewayRestApi" },
    StageName: "dev",
  });
  assert.deepEqual(Object.keys(paths(t)).sort(), ["/todos", "/todos/{id}"]);
  assert.deepEqual(Object.keys(paths(t)["/todos"]!).sort(), ["get", "options", "post"]);
  assert.deepEqual(Object.keys(paths(t)["/todos/{id}"]!).sort(), ["delete", "get", "options", "put"]);
});

test("--stage renames the API, the functions, the stage and what variables build from it", () => {
  const t = convertFixture("rest-todos", { stage: "prod", region: "eu-central-1" });
  assert.equal(t.stage, "prod");
  assert.equal(props(t, "ApiGatewayRestApi").Name, "prod-serverless-rest-api-with-dynamodb");
  assert.equal(props(t, "ApiGatewayDeployment").StageName, "prod");
  assert.equal(
    props(t, "CreateLambdaFunction").FunctionName,
    "serverless-rest-api-with-dynamodb-prod-create",
  );
  const env = (props(t, "CreateLambdaFunction").Environment as Json).Variables as Json;
  assert.deepEqual(env, { DYNAMODB_TABLE: "serverless-rest-api-with-dynamodb-prod", REGION: "eu-central-1" });
  assert.equal(props(t, "TodosDynamoDbTable").TableName, "serverless-rest-api-with-dynamodb-prod");
});

test("functions: named {service}-{stage}-{name}, code the service folder, provider settings under their own", () => {
  const t = todos();
  const get = props(t, "GetLambdaFunction");
  assert.equal(get.FunctionName, "serverless-rest-api-with-dynamodb-dev-get");
  assert.equal(get.Handler, "todos/get.get");
  assert.match(String(get.Code), /test\/fixtures\/serverless\/rest-todos$/);
  assert.equal(get.Runtime, "nodejs18.x");
  assert.equal(get.Timeout, 10);
  assert.equal(get.MemorySize, 1024);
  assert.deepEqual((get.Environment as Json).Variables, {
    DYNAMODB_TABLE: "overridden",
    REGION: "us-east-1",
  });
  assert.equal(props(t, "UpdateLambdaFunction").MemorySize, 256);
  assert.equal(
    t.notices.some((n) => n.path === "functions.get.handler"),
    false,
    "the handler files exist, so no notice",
  );
});

test("lambda-proxy integrations invoke the function's own ARN; the imported API has every method", () => {
  const t = todos();
  const post = paths(t)["/todos"]!.post!;
  const integration = post["x-amazon-apigateway-integration"] as Json;
  assert.equal(integration.type, "aws_proxy");
  assert.equal(integration.httpMethod, "POST");
  assert.deepEqual(integration.uri, {
    "Fn::Sub":
      "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${CreateLambdaFunction.Arn}/invocations",
  });
  const doc = evaluate(body(t), t) as Json;
  const { definition } = importRestApi(parseDocument(JSON.stringify(doc)));
  const byPath = new Map(Object.values(definition.resources).map((r) => [r.path, r]));
  assert.deepEqual(Object.keys(byPath.get("/todos/{id}")!.resourceMethods ?? {}).sort(), [
    "DELETE",
    "GET",
    "OPTIONS",
    "PUT",
  ]);
  const method = byPath.get("/todos")!.resourceMethods!.POST!;
  assert.equal(
    method.methodIntegration?.uri,
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:serverless-rest-api-with-dynamodb-dev-create/invocations",
  );
});

test("cors: true adds a MOCK OPTIONS with the framework's Access-Control headers, methods of the path united", () => {
  const options = paths(todos())["/todos/{id}"]!.options!;
  const integration = options["x-amazon-apigateway-integration"] as Json;
  assert.equal(integration.type, "mock");
  assert.deepEqual(integration.requestTemplates, { "application/json": "{statusCode:200}" });
  const params = ((integration.responses as Json).default as Json).responseParameters as Json;
  assert.equal(params["method.response.header.Access-Control-Allow-Origin"], "'*'");
  assert.equal(params["method.response.header.Access-Control-Allow-Methods"], "'OPTIONS,GET,PUT'");
  assert.equal(
    params["method.response.header.Access-Control-Allow-Headers"],
    "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id'",
  );
});

test("private: true requires the API key; apiKeys and usagePlan become the key, the plan on the stage, and their link", () => {
  const t = todos();
  assert.deepEqual(paths(t)["/todos/{id}"]!.put!.security, [{ api_key: [] }]);
  assert.equal(paths(t)["/todos/{id}"]!.get!.security, undefined);
  assert.deepEqual((body(t).securityDefinitions as Json).api_key, {
    type: "apiKey",
    name: "x-api-key",
    in: "header",
  });
  assert.deepEqual(resources(t).ApiGatewayApiKey1, {
    Type: "AWS::ApiGateway::ApiKey",
    DependsOn: "ApiGatewayDeployment",
    Properties: {
      Enabled: true,
      Name: "todos-key",
      StageKeys: [{ RestApiId: { Ref: "ApiGatewayRestApi" }, StageName: "dev" }],
    },
  });
  const plan = props(t, "ApiGatewayUsagePlan");
  assert.equal(plan.UsagePlanName, "serverless-rest-api-with-dynamodb-dev");
  assert.deepEqual(plan.ApiStages, [{ ApiId: { Ref: "ApiGatewayRestApi" }, Stage: "dev" }]);
  assert.deepEqual(plan.Quota, { Limit: 5000, Period: "MONTH" });
  assert.deepEqual(plan.Throttle, { BurstLimit: 200, RateLimit: 100 });
  assert.deepEqual(props(t, "ApiGatewayUsagePlanKey1"), {
    KeyId: { Ref: "ApiGatewayApiKey1" },
    KeyType: "API_KEY",
    UsagePlanId: { Ref: "ApiGatewayUsagePlan" },
  });
});

test("request parameters and path parameters are declared on the operation", () => {
  const get = paths(todos())["/todos/{id}"]!.get!;
  assert.deepEqual(get.parameters, [
    { name: "id", in: "path", required: true, type: "string" },
    { name: "verbose", in: "query", required: false, type: "string" },
  ]);
});

test("resources are merged in; Outputs kept; other events are notices, not errors", () => {
  const t = todos();
  assert.equal(resources(t).TodosDynamoDbTable!.Type, "AWS::DynamoDB::Table");
  assert.equal(resources(t).TodosDynamoDbTable!.DeletionPolicy, "Retain");
  assert.deepEqual(t.template.Outputs, { TableName: { Value: { Ref: "TodosDynamoDbTable" } } });
  const stream = t.notices.find((n) => n.path === "functions.stream.events[0]");
  assert.ok(stream, JSON.stringify(t.notices));
  assert.equal(stream.logicalId, "StreamLambdaFunction");
  assert.match(stream.message, /stream events/);
});

const SERVICE = `
service: auth-api
provider:
  name: aws
  runtime: nodejs20.x
functions:
  auth:
    handler: handler.auth
  requestAuth:
    handler: handler.requestAuth
`;

test("authorizer naming a function is a TOKEN Lambda authorizer on its ARN, header Authorization, 300 s cache", () => {
  const t = convert(`${SERVICE}
  private:
    handler: handler.privateEndpoint
    events:
      - http:
          path: api/private
          method: post
          authorizer: auth
      - http:
          path: api/request
          method: get
          authorizer:
            name: requestAuth
            type: request
            resultTtlInSeconds: 0
            identitySource: method.request.header.X-Token, method.request.querystring.t
      - http:
          path: api/iam
          method: get
          authorizer: aws_iam
      - http:
          path: api/cognito
          method: get
          authorizer:
            arn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc
            scopes: [email]
`);
  const doc = props(t, "ApiGatewayRestApi").Body as Json;
  const schemes = doc.securityDefinitions as Record<string, Json>;
  assert.deepEqual(schemes.auth, {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": {
      type: "token",
      authorizerUri: {
        "Fn::Sub":
          "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthLambdaFunction.Arn}/invocations",
      },
      authorizerResultTtlInSeconds: 300,
      identitySource: "method.request.header.Authorization",
    },
  });
  const p = doc.paths as Record<string, Record<string, Json>>;
  assert.deepEqual(p["/api/private"]!.post!.security, [{ auth: [] }]);
  assert.deepEqual(p["/api/iam"]!.get!.security, [{ sigv4: [] }]);
  assert.deepEqual(p["/api/cognito"]!.get!.security, [{ "1_abc": ["email"] }]);
  assert.equal((schemes["1_abc"]!["x-amazon-apigateway-authorizer"] as Json).type, "cognito_user_pools");
  const { definition } = importRestApi(parseDocument(JSON.stringify(evaluate(doc, t))));
  const types = Object.values(definition.authorizers ?? {})
    .map((a) => `${a.name}:${a.type}`)
    .sort();
  assert.deepEqual(types, ["1_abc:COGNITO_USER_POOLS", "auth:TOKEN", "requestAuth:REQUEST"]);
});

test("one authorizer declared two ways on two events is refused", () => {
  assert.throws(
    () =>
      convert(`${SERVICE}
  a:
    handler: handler.a
    events:
      - http: { path: a, method: get, authorizer: auth }
      - http: { path: b, method: get, authorizer: { name: auth, type: request } }
`),
    /serverless\.yml: functions\.a\.events\[1\]\.http\.authorizer: authorizer auth is declared elsewhere/,
  );
});

test("lambda (non-proxy), http-proxy and mock integrations carry their templates, URIs and responses", () => {
  const t = convert(`${SERVICE}
  legacy:
    handler: handler.legacy
    events:
      - http:
          path: legacy
          method: get
          integration: lambda
          cors: true
          request:
            template:
              application/json: '{ "id": "$input.params(''id'')" }'
      - http:
          path: proxy/{proxy+}
          method: any
          integration: http-proxy
          request:
            uri: https://backend.example.com/{proxy}
            parameters:
              paths:
                proxy: true
      - http:
          path: mocked
          method: get
          integration: mock
          request:
            template:
              application/json: '{"statusCode": 200}'
          response:
            template: '{"ok": true}'
`);
  const p = (props(t, "ApiGatewayRestApi").Body as Json).paths as Record<string, Record<string, Json>>;
  const legacy = p["/legacy"]!.get!["x-amazon-apigateway-integration"] as Json;
  assert.equal(legacy.type, "aws");
  assert.equal(legacy.passthroughBehavior, "never");
  const templates = legacy.requestTemplates as Json;
  assert.equal(templates["application/json"], `{ "id": "$input.params('id')" }`);
  assert.match(
    String(templates["application/x-www-form-urlencoded"]),
    /"requestPath": "\$context.resourcePath"/,
  );
  const responses = legacy.responses as Record<string, Json>;
  assert.equal(responses.default!.statusCode, "200");
  assert.equal(
    (responses.default!.responseParameters as Json)["method.response.header.Access-Control-Allow-Origin"],
    "'*'",
  );
  assert.equal(responses["[\\s\\S]*\\[404\\][\\s\\S]*"]!.statusCode, "404");
  const proxy = p["/proxy/{proxy+}"]!["x-amazon-apigateway-any-method"]![
    "x-amazon-apigateway-integration"
  ] as Json;
  assert.deepEqual(proxy, {
    type: "http_proxy",
    uri: "https://backend.example.com/{proxy}",
    httpMethod: "ANY",
    requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
  });
  const mock = p["/mocked"]!.get!["x-amazon-apigateway-integration"] as Json;
  assert.equal(mock.type, "mock");
  assert.deepEqual((mock.responses as Record<string, Json>).default!.responseTemplates, {
    "application/json": '{"ok": true}',
  });
  const { definition } = importRestApi(
    parseDocument(JSON.stringify(evaluate(props(t, "ApiGatewayRestApi").Body, t))),
  );
  assert.ok(Object.values(definition.resources).some((r) => r.path === "/proxy/{proxy+}"));
});

test("provider.apiGateway settings become the API's extensions; named usage plans get their own keys", () => {
  const t = convert(`
service: plans
provider:
  name: aws
  runtime: nodejs20.x
  apiGateway:
    binaryMediaTypes: ['image/png']
    apiKeySourceType: HEADER
    minimumCompressionSize: 1024
    resourcePolicy:
      - Effect: Allow
        Principal: '*'
        Action: execute-api:Invoke
        Resource: execute-api:/*
    apiKeys:
      - free:
          - free-key
      - paid:
          - name: paid-key
            value: paid-key-value-0123456789
    usagePlan:
      - free:
          quota: { limit: 100, period: DAY }
      - paid:
          throttle: { rateLimit: 50, burstLimit: 10 }
functions:
  hello:
    handler: handler.hello
    events:
      - http: GET hello
`);
  const doc = props(t, "ApiGatewayRestApi").Body as Json;
  assert.deepEqual(doc["x-amazon-apigateway-binary-media-types"], ["image/png"]);
  assert.equal(doc["x-amazon-apigateway-api-key-source"], "HEADER");
  assert.equal((doc["x-amazon-apigateway-policy"] as Json).Version, "2012-10-17");
  assert.ok(t.notices.some((n) => n.path === "provider.apiGateway.minimumCompressionSize"));
  assert.equal(props(t, "ApiGatewayUsagePlanFree").UsagePlanName, "plans-free-dev");
  assert.deepEqual(props(t, "ApiGatewayUsagePlanFree").Quota, { Limit: 100, Period: "DAY" });
  assert.equal(props(t, "ApiGatewayApiKeyPaid1").Value, "paid-key-value-0123456789");
  assert.deepEqual(props(t, "ApiGatewayUsagePlanKeyPaid1"), {
    KeyId: { Ref: "ApiGatewayApiKeyPaid1" },
    KeyType: "API_KEY",
    UsagePlanId: { Ref: "ApiGatewayUsagePlanPaid" },
  });
  assert.equal(resources(t).ApiGatewayUsagePlan, undefined);
});
