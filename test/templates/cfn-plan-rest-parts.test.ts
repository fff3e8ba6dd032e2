import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { methodSettingKey } from "../../src/templates/cfn/plan-rest-stages.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { att, folder, lambdaUri, options, ref, res, template } from "./cfn-plan-support.ts";

const REST = "AWS::ApiGateway::RestApi";
const api = ref("PetsApi", REST);
const root = att("PetsApi", REST, "RootResourceId");
const pets = ref("PetsResource", "AWS::ApiGateway::Resource");
const pet = ref("PetResource", "AWS::ApiGateway::Resource");
const tokenAuth = ref("TokenAuthorizer", "AWS::ApiGateway::Authorizer");
const poolAuth = ref("PoolAuthorizer", "AWS::ApiGateway::Authorizer");
const validator = ref("BodyValidator", "AWS::ApiGateway::RequestValidator");
const deployment = ref("PetsDeployment", "AWS::ApiGateway::Deployment");

/** A REST API written resource by resource, with a part of every kind the planner carries over. */
const petsTemplate = () =>
  template([
    res("PetsApi", REST, {
      Name: "pets",
      Description: "Pets, by resource",
      BinaryMediaTypes: ["image~1png"],
      ApiKeySourceType: "HEADER",
      MinimumCompressionSize: 1024,
      EndpointConfiguration: { Types: ["REGIONAL"] },
      Policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        ],
      },
    }),
    res("PetsResource", "AWS::ApiGateway::Resource", { RestApiId: api, ParentId: root, PathPart: "pets" }),
    res("PetResource", "AWS::ApiGateway::Resource", { RestApiId: api, ParentId: pets, PathPart: "{id}" }),
    res("TokenAuthorizer", "AWS::ApiGateway::Authorizer", {
      RestApiId: api,
      Name: "token",
      Type: "TOKEN",
      AuthorizerUri: lambdaUri("auth"),
      IdentitySource: "method.request.header.Authorization",
      IdentityValidationExpression: "^Bearer .+$",
      AuthorizerResultTtlInSeconds: 60,
    }),
    res("PoolAuthorizer", "AWS::ApiGateway::Authorizer", {
      RestApiId: api,
      Name: "pool",
      Type: "COGNITO_USER_POOLS",
      IdentitySource: "method.request.header.Authorization",
      ProviderARNs: ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"],
    }),
    res("BodyValidator", "AWS::ApiGateway::RequestValidator", {
      RestApiId: api,
      Name: "body-only",
      ValidateRequestBody: true,
      ValidateRequestParameters: false,
    }),
    res("PetModel", "AWS::ApiGateway::Model", {
      RestApiId: api,
      Name: "Pet",
      ContentType: "application/json",
      Schema: JSON.stringify({
        type: "object",
        required: ["name"],
        properties: { name: { type: "string" } },
      }),
    }),
    res("Missing", "AWS::ApiGateway::GatewayResponse", {
      RestApiId: api,
      ResponseType: "MISSING_AUTHENTICATION_TOKEN",
      StatusCode: "404",
      ResponseTemplates: { "application/json": '{"message":"no such path"}' },
    }),
    res("ListPets", "AWS::ApiGateway::Method", {
      RestApiId: api,
      ResourceId: pets,
      HttpMethod: "GET",
      AuthorizationType: "CUSTOM",
      AuthorizerId: tokenAuth,
      ApiKeyRequired: true,
      RequestParameters: { "method.request.querystring.limit": false, "method.request.header.x-trace": true },
      MethodResponses: [
        { StatusCode: "200", ResponseParameters: { "method.response.header.x-count": true } },
      ],
      Integration: {
        Type: "HTTP",
        Uri: "https://pets.example.com/pets",
        IntegrationHttpMethod: "GET",
        RequestParameters: { "integration.request.querystring.max": "method.request.querystring.limit" },
        PassthroughBehavior: "WHEN_NO_TEMPLATES",
        TimeoutInMillis: 5000,
        CacheKeyParameters: ["method.request.querystring.limit"],
        IntegrationResponses: [
          {
            StatusCode: "200",
            ResponseParameters: { "method.response.header.x-count": "integration.response.header.x-total" },
          },
          { StatusCode: "404", SelectionPattern: "4\\d\\d" },
        ],
      },
    }),
    res("CreatePet", "AWS::ApiGateway::Method", {
      RestApiId: api,
      ResourceId: pets,
      HttpMethod: "POST",
      AuthorizationType: "COGNITO_USER_POOLS",
      AuthorizerId: poolAuth,
      AuthorizationScopes: ["pets/write"],
      RequestModels: { "application/json": "Pet" },
      RequestValidatorId: validator,
      Integration: {
        Type: "MOCK",
        RequestTemplates: { "application/json": '{"statusCode": 201}' },
        IntegrationResponses: [{ StatusCode: "201" }],
      },
      MethodResponses: [{ StatusCode: "201" }],
    }),
    res("GetPet", "AWS::ApiGateway::Method", {
      RestApiId: api,
      ResourceId: pet,
      HttpMethod: "GET",
      AuthorizationType: "AWS_IAM",
      RequestParameters: { "method.request.path.id": true },
      Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: lambdaUri("getPet") },
    }),
    res("PetsDeployment", "AWS::ApiGateway::Deployment", {
      RestApiId: api,
      StageName: "dev",
      StageDescription: {
        Variables: { backend: "dev.example.com" },
        CachingEnabled: true,
        CacheTtlInSeconds: 60,
        CacheClusterEnabled: true,
        CacheClusterSize: "0.5",
        MethodSettings: [{ ResourcePath: "/pets", HttpMethod: "GET", CachingEnabled: false }],
      },
    }),
    res("PetsProd", "AWS::ApiGateway::Stage", {
      RestApiId: api,
      DeploymentId: deployment,
      StageName: "prod",
      Variables: { backend: "prod.example.com" },
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:access",
        Format: "$context.requestId",
      },
      MethodSettings: [
        {
          ResourcePath: "/*",
          HttpMethod: "*",
          ThrottlingBurstLimit: 10,
          ThrottlingRateLimit: 5,
          MetricsEnabled: true,
        },
        { ResourcePath: "/~1pets~1{id}", HttpMethod: "GET", LoggingLevel: "INFO", DataTraceEnabled: true },
      ],
    }),
  ]);

test("Resources, Methods, authorizers, validator, model and gateway response import as the template wrote them", () => {
  const plan = planFromCloudFormation(petsTemplate(), options(folder({})));
  assert.deepEqual(plan.warnings, []);
  const planned = plan.apis[0] as PlannedDocumentApi;
  const { definition, warnings } = importRestApi(parseDocument(JSON.stringify(planned.document)));
  assert.deepEqual(warnings, []);
  const { api: restApi, resources, authorizers, requestValidators, gatewayResponses, models } = definition;
  assert.equal(restApi.name, "pets");
  assert.equal(restApi.description, "Pets, by resource");
  assert.deepEqual(restApi.binaryMediaTypes, ["image/png"]);
  assert.equal(restApi.minimumCompressionSize, 1024);
  assert.deepEqual(restApi.endpointConfiguration.types, ["REGIONAL"]);
  assert.equal(JSON.parse(restApi.policy!).Statement[0].Action, "execute-api:Invoke");
  const byPath = Object.fromEntries(Object.values(resources).map((r) => [r.path, r]));
  assert.deepEqual(Object.keys(byPath).sort(), ["/", "/pets", "/pets/{id}"]);

  const byName = Object.fromEntries(Object.values(authorizers!).map((a) => [a.name, a]));
  assert.equal(byName.token!.type, "TOKEN");
  assert.equal(byName.token!.authorizerUri, lambdaUri("auth"));
  assert.equal(byName.token!.identitySource, "method.request.header.Authorization");
  assert.equal(byName.token!.identityValidationExpression, "^Bearer .+$");
  assert.equal(byName.token!.authorizerResultTtlInSeconds, 60);
  assert.equal(byName.pool!.type, "COGNITO_USER_POOLS");
  assert.deepEqual(byName.pool!.providerARNs, [
    "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc",
  ]);

  const list = byPath["/pets"]!.resourceMethods!.GET!;
  assert.equal(list.authorizationType, "CUSTOM");
  assert.equal(list.authorizerId, byName.token!.id);
  assert.equal(list.apiKeyRequired, true);
  assert.deepEqual(list.requestParameters, {
    "method.request.querystring.limit": false,
    "method.request.header.x-trace": true,
  });
  assert.deepEqual(Object.keys(list.methodResponses!), ["200"]);
  const http = list.methodIntegration!;
  assert.equal(http.type, "HTTP");
  assert.equal(http.httpMethod, "GET");
  assert.equal(http.passthroughBehavior, "WHEN_NO_TEMPLATES");
  assert.equal(http.timeoutInMillis, 5000);
  assert.deepEqual(http.cacheKeyParameters, ["method.request.querystring.limit"]);
  assert.deepEqual(http.requestParameters, {
    "integration.request.querystring.max": "method.request.querystring.limit",
  });
  assert.equal(http.integrationResponses!["404"]!.selectionPattern, "4\\d\\d");
  assert.equal(http.integrationResponses!["200"]!.selectionPattern, undefined);

  const create = byPath["/pets"]!.resourceMethods!.POST!;
  assert.equal(create.authorizationType, "COGNITO_USER_POOLS");
  assert.equal(create.authorizerId, byName.pool!.id);
  assert.deepEqual(create.authorizationScopes, ["pets/write"]);
  assert.deepEqual(create.requestModels, { "application/json": "Pet" });
  const validatorRecord = Object.values(requestValidators!)[0]!;
  assert.equal(validatorRecord.name, "body-only");
  assert.equal(validatorRecord.validateRequestBody, true);
  assert.equal(create.requestValidatorId, validatorRecord.id);
  assert.equal(create.methodIntegration!.type, "MOCK");
  const pet = Object.values(models).find((m) => m.name === "Pet")!;
  assert.deepEqual(JSON.parse(pet.schema!).required, ["name"]);

  const get = byPath["/pets/{id}"]!.resourceMethods!.GET!;
  assert.equal(get.authorizationType, "AWS_IAM");
  assert.deepEqual(get.requestParameters, { "method.request.path.id": true });
  assert.equal(get.methodIntegration!.uri, lambdaUri("getPet"));

  assert.equal(gatewayResponses!.MISSING_AUTHENTICATION_TOKEN!.statusCode, "404");
});

test("a Deployment's StageName and a Stage each make a stage, method settings keyed as the stage keys them", () => {
  const planned = planFromCloudFormation(petsTemplate(), options(folder({}))).apis[0] as PlannedDocumentApi;
  assert.deepEqual(planned.stages, [
    {
      name: "dev",
      variables: { backend: "dev.example.com" },
      cacheClusterEnabled: true,
      cacheClusterSize: "0.5",
      methodSettings: {
        "~1pets/GET": { cachingEnabled: false },
        "*/*": { cachingEnabled: true, cacheTtlInSeconds: 60 },
      },
    },
    {
      name: "prod",
      variables: { backend: "prod.example.com" },
      tracingEnabled: true,
      accessLog: {
        destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:access",
        format: "$context.requestId",
      },
      methodSettings: {
        "*/*": { throttlingBurstLimit: 10, throttlingRateLimit: 5, metricsEnabled: true },
        "~1pets~1{id}/GET": { loggingLevel: "INFO", dataTraceEnabled: true },
      },
    },
  ]);
});

test("properties that change behaviour and are not carried over each get a notice", () => {
  const t = petsTemplate();
  const stage = t.resources.find((r) => r.logicalId === "PetsProd")!;
  stage.properties.CanarySetting = { PercentTraffic: 10 };
  stage.properties.Tags = [{ Key: "team", Value: "pets" }];
  const method = t.resources.find((r) => r.logicalId === "GetPet")!;
  (method.properties.Integration as Record<string, unknown>).Shiny = true;
  const plan = planFromCloudFormation(t, options(folder({})));
  assert.deepEqual(
    plan.warnings.map((w) => [w.logicalId, w.path]),
    [
      ["GetPet", "Resources.GetPet.Properties.Integration.Shiny"],
      ["PetsProd", "Resources.PetsProd.Properties.CanarySetting"],
    ],
  );
});

test("BodyS3Location is read as a local YAML file; a missing one is refused with the path looked for", () => {
  const dir = folder({
    "api/openapi.yaml":
      "openapi: 3.0.1\ninfo: { title: from-file }\npaths:\n  /ping:\n    get:\n      x-amazon-apigateway-integration: { type: mock }\n",
  });
  const file = (key: string) =>
    template([
      res("FileApi", REST, { BodyS3Location: { Bucket: "unused", Key: key } }),
      res("FileDeployment", "AWS::ApiGateway::Deployment", {
        RestApiId: ref("FileApi", REST),
        StageName: "v1",
      }),
    ]);
  const planned = planFromCloudFormation(file("api/openapi.yaml"), options(dir))
    .apis[0] as PlannedDocumentApi;
  assert.equal((planned.document.info as Record<string, unknown>).title, "from-file");
  const { definition } = importRestApi(parseDocument(JSON.stringify(planned.document)));
  assert.ok(Object.values(definition.resources).some((r) => r.path === "/ping" && r.resourceMethods?.GET));
  assert.throws(
    () => planFromCloudFormation(file("api/absent.yaml"), options(dir)),
    (err: unknown) =>
      err instanceof TemplateError &&
      err.path.endsWith("Resources.FileApi.Properties.BodyS3Location.Key") &&
      err.message.includes(join(dir, "api/absent.yaml")),
  );
  writeFileSync(join(dir, "api/broken.yaml"), "openapi: [\n");
  assert.throws(() => planFromCloudFormation(file("api/broken.yaml"), options(dir)), TemplateError);
});

test("a Body keeps its document, takes Name as its title, and a Method is added to its paths", () => {
  const t = template([
    res("BodyApi", REST, {
      Name: "renamed",
      Body: {
        openapi: "3.0.1",
        info: { title: "original", version: "1" },
        paths: { "/a": { get: { "x-amazon-apigateway-integration": { type: "mock" } } } },
      },
    }),
    res("Extra", "AWS::ApiGateway::Method", {
      RestApiId: ref("BodyApi", REST),
      ResourceId: att("BodyApi", REST, "RootResourceId"),
      HttpMethod: "GET",
      AuthorizationType: "NONE",
      Integration: { Type: "MOCK" },
    }),
    res("BodyStage", "AWS::ApiGateway::Deployment", { RestApiId: ref("BodyApi", REST), StageName: "v1" }),
  ]);
  const planned = planFromCloudFormation(t, options(folder({}))).apis[0] as PlannedDocumentApi;
  const { definition } = importRestApi(parseDocument(JSON.stringify(planned.document)));
  assert.equal(definition.api.name, "renamed");
  assert.deepEqual(
    Object.values(definition.resources)
      .filter((r) => r.resourceMethods?.GET)
      .map((r) => r.path)
      .sort(),
    ["/", "/a"],
  );
});

test("a Method naming no resource of its API, or an unknown authorizer, is refused by its place", () => {
  const bad = (change: Record<string, unknown>) => {
    const t = petsTemplate();
    const m = t.resources.find((r) => r.logicalId === "ListPets")!;
    Object.assign(m.properties, change);
    return () => planFromCloudFormation(t, options(folder({})));
  };
  assert.throws(bad({ ResourceId: "nope42" }), /Resources\.ListPets\.Properties\.ResourceId/);
  assert.throws(bad({ AuthorizerId: "nope42" }), /Resources\.ListPets\.Properties\.AuthorizerId/);
  assert.throws(bad({ AuthorizationType: "MAGIC" }), /Resources\.ListPets\.Properties\.AuthorizationType/);
});

test("method setting keys: plain or escaped resource paths, the root, and the all-methods wildcard", () => {
  assert.equal(methodSettingKey("/pets/{id}", "get"), "~1pets~1{id}/GET");
  assert.equal(methodSettingKey("/~1pets~1{id}", "GET"), "~1pets~1{id}/GET");
  assert.equal(methodSettingKey("/", "POST"), "~1/POST");
  assert.equal(methodSettingKey("/*", "*"), "*/*");
});
