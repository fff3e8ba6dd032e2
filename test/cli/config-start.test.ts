import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { adminEndpointFromEnv, callAdmin } from "../../src/cli/admin-client.ts";
import { runCli, spawnPortico } from "../support/process.ts";

const API = `
openapi: "3.0.1"
info: { title: Declared, version: "1" }
paths:
  /hello:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"declared":true}' } } }
`;

describe("starting from a config file", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "portico-config-"));
    writeFileSync(join(dir, "api.yaml"), API);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("declared APIs are imported and deployed, and a restart does not redeploy unchanged ones", async () => {
    const config = join(dir, "good.yaml");
    writeFileSync(
      config,
      `dataDir: data\napis:\n  - openapi: api.yaml\n    id: declared01\n    stage: v1\n    variables: { colour: blue }\n  - openapi: api.yaml\n    type: HTTP\n    id: declared02\n`,
    );
    const first = await spawnPortico(["--config", config]);
    const r = await request(`http://127.0.0.1:${first.port}/v1/hello`, {
      headers: { host: "declared01.execute-api.us-east-1.localhost" },
    });
    assert.equal(await r.body.text(), '{"declared":true}');
    const env = { PORTICO_ADMIN_URL: first.adminUrl };
    const stage1 = JSON.parse(runCli(["routes", "--json"], env).stdout) as unknown[];
    assert.equal(stage1.length, 2);
    const stageOf = async (adminUrl: string, path: string) =>
      (await callAdmin(adminEndpointFromEnv(adminUrl, {}), "GET", path)) as {
        deploymentId: string;
        variables?: Record<string, string>;
      };
    const restBefore = await stageOf(first.adminUrl, "/restapis/declared01/stages/v1");
    const httpBefore = await stageOf(first.adminUrl, "/v2/apis/declared02/stages/$default");
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0);

    const second = await spawnPortico(["--config", config]);
    try {
      const restAfter = await stageOf(second.adminUrl, "/restapis/declared01/stages/v1");
      assert.deepEqual(restAfter.variables, { colour: "blue" });
      // Unchanged documents and stages: the first start's deployments still serve.
      assert.equal(restAfter.deploymentId, restBefore.deploymentId);
      assert.equal(
        (await stageOf(second.adminUrl, "/v2/apis/declared02/stages/$default")).deploymentId,
        httpBefore.deploymentId,
      );
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });

  test("a bad config file fails start-up naming the file, the line and the key, and changes nothing", async () => {
    const dataDir = join(dir, "kept");
    const good = join(dir, "kept.yaml");
    writeFileSync(good, `dataDir: kept\napis:\n  - openapi: api.yaml\n    id: keptapi001\n    stage: v1\n`);
    const ok = await spawnPortico(["--config", good]);
    ok.child.kill("SIGTERM");
    assert.equal(await ok.exited, 0);

    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      `dataDir: kept\nlisten:\n  prot: 9000\napis:\n  - openapi: api.yaml\n    type: SOAP\n`,
    );
    const r = runCli(["start", "--config", bad, "--port", "0", "--admin-port", "0"]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bad\.yaml:3:3: listen\.prot: unknown key "prot"/);
    assert.match(r.stderr, /bad\.yaml:6:11: apis\[0\]\.type: must be one of REST, HTTP/);

    const missing = runCli(["start", "--config", join(dir, "nope.yaml"), "--port", "0"]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /nope\.yaml/);

    const after = await spawnPortico(["--data-dir", dataDir]);
    try {
      const res = await request(`http://127.0.0.1:${after.port}/v1/hello`, {
        headers: { host: "keptapi001.execute-api.us-east-1.localhost" },
      });
      assert.equal(res.statusCode, 200);
      await res.body.dump();
    } finally {
      after.child.kill("SIGTERM");
      await after.exited;
    }
  });
});
