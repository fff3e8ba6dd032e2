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
