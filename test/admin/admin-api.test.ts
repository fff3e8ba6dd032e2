import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const API = `
openapi: "3.0.1"
info: { title: Admin, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"v":1}' } } }
`;

describe("admin API (apigateway wire protocol, SigV4)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  async function call(method: string, path: string, body?: string, secret = "test") {
    const url = `http://127.0.0.1:${gw.adminPort}${path}`;
    const headers = signRequest({
      method,
      url,
      body,
      credentials: { accessKeyId: "test", secretAccessKey: secret },
      region: "us-east-1",
      service: "apigateway",
    });
    const r = await fetch(url, { method, headers, body });
    return {
      status: r.status,
      type: r.headers.get("x-amzn-errortype"),
      json: (await r.json()) as Record<string, unknown>,
    };
  }

  test("import, deploy, read back, serve", async () => {
    const imported = await call("POST", "/restapis?mode=import", API);
    assert.equal(imported.status, 201);
    const id = imported.json.id as string;
    assert.match(id, /^[a-z0-9]{10}$/);
    assert.equal(typeof imported.json.createdDate, "number");
    const deployed = await call(
      "POST",
      `/restapis/${id}/deployments`,
      JSON.stringify({ stageName: "prod", variables: { a: "1" } }),
    );
    assert.equal(deployed.status, 201);
    const stage = await call("GET", `/restapis/${id}/stages/prod`);
    assert.equal(stage.json.deploymentId, deployed.json.id);
    assert.deepEqual(stage.json.variables, { a: "1" });
    const list = await call("GET", "/restapis");
    assert.ok((list.json.item as { id: string }[]).some((a) => a.id === id));
    assert.equal((await gw.call(id, "/prod/hello")).text, '{"v":1}');
  });

  test("bad input gets AWS's error shape and changes nothing", async () => {
    const before = (await call("GET", "/restapis")).json.item as unknown[];
    const badDoc = await call("POST", "/restapis?mode=import", "openapi: 3.0.1\ninfo: {}\n");
    assert.equal(badDoc.status, 400);
    assert.equal(badDoc.type, "BadRequestException");
    assert.match(badDoc.json.message as string, /info\.title is required/);
    const unknown = await call(
      "POST",
      "/restapis/zzzzzzzzzz/deployments",
      JSON.stringify({ stageName: "x" }),
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.type, "NotFoundException");
    const id = (await call("POST", "/restapis?mode=import", API)).json.id as string;
    const malformed = await call("POST", `/restapis/${id}/deployments`, "{not json");
    assert.equal(malformed.status, 400);
    assert.equal(malformed.type, "BadRequestException");
    const badStage = await call(
      "POST",
      `/restapis/${id}/deployments`,
      JSON.stringify({ stageName: "no spaces" }),
    );
    assert.equal(badStage.status, 400);
    const noStage = await call("GET", `/restapis/${id}/stages/never`);
    assert.equal(noStage.type, "NotFoundException");
    const after = (await call("GET", "/restapis")).json.item as unknown[];
    assert.equal(after.length, before.length + 1);
  });

  test("unsigned and wrongly signed requests are refused; /health is open", async () => {
    const unsigned = await fetch(`http://127.0.0.1:${gw.adminPort}/restapis`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
    const wrong = await call("GET", "/restapis", undefined, "not-the-secret");
    assert.equal(wrong.status, 403);
    assert.equal(wrong.type, "InvalidSignatureException");
    const health = await fetch(`http://127.0.0.1:${gw.adminPort}/health`);
    assert.equal(health.status, 200);
  });
});
