import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetUsageCommand,
  UpdateStageCommand,
  UpdateUsageCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { Redis } from "ioredis";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { today as todayUtc } from "../support/quota-clock.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { eventually, mockIntegration } from "../support/snippets.ts";
import { keyWithQuota } from "../support/usage-plans.ts";

const mock = mockIntegration;

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const fnArn = (name: string) => invocationArn(name);
const functions = {
  threadAuthorizer: { handler: join(FIXTURES, "handlers.threadAuthorizer") },
  structuredThreadAuthorizer: { handler: join(FIXTURES, "handlers.structuredThreadAuthorizer") },
  echo: { handler: join(FIXTURES, "handlers.echo") },
};

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Clustered, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: "${fnArn("threadAuthorizer")}", authorizerResultTtlInSeconds: 300 }
paths:
  /authorized:
    post:
      security: [{ token: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${fnArn("echo")}" }
  /limited:
    get:${mock('{"route":"limited"}')}
  /quota:
    get:
      security: [{ api_key: [] }]${mock('{"route":"quota"}')}
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/cached" }
  /secret:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/secret" }
`;

describe("two Portico nodes sharing one Redis", () => {
  let redis: RedisServer;
  let a: TestGateway;
  let b: TestGateway;
  let client: APIGatewayClient;
  let backend: Server;
  let backendHits = 0;
  let id: string;

  before(async () => {
    backend = createServer((req, res) => {
      backendHits++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ n: backendHits, ...(req.url === "/secret" ? { card: "4111-SECRET-PAYLOAD" } : {}) }),
      );
    });
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    // Persistent, so a restart after the outage brings the same state back, as a production Redis would.
    redis = await startRedisServer({ persistent: true });
    const cacheEncryptionKey = "a test secret of sixteen+ characters";
    a = await startTestGateway({ redis: redis.url, functions, cacheEncryptionKey });
    b = await startTestGateway({ redis: redis.url, functions, cacheEncryptionKey });
    client = new APIGatewayClient(adminClientConfig(a));
  });
  after(async () => {
    client.destroy();
    await Promise.allSettled([a.close(), b.close()]);
    await redis.stop();
    await new Promise<void>((r) => backend.close(() => r()));
  });

  const served = async (gw: TestGateway, path: string) => (await gw.call(id, path)).status === 200;

  test("a deploy on node A is served by node B within a second, with no restart", async () => {
    const started = Date.now();
    id = await a.deployRest(api(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`), "prod");
    assert.ok(await eventually(() => served(b, "/prod/limited"), 1000), "B serves A's deployment");
    assert.ok(Date.now() - started < 1500);
  });

  test("a rate limit holds across the cluster however load is split (token bucket on Redis)", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "20" },
          { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "5" },
        ],
      }),
    );
    // Both nodes must run the new settings before the measurement starts.
    assert.ok(
      await eventually(async () => {
        const statuses = await Promise.all(Array.from({ length: 12 }, () => b.call(id, "/prod/limited")));
        return statuses.some((r) => r.status === 429);
      }, 2000),
    );
    await new Promise((r) => setTimeout(r, 400)); // let the bucket refill to its burst
    let admitted = 0;
    let refused = 0;
    const started = performance.now();
    const seconds = 10;
    const clientLoop = async (gw: TestGateway) => {
      while (performance.now() - started < seconds * 1000) {
        const r = await gw.call(id, "/prod/limited");
        if (r.status === 200) admitted++;
        else if (r.status === 429) refused++;
        else assert.fail(`unexpected ${r.status}`);
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    // Two thirds of the clients on A, one third on B.
    await Promise.all([
      clientLoop(a),
      clientLoop(a),
      clientLoop(a),
      clientLoop(a),
      clientLoop(b),
      clientLoop(b),
    ]);
    const elapsed = (performance.now() - started) / 1000;
    const expected = 5 + 20 * elapsed;
    assert.ok(refused > admitted, `the load (${admitted + refused}) must exceed the limit`);
    assert.ok(
      Math.abs(admitted - expected) <= expected * 0.05,
      `admitted ${admitted}, expected ${expected.toFixed(0)} ±5% over ${elapsed.toFixed(2)} s`,
    );
  });

  test("a quota of N admits exactly N across nodes", async () => {
    const { planId, keyId, headers } = await keyWithQuota(client, {
      name: "cluster",
      apiId: id,
      stage: "prod",
      quota: { limit: 7, period: "MONTH", offset: 0 },
    });
    assert.ok(await eventually(async () => (await b.call(id, "/prod/quota", { headers })).status !== 403));
    // The probe above was counted: what is left is what GetUsage says remains.
    const today = todayUtc();
    const usage = await client.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: today, endDate: today }),
    );
    const [[used, remaining]] = usage.items![keyId] as [[number, number]];
    assert.equal(used + remaining, 7);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).call(id, "/prod/quota", { headers })),
    );
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok, remaining, `exactly the ${remaining} left of 7 are admitted across both nodes`);
    assert.equal(ok + limited.length, 20);
    assert.equal(limited[0]!.text, '{"message":"Limit Exceeded"}');
    const after = await a.call(id, "/prod/quota", { headers });
    assert.equal(after.status, 429);
    // UpdateUsage through A is the quota on Redis: B admits exactly the one granted.
    await client.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{ op: "replace", path: "/remaining", value: "1" }],
      }),
    );
    assert.equal((await b.call(id, "/prod/quota", { headers })).status, 200);
    assert.equal((await b.call(id, "/prod/quota", { headers })).status, 429);
  });

  test("a response cached by node A is a hit on node B; a flush on B empties it for A", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [{ op: "replace", path: "/cacheClusterEnabled", value: "true" }],
      }),
    );
    assert.ok(
      await eventually(
        async () => (await b.call(id, "/prod/cached")).headers["x-portico-cache"] !== undefined,
      ),
    );
    const before = backendHits;
    await a.call(id, "/prod/cached", { headers: { "x-probe": "1" } });
    const onB = await b.call(id, "/prod/cached");
    const hits = backendHits - before;
    assert.equal(onB.headers["x-portico-cache"], "hit");
    assert.ok(hits <= 1, `backend hit ${hits} times`);
    const bClient = new APIGatewayClient(adminClientConfig(b));
    try {
      await bClient.send(
        new (await import("@aws-sdk/client-api-gateway")).FlushStageCacheCommand({
          restApiId: id,
          stageName: "prod",
        }),
      );
    } finally {
      bClient.destroy();
    }
    assert.equal((await a.call(id, "/prod/cached")).headers["x-portico-cache"], "miss");
  });

  test("caching/dataEncrypted: entries are sealed on Redis and still shared by the nodes", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [{ op: "replace", path: "/~1secret/GET/caching/dataEncrypted", value: "true" }],
      }),
    );
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [{ op: "replace", path: "/~1secret/GET/caching/enabled", value: "true" }],
      }),
    );
    assert.ok(
      await eventually(async () => (await b.call(id, "/prod/secret")).headers["x-portico-cache"] === "hit"),
      "B hits an entry A or B stored",
    );
    const onA = await a.call(id, "/prod/secret");
    assert.equal(onA.headers["x-portico-cache"], "hit");
    assert.match(onA.text, /4111-SECRET-PAYLOAD/);
    const raw = new Redis(redis.url);
    try {
      const keys = await raw.keys("portico:{portico}:cache:*");
      assert.ok(keys.length > 0);
      for (const k of keys) {
        const value = await raw.getBuffer(k);
        assert.ok(!value?.includes("4111-SECRET-PAYLOAD"), `${k} holds the payload in clear`);
      }
      assert.ok(
        (await Promise.all(keys.map((k) => raw.getBuffer(k)))).some((v) => v?.includes('"n"')),
        "unencrypted methods' entries are plain (the test can tell the difference)",
      );
    } finally {
      raw.disconnect();
    }
  });

  test("a Lambda authorizer's result cached through node A serves node B without a new invocation", async () => {
    const thread = async (gw: TestGateway, token: string) => {
      // POST: the stage cache (enabled above, for GET) must not answer instead of the authorizer.
      const r = await gw.call(id, "/prod/authorized", { method: "POST", headers: { authorization: token } });
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text).event.requestContext.authorizer.thread as number;
    };
    const viaA = await thread(a, "Bearer shared-1");
    assert.equal(await thread(b, "Bearer shared-1"), viaA, "B used A's cached result");
    const fresh = await thread(b, "Bearer shared-2");
    assert.notEqual(fresh, viaA, "another identity is authorised by B's own environment");
  });

  test("an HTTP API's Lambda authorizer result is shared the same way, maps and arrays included", async () => {
    const v2 = new ApiGatewayV2Client(adminClientConfig(a));
    let httpId: string;
    try {
      httpId = (await v2.send(new CreateApiCommand({ Name: "SharedAuth", ProtocolType: "HTTP" }))).ApiId!;
      const integration = await v2.send(
        new CreateIntegrationCommand({
          ApiId: httpId,
          IntegrationType: "AWS_PROXY",
          IntegrationUri: fnArn("echo"),
          PayloadFormatVersion: "2.0",
        }),
      );
      const authorizer = await v2.send(
        new CreateAuthorizerCommand({
          ApiId: httpId,
          Name: "thread",
          AuthorizerType: "REQUEST",
          AuthorizerUri: fnArn("structuredThreadAuthorizer"),
          AuthorizerPayloadFormatVersion: "1.0",
          IdentitySource: ["$request.header.Authorization"],
          AuthorizerResultTtlInSeconds: 300,
        }),
      );
      await v2.send(
        new CreateRouteCommand({
          ApiId: httpId,
          RouteKey: "POST /who",
          Target: `integrations/${integration.IntegrationId}`,
          AuthorizationType: "CUSTOM",
          AuthorizerId: authorizer.AuthorizerId,
        }),
      );
      await v2.send(new CreateStageCommand({ ApiId: httpId, StageName: "$default", AutoDeploy: true }));
    } finally {
      v2.destroy();
    }
    const thread = async (gw: TestGateway, token: string) => {
      let r = await gw.call(httpId, "/who", { method: "POST", headers: { authorization: token } });
      for (let i = 0; i < 40 && r.status === 404; i++) {
        await new Promise((res) => setTimeout(res, 25));
        r = await gw.call(httpId, "/who", { method: "POST", headers: { authorization: token } });
      }
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text).event.requestContext.authorizer.lambda as Record<string, unknown>;
    };
    const viaA = await thread(a, "Bearer http-1");
    assert.deepEqual(viaA.profile, { org: { name: "Acme", ids: [1, 2] } });
    // Rebuilt from Redis on B: the maps and arrays of the context come back as they were.
    assert.deepEqual(await thread(b, "Bearer http-1"), viaA, "B used A's cached result");
  });

  test("killing Redis keeps both nodes serving with their last config; they recover when it returns", async () => {
    await redis.kill();
    for (const gw of [a, b]) {
      for (let i = 0; i < 3; i++) {
        const r = await gw.call(id, "/prod/limited");
        assert.equal(r.status, 200, "throttling fails open while Redis is down");
      }
    }
    await redis.restart();
    // Throttling is enforced again once the traffic connection is back.
    assert.ok(
      await eventually(async () => {
        const statuses = await Promise.all(Array.from({ length: 12 }, () => a.call(id, "/prod/limited")));
        return statuses.some((r) => r.status === 429);
      }, 5000),
      "throttling recovers",
    );
    // And the config channel too: a change made on A after the outage reaches B.
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "5000" },
          { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "1000" },
        ],
      }),
    );
    assert.ok(
      await eventually(async () => {
        const statuses = await Promise.all(Array.from({ length: 30 }, () => b.call(id, "/prod/limited")));
        return statuses.every((r) => r.status === 200);
      }, 5000),
      "B follows A's change after the outage",
    );
  });
});
