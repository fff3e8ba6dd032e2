import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { transformSam } from "../../src/templates/sam/transform-sam.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";
import type { Resources } from "./sam-fixture.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests walk generated Swagger by known paths.
type Doc = any;
const BASE = join(import.meta.dirname, "../fixtures/sam-local");
const run = (yaml: string) =>
  transformSam(parseTemplateText(yaml, "t.yaml"), { file: "t.yaml", baseDir: BASE });
const resources = (yaml: string) => run(yaml).template.Resources as Resources;
const refused = (yaml: string, path: string, message: RegExp) =>
  assert.throws(
    () => run(yaml),
    (e: unknown) => e instanceof TemplateError && e.path === `t.yaml: ${path}` && message.test(e.message),
  );
const FN = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      CodeUri: src/
`;

// The shape of SAM's documented example for a Lambda TOKEN authorizer with an API key and usage plan
// (developer guide, "Controlling access with Lambda authorizers" and "API keys"; Auth.UsagePlan).
const TOKEN_AND_PLAN = `
Transform: AWS::Serverless-2016-10-31
Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        DefaultAuthorizer: MyLambdaTokenAuthorizer
        ApiKeyRequired: true
        Authorizers:
          MyLambdaTokenAuthorizer:
            FunctionArn: !GetAtt MyAuthFunction.Arn
            Identity: { Header: X-Token, ReauthorizeEvery: 60, ValidationExpression: "^Bearer .+" }
        UsagePlan:
          CreateUsagePlan: PER_API
          Quota: { Limit: 500, Period: MONTH }
          Throttle: { BurstLimit: 100, RateLimit: 50 }
  MyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        GetRoot:
          Type: Api
          Properties: { RestApiId: !Ref MyApi, Path: /, Method: get }
        Open:
          Type: Api
          Properties:
            RestApiId: !Ref MyApi
            Path: /open
            Method: get
            Auth: { Authorizer: NONE, ApiKeyRequired: false }
  MyAuthFunction:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: ./src, Handler: authorizer.handler, Runtime: nodejs20.x }
`;

test("a Lambda TOKEN authorizer, API key and PER_API usage plan become SAM's Swagger and resources", () => {
  const r = resources(TOKEN_AND_PLAN);
  const body = r.MyApi!.Properties.Body as Doc;
  assert.deepEqual(body.securityDefinitions.MyLambdaTokenAuthorizer, {
    type: "apiKey",
    name: "X-Token",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": {
      type: "token",
      authorizerUri: {
        "Fn::Sub": [
          "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations",
          { __FunctionArn__: { "Fn::GetAtt": ["MyAuthFunction", "Arn"] } },
        ],
      },
      authorizerResultTtlInSeconds: 60,
      identityValidationExpression: "^Bearer .+",
    },
  });
  assert.deepEqual(body.securityDefinitions.api_key, { type: "apiKey", name: "x-api-key", in: "header" });
  assert.deepEqual(body.paths["/"].get.security, [{ MyLambdaTokenAuthorizer: [] }, { api_key: [] }]);
  assert.deepEqual(body.paths["/open"].get.security, []);
  assert.equal(r.MyApiMyLambdaTokenAuthorizerAuthorizerPermission!.Type, "AWS::Lambda::Permission");
  assert.deepEqual(r.MyApiUsagePlan!.Properties, {
    ApiStages: [{ ApiId: { Ref: "MyApi" }, Stage: { Ref: "MyApiProdStage" } }],
    Quota: { Limit: 500, Period: "MONTH" },
    Throttle: { BurstLimit: 100, RateLimit: 50 },
  });
  assert.deepEqual(r.MyApiApiKey!.Properties, {
    Enabled: true,
    StageKeys: [{ RestApiId: { Ref: "MyApi" }, StageName: { Ref: "MyApiProdStage" } }],
  });
  assert.deepEqual(r.MyApiUsagePlanKey!.Properties, {
    KeyId: { Ref: "MyApiApiKey" },
    KeyType: "API_KEY",
    UsagePlanId: { Ref: "MyApiUsagePlan" },
  });
});

test("SHARED usage plans are one ServerlessUsagePlan for every API; SINGLE is refused as SAM refuses it", () => {
  const two = TOKEN_AND_PLAN.replace("PER_API", "SHARED").replace(
    "  MyFunction:",
    "  Other:\n    Type: AWS::Serverless::Api\n    Properties: { StageName: v1, Auth: { UsagePlan: { CreateUsagePlan: SHARED } } }\n  MyFunction:",
  );
  const r = resources(two);
  assert.deepEqual((r.ServerlessUsagePlan!.Properties.ApiStages as unknown[]).length, 2);
  assert.deepEqual(r.ServerlessUsagePlan!.DependsOn, ["MyApi", "Other"]);
  assert.ok(r.ServerlessApiKey && r.ServerlessUsagePlanKey && !r.MyApiUsagePlan);
  refused(
    TOKEN_AND_PLAN.replace("PER_API", "SINGLE"),
    "Resources.MyApi.Properties.Auth.UsagePlan.CreateUsagePlan",
    /SHARED, PER_API, NONE/,
  );
});

// The shape of SAM's documented AWS::Serverless::HttpApi OAuth2Authorizer example (JwtConfiguration).
test("an HttpApi JWT authorizer becomes an oauth2 scheme with lower-cased jwtConfiguration, the default on routes", () => {
  const r = resources(`
Transform: AWS::Serverless-2016-10-31
Resources:
  MyHttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: live
      CorsConfiguration: { AllowOrigins: [https://example.com], AllowMethods: [GET], MaxAge: 600 }
      Auth:
        DefaultAuthorizer: MyOauth2
        Authorizers:
          MyOauth2:
            AuthorizationScopes: [scope4]
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { Issuer: "https://issuer.example.com", Audience: [MyApi] }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: HttpApi
          Properties: { ApiId: !Ref MyHttpApi, Path: "/items/{id}", Method: GET, PayloadFormatVersion: "1.0", TimeoutInMillis: 5000 }
`);
  const body = r.MyHttpApi!.Properties.Body as Doc;
  assert.deepEqual(body.components.securitySchemes.MyOauth2, {
    type: "oauth2",
    "x-amazon-apigateway-authorizer": {
      jwtConfiguration: { issuer: "https://issuer.example.com", audience: ["MyApi"] },
      identitySource: "$request.header.Authorization",
      type: "jwt",
    },
  });
  const op = body.paths["/items/{id}"].get;
  assert.deepEqual(op.security, [{ MyOauth2: ["scope4"] }]);
  assert.deepEqual(op.parameters, [{ name: "id", in: "path", required: true }]);
  assert.equal(op["x-amazon-apigateway-integration"].payloadFormatVersion, "1.0");
  assert.equal(op["x-amazon-apigateway-integration"].timeoutInMillis, 5000);
  assert.deepEqual(body["x-amazon-apigateway-cors"], {
    allowOrigins: ["https://example.com"],
    allowMethods: ["GET"],
    maxAge: 600,
  });
  assert.equal(r.MyHttpApiliveStage!.Properties.StageName, "live");
  assert.equal(r.MyHttpApiliveStage!.Properties.AutoDeploy, true);
  assert.equal(r.Fn!.Properties.Code, BASE);
});

test("REST Cors as a string adds SAM's OPTIONS mock methods; Globals apply to the implicit API", () => {
  const r = resources(`
Transform: AWS::Serverless-2016-10-31
Globals:
  Api: { Cors: "'https://example.com'" }
  Function: { Runtime: nodejs20.x, Timeout: 10, Environment: { Variables: { A: "1", B: "2" } }, Layers: [g] }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Timeout: 3
      Environment: { Variables: { B: "local" } }
      Layers: [l]
      Events:
        Post: { Type: Api, Properties: { Path: /items, Method: post } }
        Any: { Type: Api, Properties: { Path: /all, Method: any } }
`);
  const fn = r.Fn!.Properties;
  assert.equal(fn.Runtime, "nodejs20.x");
  assert.equal(fn.Timeout, 3);
  assert.deepEqual(fn.Environment, { Variables: { A: "1", B: "local" } });
  assert.deepEqual(fn.Layers, ["g", "l"]);
  const paths = (r.ServerlessRestApi!.Properties.Body as Doc).paths;
  const options = paths["/items"].options["x-amazon-apigateway-integration"];
  assert.equal(options.type, "mock");
  assert.deepEqual(options.responses.default.responseParameters, {
    "method.response.header.Access-Control-Allow-Origin": "'https://example.com'",
    "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,POST'",
  });
  assert.equal(
    paths["/all"].options["x-amazon-apigateway-integration"].responses.default.responseParameters[
      "method.response.header.Access-Control-Allow-Methods"
    ],
    "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'",
  );
});

test("DefinitionUri reads the local file; an event's path it lacks is noticed, not added", () => {
  const out = run(`
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: { StageName: dev, DefinitionUri: openapi.yaml }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /other, Method: get } }
`);
  const body = (out.template.Resources as Resources).Api!.Properties.Body as Doc;
  assert.equal(body.paths["/pets"].get["x-amazon-apigateway-integration"].type, "mock");
  assert.equal(body.paths["/other"], undefined);
  assert.ok(out.notices.some((n) => n.path === "Resources.Fn.Properties.Events.Get.Properties"));
});

test("other AWS::Serverless types are noticed and not created", () => {
  const out = run(`${FN}  Table:\n    Type: AWS::Serverless::SimpleTable\n`);
  assert.equal((out.template.Resources as Resources).Table, undefined);
  assert.ok(out.notices.some((n) => n.path === "Resources.Table.Type"));
});

test("bad input is refused with the file and the place", () => {
  refused(`${FN}      Events: [a]\n`, "Resources.Fn.Properties.Events", /mapping/);
  refused(
    `${FN}      Events:\n        E: { Type: Api, Properties: { Method: get } }\n`,
    "Resources.Fn.Properties.Events.E.Properties.Path",
    /needs a Path/,
  );
  refused(
    `${FN}      Events:\n        E: { Type: Api, Properties: { Path: /x, Method: get, RestApiId: !Ref Fn } }\n`,
    "Resources.Fn.Properties.Events.E.Properties.RestApiId",
    /AWS::Serverless::Api/,
  );
  refused(
    `${FN}      Events:\n        E: { Type: Carrier }\n`,
    "Resources.Fn.Properties.Events.E.Type",
    /not one SAM supports/,
  );
  refused(FN.replace("src/", "s3://bucket/code.zip"), "Resources.Fn.Properties.CodeUri", /local folder/);
  refused(`${FN}      InlineCode: "exports.handler = 1"\n`, "Resources.Fn.Properties.InlineCode", /CodeUri/);
  refused(`${FN}Globals:\n  Api: { StageName: x }\n`, "Globals.Api.StageName", /not a property SAM takes/);
  refused(
    `${FN}  Api:\n    Type: AWS::Serverless::Api\n    Properties: { StageName: a, DefinitionUri: s3://b/k.yaml }\n`,
    "Resources.Api.Properties.DefinitionUri",
    /S3/,
  );
  const sqs = run(`${FN}      Events:\n        Q: { Type: SQS, Properties: { Queue: arn } }\n`);
  assert.ok(sqs.notices.some((n) => n.path === "Resources.Fn.Properties.Events.Q.Type"));
});

test("a __proto__ key is refused, and Object.prototype is left alone", () => {
  const template = JSON.parse(
    '{"Transform":"AWS::Serverless-2016-10-31","Resources":{"Fn":{"Type":"AWS::Serverless::Function","Properties":{"Handler":"a.b","Runtime":"nodejs20.x","Environment":{"__proto__":{"polluted":1}}}}}}',
  );
  assert.throws(
    () => transformSam(template, { file: "t.json", baseDir: BASE }),
    (e: unknown) => e instanceof TemplateError && e.path === "Resources.Fn.Properties.Environment.__proto__",
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
