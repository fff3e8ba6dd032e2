import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetExportCommand,
  GetResourcesCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  ExportApiCommand,
  ImportApiCommand,
  ReimportApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";

const fixture = (name: string) => readFileSync(join(ROOT, "test", "fixtures", "openapi", name));

describe("import, merge, overwrite and export through the AWS SDKs", () => {
  let gw: TestGateway;
  let v1: APIGatewayClient;
  let v2: ApiGatewayV2Client;
  before(async () => {
    gw = await startTestGateway();
    v1 = new APIGatewayClient(adminClientConfig(gw));
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
  });
  after(async () => {
    v1.destroy();
    v2.destroy();
    await gw.close();
  });

  const paths = async (restApiId: string) =>
    ((await v1.send(new GetResourcesCommand({ restApiId }))).items ?? []).map((r) => r.path).sort();

  test("REST: import → deploy → export (JSON and YAML) → overwrite with the export keeps the API", async () => {
    const imported = await v1.send(new ImportRestApiCommand({ body: fixture("petstore-aws.yaml") }));
    await v1.send(new CreateDeploymentCommand({ restApiId: imported.id, stageName: "prod" }));
    const exported = await v1.send(
      new GetExportCommand({
        restApiId: imported.id,
        stageName: "prod",
        exportType: "oas30",
        parameters: { extensions: "apigateway" },
      }),
    );
    assert.equal(exported.contentType, "application/json");
    const doc = JSON.parse(Buffer.from(exported.body!).toString("utf8"));
    assert.equal(doc.info.title, "PetStore");
    assert.ok(doc.paths["/pets"].get["x-amazon-apigateway-integration"]);
    const yaml = await v1.send(
      new GetExportCommand({
        restApiId: imported.id,
        stageName: "prod",
        exportType: "swagger",
        accepts: "application/yaml",
      }),
    );
    assert.match(Buffer.from(yaml.body!).toString("utf8"), /^swagger: "?2\.0"?/m);

    const before = await paths(imported.id!);
    await v1.send(new PutRestApiCommand({ restApiId: imported.id, mode: "overwrite", body: exported.body! }));
    assert.deepEqual(await paths(imported.id!), before);
  });

  test("REST: merge keeps existing resources, overwrite replaces them", async () => {
    const imported = await v1.send(new ImportRestApiCommand({ body: fixture("petstore-aws.yaml") }));
    const extra = Buffer.from(
      `openapi: 3.0.1\ninfo: { title: Extra, version: "1" }\npaths:\n  /orders:\n    get:\n      x-amazon-apigateway-integration: { type: mock }\n`,
    );
    await v1.send(new PutRestApiCommand({ restApiId: imported.id, mode: "merge", body: extra }));
    assert.deepEqual(await paths(imported.id!), ["/", "/orders", "/pets", "/pets/{petId}"]);
    await v1.send(new PutRestApiCommand({ restApiId: imported.id, mode: "overwrite", body: extra }));
    assert.deepEqual(await paths(imported.id!), ["/", "/orders"]);
  });

  test("REST: an invalid document is refused and the API is unchanged", async () => {
    const imported = await v1.send(new ImportRestApiCommand({ body: fixture("petstore-aws.yaml") }));
    const before = await paths(imported.id!);
    await assert.rejects(
      v1.send(
        new PutRestApiCommand({
          restApiId: imported.id,
          mode: "overwrite",
          body: Buffer.from("openapi: 3.0.1\ninfo: ["),
        }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
    await assert.rejects(
      v1.send(new ImportRestApiCommand({ body: Buffer.from("{}") })),
      (e: Error) => e.name === "BadRequestException",
    );
    assert.deepEqual(await paths(imported.id!), before);
  });

  test("HTTP: import → export → reimport", async () => {
    const imported = await v2.send(new ImportApiCommand({ Body: fixture("http-api.yaml").toString("utf8") }));
    assert.equal(imported.Name, "Gateway");
    const exported = await v2.send(
      new ExportApiCommand({ ApiId: imported.ApiId, Specification: "OAS30", OutputType: "JSON" }),
    );
    const doc = JSON.parse(Buffer.from(exported.body!).toString("utf8"));
    assert.equal(doc["x-amazon-apigateway-importexport-version"], "1.0");
    assert.ok(doc.paths["/$default"]["x-amazon-apigateway-any-method"]);
    const again = await v2.send(new ReimportApiCommand({ ApiId: imported.ApiId, Body: JSON.stringify(doc) }));
    assert.equal(again.ApiId, imported.ApiId);
  });
});
