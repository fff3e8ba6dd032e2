import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { runCli, spawnPortico } from "../support/process.ts";

const restApi = (backend: string) => `
openapi: "3.0.1"
info: { title: Lifecycle, version: "1" }
paths:
  /slow:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/slow/800" }
  /hello:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"world"}' } } }
`;

const httpApi = (backend: string) => `
openapi: "3.0.1"
info: { title: LifecycleHttp, version: "1" }
paths:
  /items/{id}:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/items/{id}", payloadFormatVersion: "1.0" }
`;

async function get(port: number, apiId: string, path: string) {
  const r = await request(`http://127.0.0.1:${port}${path}`, {
    headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
  });
  return { status: r.statusCode, text: await r.body.text() };
}

describe("the gateway process", () => {
  let dir: string;
  let backend: EchoBackend;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-life-"));
    backend = await startEchoBackend();
    writeFileSync(join(dir, "rest.yaml"), restApi(backend.url));
    writeFileSync(join(dir, "http.yaml"), httpApi(backend.url));
  });
  after(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("import and deploy through the CLI, restart, and every API and stage is still served", async () => {
    const dataDir = join(dir, "data");
    const first = await spawnPortico(["--data-dir", dataDir]);
    const env = { PORTICO_ADMIN_URL: first.adminUrl };
    const rest = runCli(["import", join(dir, "rest.yaml"), "--stage", "prod"], env);
    assert.equal(rest.status, 0, rest.stderr);
    const restId = /imported REST API ([a-z0-9]{10})/.exec(rest.stdout)![1]!;
    const http = runCli(["import", join(dir, "http.yaml"), "--type", "HTTP"], env);
    assert.equal(http.status, 0, http.stderr);
    const httpId = /imported HTTP API ([a-z0-9]{10})/.exec(http.stdout)![1]!;
    assert.equal((await get(first.port, restId, "/prod/hello")).text, '{"hello":"world"}');
    assert.equal((await get(first.port, httpId, "/items/7")).status, 200);

    const routes = runCli(["routes", "--json"], env);
    assert.equal(routes.status, 0, routes.stderr);
    const listed = JSON.parse(routes.stdout) as { apiId: string; path: string; stage: string }[];
    assert.ok(listed.some((r) => r.apiId === restId && r.path === "/hello" && r.stage === "prod"));
    assert.ok(listed.some((r) => r.apiId === httpId && r.path === "/items/{id}" && r.stage === "$default"));

    const exported = runCli(["export", "--api-id", restId, "--stage", "prod"], env);
    assert.equal(exported.status, 0, exported.stderr);
    assert.ok(JSON.parse(exported.stdout).paths["/hello"].get["x-amazon-apigateway-integration"]);
    const yaml = runCli(["export", "--api-id", httpId, "--type", "HTTP", "--yaml"], env);
    assert.match(yaml.stdout, /x-amazon-apigateway-importexport-version: "1.0"/);

    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0);

    const second = await spawnPortico(["--data-dir", dataDir]);
    try {
      assert.equal((await get(second.port, restId, "/prod/hello")).text, '{"hello":"world"}');
      const item = await get(second.port, httpId, "/items/9");
      assert.equal(item.status, 200);
      assert.equal((JSON.parse(item.text) as { url: string }).url, "/items/9");
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });

  test("SIGTERM lets in-flight requests finish, then exits 0", async () => {
    const running = await spawnPortico([]);
    const env = { PORTICO_ADMIN_URL: running.adminUrl };
    const imported = runCli(["import", join(dir, "rest.yaml"), "--stage", "dev"], env);
    assert.equal(imported.status, 0, imported.stderr);
    const apiId = /imported REST API ([a-z0-9]{10})/.exec(imported.stdout)![1]!;
    const slow = get(running.port, apiId, "/dev/slow");
    await new Promise((r) => setTimeout(r, 200));
    running.child.kill("SIGTERM");
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(await running.exited, 0);
  });

  test("SIGTERM with a request that never ends: the drain deadline (listen.drainTimeoutMs) closes it and the process exits 0", async () => {
    // A backend that takes requests and never answers them.
    let received = 0;
    const hanging = createServer(() => {
      received++;
    });
    await new Promise<void>((ok) => hanging.listen(0, "127.0.0.1", ok));
    const port = (hanging.address() as AddressInfo).port;
    writeFileSync(join(dir, "hang.yaml"), restApi(`http://127.0.0.1:${port}`).replace("/slow/800", "/never"));
    writeFileSync(
      join(dir, "drain.yaml"),
      `listen: { drainTimeoutMs: 300 }\napis: [{ openapi: hang.yaml, stage: dev, id: drainapi01 }]\n`,
    );
    const running = await spawnPortico(["--config", join(dir, "drain.yaml")]);
    try {
      const stuck = get(running.port, "drainapi01", "/dev/slow").then(
        (r) => r.status,
        () => "closed",
      );
      while (received === 0) await new Promise((r) => setTimeout(r, 20));
      running.child.kill("SIGTERM");
      assert.equal(await running.exited, 0, running.stderr());
      assert.equal(await stuck, "closed", "the request still open at the deadline was closed, not answered");
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  test("a wrong secret key is refused by the admin API", async () => {
    const running = await spawnPortico([]);
    try {
      const r = runCli(["routes"], { PORTICO_ADMIN_URL: running.adminUrl, AWS_SECRET_ACCESS_KEY: "wrong" });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /signature we calculated does not match/);
      const unknown = runCli(["routes"], {
        PORTICO_ADMIN_URL: running.adminUrl,
        AWS_ACCESS_KEY_ID: "AKIDUNKNOWN",
      });
      assert.match(unknown.stderr, /security token included in the request is invalid/);
    } finally {
      running.child.kill("SIGTERM");
      await running.exited;
    }
  });

  test("a bad OpenAPI file is refused with a clear error and changes nothing", async () => {
    const running = await spawnPortico([]);
    const env = { PORTICO_ADMIN_URL: running.adminUrl };
    try {
      writeFileSync(join(dir, "bad.yaml"), "openapi: 3.0.1\ninfo: { title: Bad\npaths: {}\n");
      const r = runCli(["import", join(dir, "bad.yaml"), "--stage", "dev"], env);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /portico import: .+/);
      const routes = runCli(["routes", "--json"], env);
      assert.deepEqual(JSON.parse(routes.stdout), []);
    } finally {
      running.child.kill("SIGTERM");
      await running.exited;
    }
  });
});

describe("the CLI", () => {
  test("--help on every command, and unknown commands fail", () => {
    const top = runCli(["--help"]);
    assert.equal(top.status, 0);
    for (const name of ["start", "import", "deploy", "export", "routes"]) {
      assert.match(top.stdout, new RegExp(`\\b${name}\\b`));
      const r = runCli([name, "--help"]);
      assert.equal(r.status, 0, name);
      assert.match(r.stdout, /Usage: portico/);
    }
    const bad = runCli(["frobnicate"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'/);
    const badFlag = runCli(["routes", "--nope"]);
    assert.equal(badFlag.status, 1);
    assert.match(badFlag.stderr, /nope/);
  });

  test("a client command with no gateway running says where it looked", () => {
    const r = runCli(["routes"], { PORTICO_ADMIN_URL: "http://127.0.0.1:1" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot reach the admin API at http:\/\/127\.0\.0\.1:1/);
  });
});
