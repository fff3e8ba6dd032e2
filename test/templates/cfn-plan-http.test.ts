import assert from "node:assert/strict";
import { test } from "node:test";
import { importHttpApi } from "../../src/openapi/import-http-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";
import { folder, lambdaUri, options, ref, res, template } from "./cfn-plan-support.ts";

const API = "AWS::ApiGatewayV2::Api";
const INTEGRATION = "AWS::ApiGatewayV2::Integration";
const api = ref("HttpApi", API);
const lambda = ref("ItemsLambda", INTEGRATION);
const proxy = ref("SiteProxy", INTEGRATION);
const jwt = ref("JwtAuth", "AWS::ApiGatewayV2::Authorizer");
const fnAuth = ref("FnAuth", "AWS::ApiGatewayV2::Authorizer");

const httpTemplate = () =>
  template([
    res("HttpApi", API, {
      Name: "items",
      ProtocolType: "HTTP",
      Description: "items over HTTP",
      CorsConfiguration: {
        AllowOrigins: ["https://shop.example"],
        AllowMethods: ["GET"],
        MaxAge: 600,
        AllowCredentials: true,
      },
    }),
    res("ItemsLambda", INTEGRATION, {
      ApiId: api,
      IntegrationType: "AWS_PROXY",
      IntegrationUri: "arn:aws:lambda:eu-west-1:123456789012:function:items",
      PayloadFormatVersion: "2.0",
      TimeoutInMillis: 10000,
    }),
    res("SiteProxy", INTEGRATION, {
      ApiId: api,
      IntegrationType: "HTTP_PROXY",
      IntegrationUri: "https://site.example.com/{proxy}",
      IntegrationMethod: "GET",
      PayloadFormatVersion: "1.0",
      RequestParameters: { "overwrite:header.x-from": "portico" },
      ResponseParameters: {
        "404": { ResponseParameters: [{ Destination: "overwrite:statuscode", Source: "410" }] },
      },
    }),
    res("JwtAuth", "AWS::ApiGatewayV2::Authorizer", {
      ApiId: api,
      Name: "cognito",
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["shop"] },
    }),
    res("FnAuth", "AWS::ApiGatewayV2::Authorizer", {
      ApiId: api,
      Name: "fn",
      AuthorizerType: "REQUEST",
      AuthorizerUri: lambdaUri("auth"),
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      IdentitySource: ["$request.header.X-Key", "$request.querystring.k"],
      AuthorizerResultTtlInSeconds: 0,
    }),
    res("GetItems", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "GET /items",
      Target: `integrations/${lambda}`,
      OperationName: "listItems",
    }),
    res("PutItem", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "PUT /items/{id}",
      Target: `integrations/${lambda}`,
      AuthorizationType: "AWS_IAM",
    }),
    res("Site", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "ANY /site/{proxy+}",
      Target: `integrations/${proxy}`,
    }),
    res("Fallback", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "$default",
      Target: `integrations/${proxy}`,
    }),
    res("Secret", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "GET /secret",
      Target: `integrations/${lambda}`,
      AuthorizationType: "JWT",
      AuthorizerId: jwt,
      AuthorizationScopes: ["shop/read"],
    }),
    res("Keyed", "AWS::ApiGatewayV2::Route", {
      ApiId: api,
      RouteKey: "GET /keyed",
      Target: `integrations/${lambda}`,
      AuthorizationType: "CUSTOM",
      AuthorizerId: fnAuth,
    }),
    res("HttpStage", "AWS::ApiGatewayV2::Stage", {
      ApiId: api,
      StageName: "$default",
      AutoDeploy: true,
      StageVariables: { env: "dev" },
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      AccessLogSettings: {
        DestinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:http",
        Format: "$context.requestId",
      },
    }),
  ]);

test("Routes, Integrations and a Stage of an HTTP API import through Portico's HTTP API importer", () => {
  const plan = planFromCloudFormation(httpTemplate(), options(folder({})));
  assert.deepEqual(plan.warnings, []);
  const planned = plan.apis[0] as PlannedDocumentApi;
  assert.equal(planned.type, "HTTP");
  assert.equal(planned.id, api);
  assert.deepEqual(planned.stages, [
    {
      name: "$default",
      variables: { env: "dev" },
      defaultRouteThrottle: { burstLimit: 20, rateLimit: 10 },
      accessLog: {
        destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:http",
        format: "$context.requestId",
      },
    },
  ]);
  // Portico's HTTP API importer does not take JWT or Lambda authorizers from a document yet (it
  // warns and leaves their routes out); those are checked as the document writes them, below.
  const doc = structuredClone(planned.document) as { paths: Record<string, unknown>; components?: unknown };
  delete doc.paths["/secret"];
  delete doc.paths["/keyed"];
  delete doc.components;
  const { definition, warnings } = importHttpApi(parseDocument(JSON.stringify(doc)), { region: "eu-west-1" });
  assert.deepEqual(warnings, []);
  assert.equal(definition.api.name, "items");
  assert.equal(definition.api.description, "items over HTTP");
  assert.deepEqual(definition.api.corsConfiguration, {
    allowOrigins: ["https://shop.example"],
    allowMethods: ["GET"],
    maxAge: 600,
    allowCredentials: true,
  });
  const routes = Object.fromEntries(Object.values(definition.routes).map((r) => [r.routeKey, r]));
  assert.deepEqual(Object.keys(routes).sort(), [
    "$default",
    "ANY /site/{proxy+}",
    "GET /items",
    "PUT /items/{id}",
  ]);
  assert.equal(routes["PUT /items/{id}"]!.authorizationType, "AWS_IAM");
  assert.equal(routes["GET /items"]!.operationName, "listItems");
  const integrationOf = (key: string) =>
    definition.integrations[routes[key]!.target!.replace("integrations/", "")]!;
  const items = integrationOf("GET /items");
  assert.equal(items.integrationType, "AWS_PROXY");
  assert.equal(items.integrationUri, "arn:aws:lambda:eu-west-1:123456789012:function:items");
  assert.equal(items.integrationMethod, "POST");
  assert.equal(items.payloadFormatVersion, "2.0");
  assert.equal(items.timeoutInMillis, 10000);
  const site = integrationOf("$default");
  assert.equal(site.integrationType, "HTTP_PROXY");
  assert.equal(site.integrationMethod, "GET");
  assert.deepEqual(site.requestParameters, { "overwrite:header.x-from": "portico" });
  assert.deepEqual(site.responseParameters, { "404": { "overwrite:statuscode": "410" } });
});

test("JWT and Lambda REQUEST authorizers are written as AWS's x-amazon-apigateway-authorizer schemes", () => {
  const planned = planFromCloudFormation(httpTemplate(), options(folder({}))).apis[0] as PlannedDocumentApi;
  const doc = planned.document as {
    components: { securitySchemes: Record<string, unknown> };
    paths: Record<string, Record<string, { security?: unknown }>>;
  };
  assert.deepEqual(doc.components.securitySchemes, {
    cognito: {
      type: "oauth2",
      flows: {},
      "x-amazon-apigateway-authorizer": {
        type: "jwt",
        jwtConfiguration: { issuer: "https://issuer.example", audience: ["shop"] },
        identitySource: "$request.header.Authorization",
      },
    },
    fn: {
      type: "apiKey",
      name: "X-Key",
      in: "header",
      "x-amazon-apigateway-authorizer": {
        type: "request",
        authorizerUri: lambdaUri("auth"),
        authorizerPayloadFormatVersion: "2.0",
        enableSimpleResponses: true,
        identitySource: "$request.header.X-Key, $request.querystring.k",
        authorizerResultTtlInSeconds: 0,
      },
    },
  });
  assert.deepEqual(doc.paths["/secret"]!.get!.security, [{ cognito: ["shop/read"] }]);
  assert.deepEqual(doc.paths["/keyed"]!.get!.security, [{ fn: [] }]);
});

test("quick create: Target and RouteKey make one route and the $default stage", () => {
  const plan = planFromCloudFormation(
    template([
      res("Quick", API, {
        Name: "quick",
        ProtocolType: "HTTP",
        Target: "arn:aws:lambda:eu-west-1:123456789012:function:quick",
      }),
    ]),
    options(folder({})),
  );
  const planned = plan.apis[0] as PlannedDocumentApi;
  assert.deepEqual(planned.stages, [{ name: "$default" }]);
  const { definition } = importHttpApi(parseDocument(JSON.stringify(planned.document)));
  const [route] = Object.values(definition.routes);
  assert.equal(route!.routeKey, "$default");
  const integration = definition.integrations[route!.target!.replace("integrations/", "")]!;
  assert.equal(integration.integrationType, "AWS_PROXY");
  assert.equal(integration.payloadFormatVersion, "2.0");
  assert.equal(integration.integrationUri, "arn:aws:lambda:eu-west-1:123456789012:function:quick");
});

test("a route whose Target names no integration of its API is refused; an API without stages gets a notice", () => {
  const t = httpTemplate();
  t.resources.find((r) => r.logicalId === "GetItems")!.properties.Target = "integrations/zzzzzz";
  assert.throws(
    () => planFromCloudFormation(t, options(folder({}))),
    /Resources\.GetItems\.Properties\.Target: integrations\/zzzzzz names no AWS::ApiGatewayV2::Integration/,
  );
  const bare = planFromCloudFormation(
    template([res("Bare", API, { Name: "bare", ProtocolType: "HTTP" })]),
    options(folder({})),
  );
  assert.deepEqual((bare.apis[0] as PlannedDocumentApi).stages, []);
  assert.deepEqual(
    bare.warnings.map((w) => w.path),
    ["Resources.Bare.Type"],
  );
});

test("an HTTP API from a Body keeps its routes and takes Name as its title; ProtocolType may be left out", () => {
  const plan = planFromCloudFormation(
    template([
      res("Imported", API, {
        Name: "imported",
        Body: {
          openapi: "3.0.1",
          info: { title: "in-body", version: "2" },
          paths: {
            "/ping": {
              get: {
                "x-amazon-apigateway-integration": {
                  type: "http_proxy",
                  httpMethod: "GET",
                  uri: "https://ping.example",
                },
              },
            },
          },
        },
      }),
      res("ImportedStage", "AWS::ApiGatewayV2::Stage", { ApiId: ref("Imported", API), StageName: "v1" }),
    ]),
    options(folder({})),
  );
  const planned = plan.apis[0] as PlannedDocumentApi;
  assert.equal(planned.type, "HTTP");
  const { definition } = importHttpApi(parseDocument(JSON.stringify(planned.document)));
  assert.equal(definition.api.name, "imported");
  assert.equal(definition.api.version, "2");
  assert.deepEqual(
    Object.values(definition.routes).map((r) => r.routeKey),
    ["GET /ping"],
  );
});
