import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { exportHttpApi } from "../../src/openapi/export-http.ts";
import { type ExportExtension, exportRestApi } from "../../src/openapi/export-rest.ts";
import { importHttpApi } from "../../src/openapi/import-http-api.ts";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const text = (...path: string[]) => readFileSync(join(ROOT, ...path), "utf8");
const ALL = new Set<ExportExtension>(["apigateway"]);

const REST_DOCS = [
  ["test/fixtures/openapi/petstore-aws.yaml"],
  ["test/fixtures/openapi/swagger2.json"],
  ["examples/demo/petstore-rest.yaml"],
] as const;

for (const [file] of REST_DOCS) {
  for (const format of ["oas30", "swagger"] as const) {
    test(`REST ${file}: import → export (${format}) → import gives the same API`, () => {
      const first = importRestApi(parseDocument(text(file))).definition;
      const exported = exportRestApi(first, {
        format,
        extensions: ALL,
        stageName: "prod",
        region: "us-east-1",
      });
      const again = importRestApi(parseDocument(JSON.stringify(exported)), { existing: first }).definition;
      assert.deepEqual(again, first);
    });
  }
}

test("REST with authorizers, validators, gateway responses and security round-trips", () => {
  const source = text("test/openapi/import-extensions.test.ts");
  const doc = /const DOC = `([\s\S]*?)`;/.exec(source)![1]!;
  const first = importRestApi(parseDocument(doc)).definition;
  const exported = exportRestApi(first, {
    format: "oas30",
    extensions: ALL,
    stageName: "prod",
    region: "us-east-1",
  });
  const again = importRestApi(parseDocument(JSON.stringify(exported)), { existing: first }).definition;
  assert.deepEqual(again, first);
});

test("export shapes: oas30 servers, swagger host/basePath, ANY, integration extension, no extensions when not asked", () => {
  const def = importRestApi(parseDocument(text("examples/demo/petstore-rest.yaml"))).definition;
  const oas = exportRestApi(def, {
    format: "oas30",
    extensions: new Set(["integrations"]),
    stageName: "dev",
    region: "eu-west-1",
  });
  assert.equal(oas.openapi, "3.0.1");
  assert.deepEqual(oas.servers, [
    {
      url: `https://${def.api.id}.execute-api.eu-west-1.amazonaws.com/{basePath}`,
      variables: { basePath: { default: "dev" } },
    },
  ]);
  const paths = oas.paths as Record<string, Record<string, Record<string, unknown>>>;
  assert.ok(paths["/echo/{proxy+}"]!["x-amazon-apigateway-any-method"]);
  assert.deepEqual(paths["/pets/{petId}"]!.get!["x-amazon-apigateway-integration"], {
    type: "http_proxy",
    httpMethod: "GET",
    uri: "http://${stageVariables.backend}/pets/{id}",
    requestParameters: { "integration.request.path.id": "method.request.path.petId" },
    passthroughBehavior: "when_no_match",
    timeoutInMillis: 29000,
    cacheKeyParameters: [],
  });
  const swagger = exportRestApi(def, {
    format: "swagger",
    extensions: new Set(),
    stageName: "dev",
    region: "us-east-1",
  });
  assert.equal(swagger.swagger, "2.0");
  assert.equal(swagger.basePath, "/dev");
  assert.equal(swagger.host, `${def.api.id}.execute-api.us-east-1.amazonaws.com`);
  assert.doesNotMatch(JSON.stringify(swagger), /x-amazon-apigateway-integration/);
});

for (const file of ["test/fixtures/openapi/http-api.yaml", "examples/demo/pets-http.yaml"]) {
  test(`HTTP ${file}: import → export → import gives the same API`, () => {
    const first = importHttpApi(parseDocument(text(file))).definition;
    const exported = exportHttpApi(first, { includeExtensions: true });
    assert.equal(exported["x-amazon-apigateway-importexport-version"], "1.0");
    const again = importHttpApi(parseDocument(JSON.stringify(exported)), { existing: first }).definition;
    assert.deepEqual(again, first);
  });
}

test("HTTP with JWT, Lambda and IAM routes: import → export → import gives the same API, IAM included", () => {
  const doc = `
openapi: 3.0.1
info: { title: Guarded, version: "1" }
components:
  securitySchemes:
    jwt: { type: oauth2, flows: {}, x-amazon-apigateway-authorizer: { type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: "https://issuer.example", audience: [a, b] } } }
    lambda: { type: apiKey, name: X-Token, in: header, x-amazon-apigateway-authorizer: { type: request, authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations", authorizerCredentials: "arn:aws:iam::000000000000:role/invoker", authorizerPayloadFormatVersion: "1.0", identitySource: "$request.header.X-Token, $request.querystring.id", authorizerResultTtlInSeconds: 60 } }
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /jwt: { get: { security: [{ jwt: [read, write] }], x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "https://b.example/jwt" } } }
  /lambda: { get: { security: [{ lambda: [] }], x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "https://b.example/lambda" } } }
  /iam: { get: { x-amazon-apigateway-auth: { type: AWS_IAM }, x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "https://b.example/iam" } } }
`;
  const first = importHttpApi(parseDocument(doc)).definition;
  const lambda = Object.values(first.authorizers ?? {}).find((a) => a.name === "lambda")!;
  assert.deepEqual(lambda.identitySource, ["$request.header.X-Token", "$request.querystring.id"]);
  assert.equal(lambda.authorizerCredentialsArn, "arn:aws:iam::000000000000:role/invoker");
  const exported = exportHttpApi(first, { includeExtensions: true });
  const schemes = (exported.components as { securitySchemes: Record<string, Record<string, unknown>> })
    .securitySchemes;
  assert.equal(schemes.sigv4?.["x-amazon-apigateway-authtype"], "awsSigv4");
  assert.equal(schemes.lambda?.name, "X-Token");
  const paths = exported.paths as Record<string, Record<string, { security?: unknown }>>;
  assert.deepEqual(paths["/iam"]?.get?.security, [{ sigv4: [] }]);
  const again = importHttpApi(parseDocument(JSON.stringify(exported)), { existing: first }).definition;
  assert.deepEqual(again, first);
  // Without extensions the schemes cannot be enforced on reimport: the routes are left out, not opened.
  const bare = exportHttpApi(first, { includeExtensions: false });
  const reread = importHttpApi(parseDocument(JSON.stringify(bare)));
  assert.deepEqual(
    Object.values(reread.definition.routes).map((r) => r.routeKey),
    ["GET /iam"],
  );
});
