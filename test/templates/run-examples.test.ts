import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, GetApiKeysCommand, GetUsagePlansCommand } from "@aws-sdk/client-api-gateway";
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";

// The three examples under examples/ run as their stacks would on AWS: every route called through
// the data plane, with the authorizers, API keys, usage plans and stage variables they declare.

const EXAMPLES = join(ROOT, "examples");

async function apiIdNamed(gw: TestGateway, name: string): Promise<string> {
  const rest = (await gw.portico.control.listRestApis()).find((d) => d.api.name === name);
  if (rest !== undefined) return rest.api.id;
  const routes = await gw.portico.control.listRoutes();
  const found = routes.find((r) => r.apiName === name);
  assert.ok(found, `no API named ${name}: ${JSON.stringify(routes.map((r) => r.apiName))}`);
  return found.apiId;
}

describe("examples/sam-app: SAM with a TOKEN authorizer, an API key and a usage plan", () => {
  let gw: TestGateway;
  let apiId: string;
  let key: string;
  before(async () => {
    gw = await startTestGateway({
      templates: [
        { template: join(EXAMPLES, "sam-app", "template.yaml"), parameters: { Greeting: "Hi there" } },
      ],
    });
    apiId = await apiIdNamed(gw, "sam-app");
    const client = new APIGatewayClient(adminClientConfig(gw));
    const keys = await client.send(new GetApiKeysCommand({ includeValues: true }));
    assert.equal(keys.items?.length, 1);
    key = keys.items![0]!.value!;
    assert.deepEqual(keys.items![0]!.stageKeys, [`${apiId}/prod`]);
    const plans = await client.send(new GetUsagePlansCommand({}));
    assert.deepEqual(plans.items?.[0]?.throttle, { burstLimit: 10, rateLimit: 5 });
    assert.deepEqual(plans.items?.[0]?.quota, { limit: 1000, period: "DAY" });
    client.destroy();
  });
  after(() => gw?.close());

  test("an open route answers with the stage's variables", async () => {
    const r = await gw.call(apiId, "/prod/health");
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { ok: true, stage: "prod", owner: "examples" });
  });

  test("the default authorizer and the API key guard the other routes, as on AWS", async () => {
    assert.equal((await gw.call(apiId, "/prod/pets")).status, 401, "no token: 401 before the function runs");
    const noKey = await gw.call(apiId, "/prod/pets", { headers: { authorization: "Bearer allow-ann" } });
    assert.equal(noKey.status, 403);
    const denied = await gw.call(apiId, "/prod/pets", {
      headers: { authorization: "Bearer nobody", "x-api-key": key },
    });
    assert.equal(denied.status, 403);
    assert.match(denied.text, /explicit deny/);
    const ok = await gw.call(apiId, "/prod/pets/2", {
      headers: { authorization: "Bearer allow-ann", "x-api-key": key },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(JSON.parse(ok.text), { id: "2", name: "Tom", type: "cat" });
  });

  test("parameters reach the functions' environment (Globals), and the authorizer's principal the event", async () => {
    const r = await gw.call(apiId, "/prod/pets", {
      headers: { authorization: "Bearer allow-bob", "x-api-key": key },
    });
    const body = JSON.parse(r.text) as { greeting: string; user: string };
    assert.equal(body.greeting, "Hi there");
    assert.equal(body.user, "bob");
  });
});

describe("examples/cdk-synth: a cdk.out folder", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ templates: [{ template: join(EXAMPLES, "cdk-synth", "cdk.out") }] });
  });
  after(() => gw?.close());

  test("each Resource and Method runs, the function found in its asset folder", async () => {
    const apiId = await apiIdNamed(gw, "ItemsApi");
    const r = await gw.call(apiId, "/prod/items/7");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { path: "/items/7", method: "GET", table: "items" });
    assert.equal((await gw.call(apiId, "/prod/items")).status, 200);
    assert.equal((await gw.call(apiId, "/prod/other")).status, 403, "no such resource: AWS's 403");
  });
});

describe("examples/serverless-app: serverless.yml with a WebSocket and a REST endpoint", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      templates: [{ template: join(EXAMPLES, "serverless-app", "serverless.yml"), stage: "test" }],
    });
  });
  after(() => gw?.close());

  test("the http event answers through the {stage}-{service} REST API, with CORS", async () => {
    const apiId = await apiIdNamed(gw, "test-chat");
    const r = await gw.call(apiId, "/test/rooms");
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { rooms: ["lobby"] });
    const preflight = await gw.call(apiId, "/test/rooms", {
      method: "OPTIONS",
      headers: { origin: "https://example.com", "access-control-request-method": "GET" },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers["access-control-allow-origin"], "*");
  });

  test("$connect runs its REQUEST authorizer; a two-way route answers", async () => {
    const apiId = await apiIdNamed(gw, "test-chat-websockets");
    const host = `${apiId}.execute-api.us-east-1.localhost:${gw.port}`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/test?token=wrong`, { headers: { host } });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => resolve(101));
      ws.once("error", () => undefined);
    });
    assert.equal(refused, 403);
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/test?token=let-me-in-ann`, { headers: { host } });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const answer = new Promise<string>((resolve) => ws.once("message", (data) => resolve(String(data))));
    ws.send(JSON.stringify({ action: "echo", text: "hello" }));
    assert.deepEqual(JSON.parse(await answer), { room: "lobby", echo: "hello" });
    ws.close();
  });
});
