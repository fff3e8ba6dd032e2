import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from "@aws-sdk/client-api-gateway";
import { compileRequestValidation, modelCompiler } from "../../src/gateway/steps/validate-request.ts";
import type { Method, RestApiDefinition } from "../../src/model/rest-api.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const mock = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}', text/plain: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }`;

const API = `
openapi: 3.0.1
info: { title: Validated, version: "1" }
x-amazon-apigateway-request-validators:
  all: { validateRequestBody: true, validateRequestParameters: true }
  params: { validateRequestBody: false, validateRequestParameters: true }
  body: { validateRequestBody: true, validateRequestParameters: false }
x-amazon-apigateway-gateway-responses:
  BAD_REQUEST_BODY:
    responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "'*'" }
    responseTemplates: { application/json: '{"error": $context.error.messageString}' }
paths:
  /things/{id}:
    post:
      x-amazon-apigateway-request-validator: all
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: q, in: query, required: true, schema: { type: string } }
        - { name: X-Trace, in: header, required: true, schema: { type: string } }
        - { name: optional, in: query, required: false, schema: { type: string } }
      requestBody:
        content:
          application/json: { schema: { $ref: "#/components/schemas/Thing" } }
          text/plain: { schema: { $ref: "#/components/schemas/Empty" } }${mock}
  /params-only:
    post:
      x-amazon-apigateway-request-validator: params
      parameters: [{ name: q, in: query, required: true, schema: { type: string } }]
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Thing" } } } }${mock}
  /body-only:
    post:
      x-amazon-apigateway-request-validator: body
      parameters: [{ name: q, in: query, required: true, schema: { type: string } }]
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Things" } } } }${mock}
  /choice:
    post:
      x-amazon-apigateway-request-validator: body
      requestBody: { content: { $default: { schema: { $ref: "#/components/schemas/Choice" } } } }${mock}
  /unvalidated:
    post:
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Thing" } } } }${mock}
components:
  schemas:
    Thing:
      type: object
      required: [name, size]
      properties:
        name: { type: string }
        size: { type: number, minimum: 0, maximum: 10, exclusiveMaximum: true }
    Things: { type: array, items: { $ref: "#/components/schemas/Thing" } }
    Choice:
      oneOf:
        - { type: "null" }
        - { $ref: "#/components/schemas/Thing" }
`;

describe("request validation", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway();
    id = await gw.deployRest(API, "prod");
  });
  after(() => gw.close());

  const post = (path: string, body?: string, headers: Record<string, string> = {}) =>
    gw.call(id, path, {
      method: "POST",
      body,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    });
  const good = '{"name":"a","size":3}';

  test("every missing required parameter is named, headers then path then query string, as 400 BadRequestException", async () => {
    const r = await post("/prod/things/7", good);
    assert.equal(r.status, 400);
    assert.equal(r.headers["x-amzn-errortype"], "BadRequestException");
    assert.deepEqual(JSON.parse(r.text), { message: "Missing required request parameters: [X-Trace, q]" });
    const ok = await post("/prod/things/7?q=1", good, { "x-trace": "t" });
    assert.equal(ok.status, 200, ok.text);
  });

  test("a parameter sent empty is missing; an optional one is never asked for", async () => {
    const r = await post("/prod/things/7?q=", good, { "x-trace": "" });
    assert.deepEqual(JSON.parse(r.text), { message: "Missing required request parameters: [X-Trace, q]" });
    assert.equal((await post("/prod/things/7?q=a&optional=", good, { "x-trace": "t" })).status, 200);
  });

  test("parameters are checked before the body, and win when both fail", async () => {
    const r = await post("/prod/things/7", "{not json");
    assert.match(JSON.parse(r.text).message, /^Missing required request parameters/);
  });

  test("the body is checked against the model for its content type (JSON Schema draft 4)", async () => {
    const headers = { "x-trace": "t" };
    for (const bad of ['{"name":"a"}', '{"name":1,"size":3}', '{"name":"a","size":10}', "[1]", "{not json"]) {
      const r = await post("/prod/things/7?q=1", bad, headers);
      assert.equal(r.status, 400, bad);
      // The API customised BAD_REQUEST_BODY: its template and header apply.
      assert.deepEqual(JSON.parse(r.text), { error: "Invalid request body" }, bad);
      assert.equal(r.headers["access-control-allow-origin"], "*");
      assert.equal(r.headers["x-amzn-errortype"], "BadRequestException");
    }
    // exclusiveMaximum is draft 4's boolean form: 9.99 is under 10.
    assert.equal((await post("/prod/things/7?q=1", '{"name":"a","size":9.99}', headers)).status, 200);
  });

  test("an empty body is checked as {}: it fails a model with required properties, and passes Empty", async () => {
    const r = await gw.call(id, "/prod/things/7?q=1", {
      method: "POST",
      headers: { "x-trace": "t", "content-length": "0" },
    });
    assert.equal(r.status, 400, "no Content-Type means application/json, whose model requires name and size");
    const plain = await gw.call(id, "/prod/things/7?q=1", {
      method: "POST",
      headers: { "x-trace": "t", "content-type": "text/plain" },
    });
    assert.equal(plain.status, 200, "text/plain's model is Empty");
    const other = await gw.call(id, "/prod/things/7?q=1", {
      method: "POST",
      headers: { "x-trace": "t", "content-type": "application/xml" },
      body: "<a/>",
    });
    assert.notEqual(other.status, 400, "a content type without a model is not validated");
  });

  test("a validator checks only what its flags say", async () => {
    assert.equal((await post("/prod/params-only", "{}")).status, 400);
    assert.equal((await post("/prod/params-only?q=1", "{}")).status, 200, "the body is not checked");
    assert.equal(
      (await post("/prod/body-only", `[${good},${good}]`)).status,
      200,
      "the query is not checked",
    );
    assert.equal(
      (await post("/prod/body-only", `[${good},{}]`)).status,
      400,
      "$ref to another model, in an array",
    );
    assert.equal((await post("/prod/unvalidated", "{}")).status, 200, "no validator, no check");
  });

  test("$default matches any content type; oneOf with null", async () => {
    assert.equal((await post("/prod/choice", "null")).status, 200);
    assert.equal((await post("/prod/choice", good)).status, 200);
    assert.equal((await post("/prod/choice", '{"name":"a"}')).status, 400);
    const text = await gw.call(id, "/prod/choice", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    assert.equal(text.status, 400, "not JSON, under $default");
  });

  test("set up with the SDK: models referring to each other by absolute URL", async () => {
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      const api = await client.send(new CreateRestApiCommand({ name: "sdk-validated" }));
      const apiId = api.id!;
      const root = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items![0]!;
      const res = await client.send(
        new CreateResourceCommand({ restApiId: apiId, parentId: root.id!, pathPart: "path" }),
      );
      const validator = await client.send(
        new CreateRequestValidatorCommand({
          restApiId: apiId,
          name: "v",
          validateRequestBody: true,
          validateRequestParameters: true,
        }),
      );
      await client.send(
        new CreateModelCommand({
          restApiId: apiId,
          name: "Item",
          contentType: "application/json",
          schema: JSON.stringify({
            $schema: "http://json-schema.org/draft-04/schema#",
            type: "object",
            required: ["a"],
            properties: { a: { type: "number" } },
          }),
        }),
      );
      await client.send(
        new CreateModelCommand({
          restApiId: apiId,
          name: "Items",
          contentType: "application/json",
          schema: JSON.stringify({
            type: "array",
            items: { $ref: `https://apigateway.amazonaws.com/restapis/${apiId}/models/Item` },
          }),
        }),
      );
      await client.send(
        new PutMethodCommand({
          restApiId: apiId,
          resourceId: res.id!,
          httpMethod: "POST",
          authorizationType: "NONE",
          requestValidatorId: validator.id!,
          requestParameters: { "method.request.header.x-key": true, "method.request.querystring.page": true },
          requestModels: { "application/json": "Items" },
        }),
      );
      await client.send(
        new PutIntegrationCommand({
          restApiId: apiId,
          resourceId: res.id!,
          httpMethod: "POST",
          type: "MOCK",
          requestTemplates: { "application/json": '{"statusCode": 200}' },
        }),
      );
      await client.send(
        new PutMethodResponseCommand({
          restApiId: apiId,
          resourceId: res.id!,
          httpMethod: "POST",
          statusCode: "200",
        }),
      );
      await client.send(
        new PutIntegrationResponseCommand({
          restApiId: apiId,
          resourceId: res.id!,
          httpMethod: "POST",
          statusCode: "200",
          selectionPattern: "",
        }),
      );
      await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "local" }));
      const headers = { "content-type": "application/json", "x-key": "k" };
      const call = (query: string, body: string, h: Record<string, string> = headers) =>
        gw.call(apiId, `/local/path${query}`, { method: "POST", headers: h, body });
      assert.equal((await call("?page=1", '[{"a": 1}]')).status, 200);
      assert.deepEqual(JSON.parse((await call("", "[]", { "content-type": "application/json" })).text), {
        message: "Missing required request parameters: [x-key, page]",
      });
      assert.equal((await call("?page=1", '[{"a": "x"}]')).status, 400);
      assert.equal((await call("?page=1", "")).status, 400, "no body against an array model");
    } finally {
      client.destroy();
    }
  });
});

test("a model that is not a schema (or refers to a model that does not exist) validates nothing and breaks nothing", () => {
  const definition = {
    api: { id: "abc" },
    models: {
      m1: { id: "m1", name: "Broken", contentType: "application/json", schema: "{not json" },
      m2: {
        id: "m2",
        name: "Dangling",
        contentType: "application/json",
        schema: '{"$ref": "#/definitions/Nope"}',
      },
      m3: { id: "m3", name: "Weird", contentType: "application/json", schema: '{"type": 12}' },
    },
    resources: {},
    requestValidators: {
      v: { id: "v", name: "v", validateRequestBody: true, validateRequestParameters: true },
    },
  } as unknown as RestApiDefinition;
  const models = modelCompiler(definition);
  for (const name of ["Broken", "Dangling", "Weird", "Missing"]) {
    const method = {
      httpMethod: "POST",
      authorizationType: "NONE",
      apiKeyRequired: false,
      requestValidatorId: "v",
      requestModels: { "application/json": name },
    } as Method;
    assert.equal(compileRequestValidation(method, definition, models), undefined, name);
  }
});
