import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { RestApiDefinition } from "../../src/model/rest-api.ts";
import { OpenApiImportError } from "../../src/openapi/errors.ts";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", "openapi", name), "utf8");
const importText = (text: string, existing?: RestApiDefinition) =>
  importRestApi(parseDocument(text), { existing });
const byPath = (d: RestApiDefinition, path: string) =>
  Object.values(d.resources).find((r) => r.path === path);

describe("REST API import", () => {
  test("the AWS PetStore example: resources, methods, parameters, integrations, models", () => {
    const { definition } = importText(fixture("petstore-aws.yaml"));
    assert.match(definition.api.id, /^[a-z0-9]{10}$/);
    assert.equal(definition.api.name, "PetStore");
    assert.deepEqual(
      Object.values(definition.resources)
        .map((r) => r.path)
        .sort(),
      ["/", "/pets", "/pets/{petId}"],
    );
    const root = definition.resources[definition.api.rootResourceId]!;
    assert.equal(root.path, "/");
    assert.equal(root.resourceMethods?.GET?.methodIntegration?.type, "MOCK");
    const pets = byPath(definition, "/pets")!;
    assert.equal(pets.parentId, root.id);
    assert.deepEqual(Object.keys(pets.resourceMethods!).sort(), ["GET", "OPTIONS", "POST"]);
    const list = pets.resourceMethods!.GET!;
    assert.equal(list.operationName, "listPets");
    assert.deepEqual(list.requestParameters, {
      "method.request.querystring.type": false,
      "method.request.querystring.page": false,
    });
    assert.deepEqual(list.methodIntegration, {
      type: "HTTP",
      httpMethod: "GET",
      uri: "http://petstore.execute-api.us-east-1.amazonaws.com/petstore/pets",
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
      cacheKeyParameters: [],
      requestParameters: {
        "integration.request.querystring.page": "method.request.querystring.page",
        "integration.request.querystring.type": "method.request.querystring.type",
      },
      integrationResponses: {
        "200": {
          statusCode: "200",
          responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" },
        },
      },
    });
    assert.deepEqual(list.methodResponses?.["200"]?.responseParameters, {
      "method.response.header.Access-Control-Allow-Origin": false,
    });
    const pet = byPath(definition, "/pets/{petId}")!;
    assert.equal(pet.pathPart, "{petId}");
    assert.deepEqual(pet.resourceMethods!.GET!.requestParameters, { "method.request.path.petId": true });
    const models = Object.values(definition.models)
      .map((m) => m.name)
      .sort();
    assert.deepEqual(models, ["Empty", "Error", "NewPet", "NewPetResponse", "Pet", "PetType", "Pets"]);
  });

  test("Swagger 2.0 with shared $ref parameters, header parameters and API-level extensions", () => {
    const { definition, warnings } = importText(fixture("swagger2.json"));
    assert.equal(definition.api.name, "LegacyOrders");
    assert.deepEqual(definition.api.binaryMediaTypes, ["image/png"]);
    assert.equal(definition.api.apiKeySource, "AUTHORIZER");
    const order = byPath(definition, "/orders/{orderId}")!;
    assert.deepEqual(order.resourceMethods!.GET!.requestParameters, {
      "method.request.path.orderId": true,
      "method.request.header.X-Trace": true,
    });
    assert.equal(order.resourceMethods!.GET!.methodIntegration!.type, "HTTP_PROXY");
    assert.equal(order.resourceMethods!.GET!.methodIntegration!.timeoutInMillis, 5000);
    assert.ok(warnings.some((w) => w.includes("bad_name")));
  });

  test("x-amazon-apigateway-any-method, greedy paths and MOCK responses keyed by selection pattern", () => {
    const { definition } = importText(`
openapi: 3.0.1
info: { title: Any }
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: MOCK
        responses:
          "5\\\\d{2}": { statusCode: "500" }
          default: { statusCode: "200" }
`);
    const greedy = byPath(definition, "/{proxy+}")!;
    const integration = greedy.resourceMethods!.ANY!.methodIntegration!;
    assert.deepEqual(integration.integrationResponses, {
      "500": { statusCode: "500", selectionPattern: "5\\d{2}" },
      "200": { statusCode: "200" },
    });
  });

  test("overwriting keeps the API id, the root and the ids of resources whose path survives", () => {
    const first = importText(fixture("petstore-aws.yaml")).definition;
    const second = importText(fixture("petstore-aws.yaml"), first).definition;
    assert.equal(second.api.id, first.api.id);
    assert.equal(second.api.rootResourceId, first.api.rootResourceId);
    assert.equal(byPath(second, "/pets/{petId}")!.id, byPath(first, "/pets/{petId}")!.id);
  });

  const refused: [string, string, RegExp][] = [
    ["invalid YAML", "openapi: 3.0.1\ninfo: { title: x\npaths: {}\n", /not valid JSON or YAML at line/],
    ["not an object", "- a\n- b\n", /must be an object/],
    ["no version", "info: { title: x }\npaths: {}\n", /neither a 'swagger' nor an 'openapi'/],
    ["unsupported version", "openapi: 2.5.0\ninfo: { title: x }\n", /unsupported openapi version/],
    ["missing info.title", "openapi: 3.0.1\ninfo: { version: '1' }\npaths: {}\n", /info\.title is required/],
    [
      "bad path segment",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /pets/a b:\n    get: {}\n",
      /Resource's path part only allow/,
    ],
    [
      "two variable siblings",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /{a}:\n    get: {}\n  /{b}/c:\n    get: {}\n",
      /A sibling \(\{a\}\) of this resource already has a variable path part -- only one is allowed/,
    ],
    [
      "child of a greedy resource",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /{proxy+}/x:\n    get: {}\n",
      /Cannot create a child of a resource with a greedy path variable: \{proxy\+\}/,
    ],
    [
      "bad integration uri",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: http, httpMethod: GET, uri: 'ftp://x' }\n",
      /Invalid HTTP endpoint specified for URI/,
    ],
    [
      "missing integration httpMethod",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: http_proxy, uri: 'http://x' }\n",
      /Enumeration value for HttpMethod must be non-empty/,
    ],
    [
      "unknown integration type",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: soap }\n",
      /type must be one of/,
    ],
    [
      "timeout out of range",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock, timeoutInMillis: 29001 }\n",
      /Timeout should be between 50 ms and 29000 ms/,
    ],
    // Found by test/fuzz/openapi.test.ts: each was imported, then broke a deployment or answered 500.
    [
      "a selection pattern RE2 cannot run",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock, responses: { '(': { statusCode: '200' } } }\n",
      /Invalid selection pattern specified: \(/,
    ],
    [
      "an identityValidationExpression RE2 cannot run",
      "openapi: 3.0.1\ninfo: { title: x }\ncomponents: { securitySchemes: { a: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: custom, x-amazon-apigateway-authorizer: { type: token, authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations', identityValidationExpression: '(' } } } }\npaths: {}\n",
      /Invalid identity validation expression specified/,
    ],
    [
      "an authorizer TTL that is not 0-3600",
      "openapi: 3.0.1\ninfo: { title: x }\ncomponents: { securitySchemes: { a: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authorizer: { type: token, authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations', authorizerResultTtlInSeconds: abc } } } }\npaths: {}\n",
      /Invalid authorizer TTL specified: must be between 0 and 3600/,
    ],
    [
      "an integration request parameter the data plane cannot map",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock, requestParameters: { integration.request.header.x: method.request.nothing } }\n",
      /Invalid mapping expression specified: method.request.nothing/,
    ],
    [
      "an unknown connection type",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://x', connectionType: WEIRD }\n",
      /connectionType must be INTERNET or VPC_LINK/,
    ],
    [
      "a gateway response of an unknown type",
      "openapi: 3.0.1\ninfo: { title: x }\nx-amazon-apigateway-gateway-responses: { BOGUS: {} }\npaths: {}\n",
      /Invalid gateway response type specified: BOGUS/,
    ],
    [
      "a gateway response parameter that is not a string",
      "openapi: 3.0.1\ninfo: { title: x }\nx-amazon-apigateway-gateway-responses: { DEFAULT_4XX: { responseParameters: { gatewayresponse.header.x: 5 } } }\npaths: {}\n",
      /must be a string/,
    ],
    [
      "an endpoint type that does not exist",
      "openapi: 3.0.1\ninfo: { title: x }\nx-amazon-apigateway-endpoint-configuration: { types: [FOO] }\npaths: {}\n",
      /must list EDGE, REGIONAL or PRIVATE/,
    ],
    [
      "a YAML alias inside its own anchor",
      "openapi: 3.0.1\ninfo: &a { title: x, self: *a }\npaths: {}\n",
      /recursive YAML alias/,
    ],
    [
      "nesting past 1000 levels",
      `{"openapi":"3.0.1","info":{"title":"x"},"x":${"[".repeat(1001)}${"]".repeat(1001)},"paths":{}}`,
      /nests more than 1000 levels deep/,
    ],
    [
      "nesting deep enough to overflow the YAML parser",
      `openapi: 3.0.1\ninfo: { title: x }\nx: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
      /nests more than 1000 levels deep/,
    ],
    [
      "a repeated key in JSON (JSON.parse would keep the last silently)",
      '{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{},\n"/a":{}}}',
      /Map keys must be unique at line 2, column 1: \/a/,
    ],
    ["swagger: 2 (not 2.0)", "swagger: 2\ninfo: { title: x }\npaths: {}\n", /unsupported swagger version 2$/],
    [
      "dangling $ref",
      "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    $ref: '#/nowhere'\n",
      /does not resolve/,
    ],
    [
      "circular $ref",
      "openapi: 3.0.1\ninfo: { title: x }\nx-a: { $ref: '#/x-b' }\nx-b: { $ref: '#/x-a' }\npaths:\n  /a:\n    $ref: '#/x-a'\n",
      /circular reference/,
    ],
  ];
  for (const [name, text, message] of refused) {
    test(`refused with BadRequestException: ${name}`, () => {
      assert.throws(
        () => importText(text),
        (err) =>
          err instanceof OpenApiImportError &&
          err.type === "BadRequestException" &&
          message.test(err.message),
      );
    });
  }

  test("unquoted swagger: 2.0 and openapi: 3.0 (YAML numbers) import as written, as AWS reads them", () => {
    assert.equal(parseDocument("swagger: 2.0\ninfo: { title: x }\npaths: {}\n").version, "2.0");
    assert.equal(parseDocument('{"swagger": 2.0, "info": {"title": "x"}}').version, "2.0");
    assert.equal(parseDocument("openapi: 3.0\ninfo: { title: x }\npaths: {}\n").version, "3.0");
  });

  test("a billion-laughs YAML alias bomb is refused, not expanded", () => {
    const bomb = `openapi: 3.0.1\ninfo: { title: x }\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\npaths: {}\n`;
    assert.throws(() => importText(bomb), OpenApiImportError);
  });
});

test("an HTTP integration whose whole URI is a stage variable imports, as PutIntegration accepts it; a non-URL is refused", () => {
  const doc = (uri: string) => `
openapi: 3.0.1
info: { title: Variable, version: "1" }
paths:
  /x:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${uri}" }
`;
  for (const uri of [
    "${stageVariables.url}",
    "${stageVariables.url}/pets",
    "http://${stageVariables.host}:8080/x",
  ]) {
    const { definition } = importText(doc(uri));
    assert.equal(byPath(definition, "/x")?.resourceMethods?.GET?.methodIntegration?.uri, uri);
  }
  assert.throws(() => importText(doc("not a url")), OpenApiImportError);
});
