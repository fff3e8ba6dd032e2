import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { request } from "undici";
import { runCli, spawnPortico } from "../support/process.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

const API = `
openapi: "3.0.1"
info: { title: ScaleOut, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"cluster"}' } } }
`;

let dir: string;
let redis: RedisServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "portico-scale-"));
  writeFileSync(join(dir, "api.yaml"), API);
  redis = await startRedisServer();
});
after(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The quick start of docs/traffic.md, with real processes: two `portico start --redis` nodes.
test("portico start --redis: an API imported through one node's admin API is served by the other", async () => {
  const a = await spawnPortico(["--redis", redis.url]);
  const b = await spawnPortico([], { PORTICO_REDIS: redis.url });
  try {
    const imported = runCli(["import", join(dir, "api.yaml"), "--stage", "prod"], {
      PORTICO_ADMIN_URL: a.adminUrl,
    });
    assert.equal(imported.status, 0, imported.stderr);
    const apiId = /imported REST API ([a-z0-9]{10})/.exec(imported.stdout)![1]!;
    let answer = "";
    for (let i = 0; i < 40 && answer === ""; i++) {
      const r = await request(`http://127.0.0.1:${b.port}/prod/hello`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      const text = await r.body.text();
      if (r.statusCode === 200) answer = text;
      else await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(answer, '{"hello":"cluster"}');
  } finally {
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    assert.equal(await a.exited, 0);
    assert.equal(await b.exited, 0);
  }
});

test("portico start --redis with nothing listening fails at start, naming the server without its password", async () => {
  await assert.rejects(
    spawnPortico(["--redis", "redis://user:hunter2@127.0.0.1:1"]),
    (err: Error) =>
      /cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1/.test(err.message) &&
      !/hunter2/.test(err.message),
  );
});
