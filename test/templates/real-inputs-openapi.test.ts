import assert from "node:assert/strict";
import { lookup } from "node:dns/promises";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  BadRequestException,
  CreateDeploymentCommand,
  GetResourcesCommand,
  ImportRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { COVERED_BY, REAL, readReal } from "./real-inputs-support.ts";

// OpenAPI files exported from or written for AWS (test/fixtures/real-inputs/ORIGINS.md), imported
// through the admin API with the AWS SDK as a user would, and called through the data plane.

test("every file in test/fixtures/real-inputs has a test that says what AWS does with it", () => {
  const files = readdirSync(REAL).filter((f) => f !== "ORIGINS.md");
  const untested = files.filter((f) => COVERED_BY[f] === undefined);
  assert.deepEqual(untested, [], "add each new real input to COVERED_BY and to a test");
  assert.deepEqual(
    Object.keys(COVERED_BY).filter((f) => !files.includes(f)),
    [],
    "a listed file is gone",
  );
  for (const [file, testFile] of Object.entries(COVERED_BY)) {
    const source = readFileSync(join(import.meta.dirname, testFile), "utf8");
    assert.ok(source.includes(`"${file}"`), `${testFile} does not test ${file}`);
  }
});

/** Imports OpenAPI text through ImportRestApi (POST /restapis?mode=import) and deploys it. */
async function importAndDeploy(client: APIGatewayClient, text: string, stageName: string) {
  const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(text) }));
  await client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName }));
  return api;
}

describe("artshishkin-pet-store-swagger.json: the console's example PetStore (Swagger 2.0, HTTP + MOCK)", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let id: string;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    const api = await importAndDeploy(client, readReal("artshishkin-pet-store-swagger.json"), "test");
    id = api.id!;
    assert.equal(api.name, "PetStore");
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  test("every method is imported, the HTTP ones with their petstore URIs", async () => {
    const { items } = await client.send(new GetResourcesCommand({ restApiId: id, embed: ["methods"] }));
    const methods = (items ?? []).flatMap((r) =>
      Object.entries(r.resourceMethods ?? {}).map(([m, v]) => `${m} ${r.path} ${v.methodIntegration?.type}`),
    );
    assert.deepEqual(methods.sort(), [
      "GET / MOCK",
      "GET /pets HTTP",
      "GET /pets/{petId} HTTP",
      "OPTIONS /pets MOCK",
      "OPTIONS /pets/{petId} MOCK",
      "POST /pets HTTP",
    ]);
  });

  test("GET / is the MOCK's HTML page, $context.stage rendered into its links", async () => {
    const r = await gw.call(id, "/test/", { headers: { "content-type": "application/json" } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["content-type"], "text/html");
    assert.match(r.text, /<h1>Welcome to your Pet Store API<\/h1>/);
    assert.match(r.text, /href="\/test\/pets\/1"/);
    assert.doesNotMatch(r.text, /\$context/);
  });

  test("OPTIONS /pets and /pets/{petId} answer the MOCK's CORS headers", async () => {
    const r = await gw.call(id, "/test/pets", { method: "OPTIONS" });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["access-control-allow-origin"], "*");
    assert.equal(r.headers["access-control-allow-methods"], "POST,GET,OPTIONS");
    assert.equal(
      r.headers["access-control-allow-headers"],
      "Content-Type,X-Amz-Date,Authorization,X-Api-Key",
    );
    const one = await gw.call(id, "/test/pets/7", { method: "OPTIONS" });
    assert.equal(one.headers["access-control-allow-methods"], "GET,OPTIONS");
  });

  test("GET /pets calls the HTTP backend: with its host unreachable, AWS's 500", async (t) => {
    const reachable = await lookup("petstore.execute-api.eu-north-1.amazonaws.com").then(
      () => true,
      () => false,
    );
    if (reachable) return t.skip("the demo backend resolves here: its answer is the internet's, not ours");
    const r = await gw.call(id, "/test/pets?type=dog");
    assert.equal(r.status, 500);
    assert.deepEqual(JSON.parse(r.text), { message: "Internal server error" });
  });
});

describe("artshishkin-users-mock-api-dev-oas30.yaml: a console export without integrations", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test("ImportRestApi accepts it; CreateDeployment refuses: No integration defined for method", async () => {
    const client = new APIGatewayClient(adminClientConfig(gw));
    const api = await client.send(
      new ImportRestApiCommand({ body: Buffer.from(readReal("artshishkin-users-mock-api-dev-oas30.yaml")) }),
    );
    assert.equal(api.name, "Users Mock API");
    const { items } = await client.send(new GetResourcesCommand({ restApiId: api.id!, embed: ["methods"] }));
    assert.deepEqual(
      (items ?? []).flatMap((r) => Object.keys(r.resourceMethods ?? {}).map((m) => `${m} ${r.path}`)).sort(),
      ["GET /users", "GET /users/{userId}", "OPTIONS /users/{userId}", "POST /users"],
    );
    await assert.rejects(
      client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: "dev" })),
      (err: unknown) =>
        err instanceof BadRequestException && err.message === "No integration defined for method",
    );
    client.destroy();
  });

  test("declared in the config file, the start is refused naming the file and each method", async () => {
    const file = join(REAL, "artshishkin-users-mock-api-dev-oas30.yaml");
    await assert.rejects(
      startTestGateway({ apis: [{ openapi: file, type: "REST", stage: "dev" }] }),
      (err: Error) =>
        err.message ===
        `${file}: No integration defined for method (GET /users, GET /users/{userId}, OPTIONS /users/{userId}, POST /users)`,
    );
  });
});

describe("mamezou-swagger-import-api-definition.yaml: a training PetStore, all MOCK with response templates", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway();
    const client = new APIGatewayClient(adminClientConfig(gw));
    id = (await importAndDeploy(client, readReal("mamezou-swagger-import-api-definition.yaml"), "v1")).id!;
    client.destroy();
  });
  after(() => gw.close());

  const json = { "content-type": "application/json" };

  test("GET /pets: the list the response template writes", async () => {
    const r = await gw.call(id, "/v1/pets", { headers: json });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(r.text), [
      { id: 1, name: "Taro", type: "dog" },
      { id: 2, name: "Hanako", type: "cat" },
    ]);
  });

  test('POST /pets: 201 {"message": "Pet created"}, the status the request template selects', async () => {
    const r = await gw.call(id, "/v1/pets", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ id: 3, name: "Pochi", type: "dog" }),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(JSON.parse(r.text), { message: "Pet created" });
  });

  test("GET /pets/{petId}: the one pet; a method the file lacks is AWS's 403", async () => {
    const r = await gw.call(id, "/v1/pets/1", { headers: json });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { id: 1, name: "Taro", type: "dog" });
    const missing = await gw.call(id, "/v1/pets/1", { method: "DELETE" });
    assert.equal(missing.status, 403);
    assert.deepEqual(JSON.parse(missing.text), { message: "Missing Authentication Token" });
  });
});
