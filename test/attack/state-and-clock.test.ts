import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, mock, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetRestApisCommand,
  GetUsagePlansCommand,
  ImportRestApiCommand,
  UpdateStageCommand,
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
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";
import { pino } from "pino";
import { fetchBoundedJson } from "../../src/auth/jwks-fetch.ts";
import { RemoteJwks } from "../../src/auth/remote-jwks.ts";
import { AWS_QUOTAS } from "../../src/model/aws-quotas.ts";
import { LocalTraffic } from "../../src/traffic/local-traffic.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { eventually, mockIntegration } from "../support/snippets.ts";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("attack: the system clock is stepped back", () => {
  test("local token buckets refill by the monotonic clock: a wall clock going back an hour changes nothing", () => {
    let monotonicMs = 5_000;
    let wallMs = Date.UTC(2030, 0, 15, 12);
    const traffic = new LocalTraffic({ clock: () => monotonicMs, wallClock: () => wallMs });
    const route = [{ key: "GET /limited", rate: 10, burst: 2 }];
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "throttled", "the burst is spent");
    for (let step = 0; step < 5; step++) {
      wallMs -= 3_600_000;
      monotonicMs += 100; // one token at 10 rps
      assert.equal(traffic.admit(route, undefined), "admitted", `refilled after step ${step}`);
      assert.equal(traffic.admit(route, undefined), "throttled", `and only one token, step ${step}`);
    }
    monotonicMs += 60_000;
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "throttled", "refill stops at the burst");
  });

  test("a throttled route is admitted again as refill allows after Date.now() jumps an hour back", {
    timeout: 30_000,
  }, async () => {
    const gw = await startTestGateway();
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      const id = await gw.deployRest(
        `
openapi: 3.0.1
info: { title: Clock, version: "1" }
paths:
  /limited:
    get:${mockIntegration('{"route":"limited"}')}
`,
        "prod",
      );
      await client.send(
        new UpdateStageCommand({
          restApiId: id,
          stageName: "prod",
          patchOperations: [
            { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "5" },
            { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "1" },
          ],
        }),
      );
      let status = 0;
      for (let i = 0; i < 200 && status !== 429; i++) status = (await gw.call(id, "/prod/limited")).status;
      assert.equal(status, 429, "the bucket is empty");
      // The wall clock now stands an hour in the past (and stays there).
      mock.timers.enable({ apis: ["Date"], now: Date.now() - 3_600_000 });
      try {
        let admitted = false;
        // Polled by attempts, not by Date.now(), which no longer moves.
        for (let i = 0; i < 100 && !admitted; i++) {
          admitted = (await gw.call(id, "/prod/limited")).status === 200;
          if (!admitted) await pause(50);
        }
        assert.ok(admitted, "a token came back at 5 rps although the wall clock went back");
      } finally {
        mock.timers.reset();
      }
    } finally {
      client.destroy();
      await gw.close();
    }
  });
});

describe("attack: a JWT issuer that never answers, or stops answering", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let key: CryptoKey;
  const jwks: { keys: JWK[] } = { keys: [] };
  /** Accepts connections and never says a word. */
  const silent = createTcpServer((socket) => {
    held.push(socket);
  });
  const held: Socket[] = [];
  /** Serves its discovery document and keys until told to go quiet, then holds every request open. */
  let mode: "serve" | "hang" | "huge" = "serve";
  const hanging: ServerResponse[] = [];
  const flaky = createHttpServer((req, res) => {
    if (mode === "hang") {
      hanging.push(res);
      return;
    }
    const base = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks.json` }));
    } else if (mode === "huge") {
      // The right key, but more than AWS's 150,000-byte JWKS bound in all, sent without a length.
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`{"keys":${JSON.stringify(jwks.keys)},"padding":"`);
      res.end(`${"x".repeat(200_000)}"}`);
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
    }
  });
  const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }) =>
    new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = (server: { address: () => unknown }) =>
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  before(async () => {
    const pair = await generateKeyPair("RS256");
    key = pair.privateKey;
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" });
    await Promise.all([listen(silent), listen(flaky)]);
    backend = await startEchoBackend();
    gw = await startTestGateway();
  });
  after(async () => {
    for (const socket of held) socket.destroy();
    for (const res of hanging) res.destroy();
    await gw.close();
    await backend.close();
    await new Promise((r) => silent.close(r));
    flaky.closeAllConnections();
    await new Promise((r) => flaky.close(r));
  });

  /** An HTTP API with `GET /me` behind a JWT authorizer for `issuer` and an open `GET /open`. */
  async function jwtApi(issuer: string): Promise<string> {
    const client = new ApiGatewayV2Client(adminClientConfig(gw));
    try {
      const { ApiId } = await client.send(new CreateApiCommand({ Name: "Jwt", ProtocolType: "HTTP" }));
      const { IntegrationId } = await client.send(
        new CreateIntegrationCommand({
          ApiId,
          IntegrationType: "HTTP_PROXY",
          IntegrationMethod: "GET",
          IntegrationUri: `${backend.url}/ok`,
          PayloadFormatVersion: "1.0",
        }),
      );
      const { AuthorizerId } = await client.send(
        new CreateAuthorizerCommand({
          ApiId,
          Name: "jwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
          JwtConfiguration: { Issuer: issuer, Audience: ["my-app"] },
        }),
      );
      const target = `integrations/${IntegrationId}`;
      await client.send(
        new CreateRouteCommand({
          ApiId,
          RouteKey: "GET /me",
          Target: target,
          AuthorizationType: "JWT",
          AuthorizerId,
        }),
      );
      await client.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /open", Target: target }));
      await client.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));
      return ApiId!;
    } finally {
      client.destroy();
    }
  }

  const mint = (issuer: string, kid = "k1") =>
    new SignJWT({ sub: "alice", aud: "my-app" })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);
  const call = (apiId: string, path: string, token?: string) =>
    gw.call(apiId, path, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  const assertUnauthorized = (r: { status: number; text: string; headers: Record<string, unknown> }) => {
    assert.equal(r.status, 401, r.text);
    assert.equal(r.text, '{"message":"Unauthorized"}');
    assert.match(String(r.headers["www-authenticate"]), /^Bearer error="invalid_token"/);
  };

  test("an issuer that accepts the connection and never answers: 401 Unauthorized, not a stalled route", {
    timeout: 15_000,
  }, async () => {
    const issuer = origin(silent);
    const apiId = await jwtApi(issuer);
    const token = await mint(issuer);
    const [first, second] = await Promise.all([call(apiId, "/me", token), call(apiId, "/me", token)]);
    assertUnauthorized(first);
    assertUnauthorized(second);
    assertUnauthorized(await call(apiId, "/me", token));
    assert.equal((await call(apiId, "/open")).status, 200, "the rest of the API is served meanwhile");
  });

  test("an issuer that stops answering after serving its keys once: the keys held keep verifying", {
    timeout: 15_000,
  }, async () => {
    mode = "serve";
    const issuer = origin(flaky);
    const apiId = await jwtApi(issuer);
    const token = await mint(issuer);
    assert.equal((await call(apiId, "/me", token)).status, 200, "keys fetched");
    mode = "hang";
    await pause(1100); // past the refetch cooldown, so the next unknown kid makes the gateway look again
    // An unknown kid makes the gateway look for a rotated key; the issuer never answers.
    assertUnauthorized(await call(apiId, "/me", await mint(issuer, "rotated")));
    const again = await call(apiId, "/me", token);
    assert.equal(again.status, 200, `a token signed with a held key is still served: ${again.text}`);
    assert.equal((await call(apiId, "/open")).status, 200);
  });

  test("keys older than their max age are used at once while a refresh waits on a silent issuer", {
    timeout: 15_000,
  }, async () => {
    mode = "serve";
    const issuer = origin(flaky);
    let clockMs = 0;
    const keys = new RemoteJwks({
      locate: async () => `${issuer}/jwks.json`,
      fetch: (url) => fetchBoundedJson(url, AWS_QUOTAS.jwksTimeoutMs, AWS_QUOTAS.jwksResponseBytes),
      maxAgeMs: 60_000,
      clock: () => clockMs,
    });
    const token = await mint(issuer);
    assert.equal((await jwtVerify(token, keys.getKey, { issuer })).payload.sub, "alice");
    mode = "hang";
    clockMs += 3_600_000;
    const waited = hanging.length;
    assert.equal((await jwtVerify(token, keys.getKey, { issuer })).payload.sub, "alice", "stale keys served");
    assert.ok(
      await eventually(async () => hanging.length > waited, 5000),
      "and a refresh was started in the background",
    );
    assert.equal((await jwtVerify(token, keys.getKey, { issuer })).payload.sub, "alice", "while it hangs");
  });

  test("an issuer whose JWKS is larger than AWS's 150,000 bytes: 401 Unauthorized", {
    timeout: 15_000,
  }, async () => {
    mode = "huge";
    const issuer = origin(flaky);
    const apiId = await jwtApi(issuer);
    assertUnauthorized(await call(apiId, "/me", await mint(issuer)));
    assert.equal((await call(apiId, "/open")).status, 200);
  });
});

describe("attack: Redis comes back empty (FLUSHALL, a restart without persistence)", () => {
  let redis: RedisServer;
  let flusher: Redis;
  const nodes: { gw: TestGateway; client: APIGatewayClient; errors: string[] }[] = [];
  let apiId: string;
  let keyId: string;
  let keyValue: string;
  let planId: string;

  /** A gateway whose error-level log lines are kept. */
  async function node() {
    const errors: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
    const gw = await startTestGateway({ redis: redis.url }, log);
    const entry = { gw, client: new APIGatewayClient(adminClientConfig(gw)), errors };
    nodes.push(entry);
    return entry;
  }

  before(async () => {
    redis = await startRedisServer(); // no persistence: a restart comes back empty
    flusher = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: true });
    flusher.on("error", () => undefined);
    await flusher.connect();
    const a = await node();
    await node();
    const imported = await a.client.send(
      new ImportRestApiCommand({
        body: Buffer.from(`
openapi: 3.0.1
info: { title: Survivor, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /keyed:
    get:
      security: [{ api_key: [] }]${mockIntegration('{"route":"keyed"}')}
`),
      }),
    );
    apiId = imported.id!;
    await a.client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod" }));
    const plan = await a.client.send(
      new CreateUsagePlanCommand({ name: "survivors", apiStages: [{ apiId, stage: "prod" }] }),
    );
    planId = plan.id!;
    const key = await a.client.send(new CreateApiKeyCommand({ name: "survivor", enabled: true }));
    keyId = key.id!;
    keyValue = key.value!;
    await a.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId, keyType: "API_KEY" }));
    for (const { gw } of nodes) assert.ok(await eventually(() => serves(gw), 5000), "deployed everywhere");
  });
  after(async () => {
    for (const { gw, client } of nodes) {
      client.destroy();
      await gw.close();
    }
    flusher.disconnect();
    await redis.stop();
  });

  const serves = async (gw: TestGateway) => {
    const withKey = await gw.call(apiId, "/prod/keyed", { headers: { "x-api-key": keyValue } });
    const without = await gw.call(apiId, "/prod/keyed");
    return withKey.status === 200 && withKey.text === '{"route":"keyed"}' && without.status === 403;
  };
  /** The node's admin API lists the API, the key and the plan (and `more` keys). */
  const listsEverything = async (client: APIGatewayClient, more: string[] = []) => {
    const [apis, keys, plans] = await Promise.all([
      client.send(new GetRestApisCommand({})),
      client.send(new GetApiKeysCommand({})),
      client.send(new GetUsagePlansCommand({})),
    ]).catch(() => [undefined, undefined, undefined] as const);
    const keyIds = keys?.items?.map((k) => k.id) ?? [];
    return (
      (apis?.items?.some((api) => api.id === apiId) ?? false) &&
      [keyId, ...more].every((id) => keyIds.includes(id)) &&
      (plans?.items?.some((p) => p.id === planId) ?? false)
    );
  };
  const everywhere = async (check: (n: (typeof nodes)[number]) => Promise<boolean>) =>
    (await Promise.all(nodes.map(check))).every(Boolean);

  test("FLUSHALL, then an admin change before anyone noticed: nothing is lost, both nodes keep serving and re-seed Redis", {
    timeout: 60_000,
  }, async () => {
    await flusher.flushall();
    // A commit into the emptied Redis must not become the whole state of the cluster.
    const late = await nodes[1]!.client.send(new CreateApiKeyCommand({ name: "after-flush", enabled: true }));
    assert.ok(await everywhere(({ gw }) => serves(gw)), "both nodes still serve the API with its key");
    assert.ok(
      await eventually(() => everywhere(({ client }) => listsEverything(client, [late.id!])), 15_000),
      "GetRestApis, GetApiKeys and GetUsagePlans on either node show everything again",
    );
    assert.ok(await everywhere(({ gw }) => serves(gw)), "and both still serve it");
    assert.ok((await flusher.hlen("portico:{portico}:c:restapis")) > 0, "Redis holds the state again");
    const loud = nodes
      .flatMap((n) => n.errors)
      .filter((m) => m.startsWith("Redis lost Portico's shared state"));
    assert.ok(
      loud.length >= 1,
      `the loss is logged as an error: ${JSON.stringify(nodes.map((n) => n.errors))}`,
    );
  });

  test("Redis restarted without persistence: both nodes keep serving, and the state is back in Redis", {
    timeout: 60_000,
  }, async () => {
    const errorsBefore = nodes.map((n) => n.errors.length);
    await redis.restart();
    assert.ok(await everywhere(({ gw }) => serves(gw)), "served meanwhile");
    assert.ok(
      await eventually(() => everywhere(({ client }) => listsEverything(client)), 20_000),
      "the admin API on either node shows everything again",
    );
    assert.ok(await everywhere(({ gw }) => serves(gw)), "and both still serve it");
    assert.ok(
      nodes.some((n, i) => n.errors.slice(errorsBefore[i]).some((m) => m.startsWith("Redis lost"))),
      "the loss is logged as an error",
    );
  });

  test("every node gone and Redis emptied: a node started with --data-dir seeds Redis from its copy", {
    timeout: 60_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "portico-copy-"));
    const url = `${redis.url}/5`; // a database of its own, away from the two nodes above
    const db5 = new Redis({ host: "127.0.0.1", port: redis.port, db: 5, lazyConnect: true });
    db5.on("error", () => undefined);
    try {
      await db5.connect();
      const first = await startTestGateway({ redis: url, dataDir });
      const id = await first.deployRest(
        `
openapi: 3.0.1
info: { title: Copied, version: "1" }
paths:
  /copied:
    get:${mockIntegration('{"route":"copied"}')}
`,
        "prod",
      );
      await first.close();
      await db5.flushdb();
      const errors: string[] = [];
      const log = pino({ level: "error" }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
      const second = await startTestGateway({ redis: url, dataDir }, log);
      try {
        const r = await second.call(id, "/prod/copied");
        assert.equal(r.status, 200, r.text);
        assert.equal(r.text, '{"route":"copied"}');
        assert.ok((await db5.hlen("portico:{portico}:c:restapis")) > 0, "Redis holds the state again");
        assert.ok(errors.some((m) => m.startsWith("Redis holds no Portico state: seeded it from the copy")));
      } finally {
        await second.close();
      }
    } finally {
      db5.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
