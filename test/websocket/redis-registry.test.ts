import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { pino } from "pino";
import { createLogger } from "../../src/logger.ts";
import { connectRedis } from "../../src/state/redis-connection.ts";
import { RedisConnectionRegistry, type RedisRegistryOptions } from "../../src/websocket/redis-registry.ts";
import {
  BINARY,
  connectionInfo,
  connectionRegistrySpec,
  FakeSocket,
} from "../support/connection-registry-spec.ts";
import { freePort, type RedisServer, startRedisCluster, startRedisServer } from "../support/redis-server.ts";
import { eventually } from "../support/snippets.ts";

const log = createLogger("silent");
let server: RedisServer;
let admin: Redis;
/** Every registry a test opens, closed at the end even when the test failed half-way. */
const open: RedisConnectionRegistry[] = [];

before(async () => {
  server = await startRedisServer();
  admin = new Redis({ port: server.port, host: "127.0.0.1" });
});

after(async () => {
  await Promise.allSettled(open.map((r) => r.close()));
  admin?.disconnect();
  await server?.stop();
});

async function node(options: Partial<RedisRegistryOptions> = {}, url = server.url) {
  const registry = await RedisConnectionRegistry.open(url, { log, ...options });
  open.push(registry);
  return registry;
}

connectionRegistrySpec("Redis", () => node());

describe("Redis connection registry: keys", () => {
  test("a connection is a {ws}-tagged hash with a TTL, listed in its node's set", async () => {
    const a = await node({ heartbeatTtlMs: 60_000 });
    const info = connectionInfo();
    await a.add(info, new FakeSocket());
    const key = `portico:{ws}:conn:${info.connectionId}`;
    const hash = await admin.hgetall(key);
    assert.deepEqual(JSON.parse(hash.info!), info);
    assert.equal(hash.nodeId, a.nodeId);
    assert.ok(Number(hash.lastActiveAt) >= info.connectedAt);
    const ttl = await admin.pttl(key);
    assert.ok(ttl > 0 && ttl <= 60_000, `TTL ${ttl}`);
    assert.deepEqual(await admin.smembers(`portico:{ws}:node:${a.nodeId}:conns`), [info.connectionId]);
    await a.close();
    assert.equal(await admin.exists(key), 0, "close deletes the node's connections");
    assert.equal(await admin.exists(`portico:{ws}:node:${a.nodeId}:conns`), 0);
  });

  test("while its node heartbeats, a connection outlives its TTL many times over", async () => {
    const a = await node({ heartbeatTtlMs: 1500 });
    const b = await node();
    const info = connectionInfo();
    await a.add(info, new FakeSocket());
    await new Promise((r) => setTimeout(r, 5000));
    assert.ok(await b.get(info.connectionId));
  });
});

describe("Redis connection registry: two nodes", () => {
  test("a post on node B reaches the socket node A holds, text and binary alike", async () => {
    const a = await node();
    const b = await node();
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    assert.deepEqual(await b.get(info.connectionId), {
      ...info,
      lastActiveAt: (await a.get(info.connectionId))!.lastActiveAt,
    });
    assert.equal(await b.post(info.connectionId, "from B"), "sent");
    assert.equal(await b.post(info.connectionId, BINARY), "sent");
    assert.deepEqual(socket.sent, ["from B", BINARY]);
    assert.ok(Buffer.isBuffer(socket.sent[1]));
  });

  test("a post on node B to a socket whose buffer is full on node A answers full, not gone", async () => {
    const a = await node();
    const b = await node();
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    socket.full = true;
    assert.equal(await b.post(info.connectionId, "too much"), "full");
    assert.ok((await b.get(info.connectionId)) !== undefined);
    socket.full = false;
    assert.equal(await b.post(info.connectionId, "now"), "sent");
    assert.deepEqual(socket.sent, ["now"]);
  });

  test("a delete on node B closes node A's socket, and both see the connection gone", async () => {
    const a = await node();
    const b = await node();
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    assert.equal(await b.remove(info.connectionId), true);
    assert.equal(socket.closeCalls, 1);
    assert.equal(await b.get(info.connectionId), undefined);
    assert.equal(await a.get(info.connectionId), undefined);
    assert.equal(await b.post(info.connectionId, "x"), "gone");
    assert.equal(await b.remove(info.connectionId), false);
  });

  test("a post on B to a socket A holds but has closed is gone everywhere", async () => {
    const a = await node();
    const b = await node();
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    socket.closed = true;
    assert.equal(await b.post(info.connectionId, "x"), "gone");
    assert.equal(await b.get(info.connectionId), undefined);
  });

  test("A's touches reach B's GetConnection (coarsely)", async () => {
    const a = await node();
    const b = await node();
    const info = connectionInfo();
    await a.add(info, new FakeSocket());
    const first = (await b.get(info.connectionId))!.lastActiveAt;
    const moved = await eventually(async () => {
      a.touch(info.connectionId);
      return ((await b.get(info.connectionId))?.lastActiveAt ?? 0) > first;
    }, 5000);
    assert.ok(moved);
  });

  test("forget and close on A are seen by B at once, not after the TTL", async () => {
    const a = await node({ heartbeatTtlMs: 600_000 });
    const b = await node();
    const forgotten = connectionInfo();
    const kept = connectionInfo();
    await a.add(forgotten, new FakeSocket());
    await a.add(kept, new FakeSocket());
    await a.forget(forgotten.connectionId);
    assert.equal(await b.get(forgotten.connectionId), undefined);
    assert.ok(await b.get(kept.connectionId));
    await b.forget(kept.connectionId);
    assert.ok(await b.get(kept.connectionId), "only the holding node forgets a connection");
    await a.close();
    assert.equal(await b.get(kept.connectionId), undefined);
    assert.equal(await b.post(kept.connectionId, "x"), "gone");
  });

  test("a node that stops heartbeating takes its connections with it within the TTL", async () => {
    const onError = () => undefined;
    const redis = connectRedis(server.url, { onError });
    const subscriber = connectRedis(server.url, { subscriber: true, onError });
    const a = await RedisConnectionRegistry.start({ redis, subscriber }, { log, heartbeatTtlMs: 300 });
    open.push(a);
    const b = await node();
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    assert.ok(await b.get(info.connectionId));
    // The node drops off Redis as a crashed or partitioned one would: no cleanup, no more heartbeats.
    redis.disconnect();
    subscriber.disconnect();
    assert.ok(await eventually(async () => (await b.get(info.connectionId)) === undefined, 10_000));
    assert.equal(await b.post(info.connectionId, "x"), "gone");
    assert.equal(await b.remove(info.connectionId), false);
    assert.deepEqual(socket.sent, []);
  });

  test("a holder that never answers makes a relayed post gone after the reply timeout", async () => {
    const b = await node({ replyTimeoutMs: 200 });
    // Listens on a node's channel but never answers, as a node stuck in a long task would.
    const mute = new Redis({ port: server.port, host: "127.0.0.1" });
    try {
      await mute.subscribe("portico:{ws}:node:mute");
      await admin.hset(
        "portico:{ws}:conn:stuck=",
        "info",
        JSON.stringify(connectionInfo()),
        "nodeId",
        "mute",
      );
      assert.equal(await b.post("stuck=", "x"), "gone");
      assert.equal(await b.remove("stuck="), false);
    } finally {
      mute.disconnect();
      await admin.del("portico:{ws}:conn:stuck=");
    }
  });
});

describe("Redis connection registry: Redis failures", () => {
  let own: RedisServer;
  before(async () => {
    own = await startRedisServer();
  });
  after(async () => {
    await own?.stop();
  });

  test("a Redis that comes back empty gets the held connections back from the heartbeat", async () => {
    const a = await node({ heartbeatTtlMs: 900 }, own.url);
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    await own.restart();
    const b = await node({}, own.url);
    assert.ok(await eventually(async () => (await b.get(info.connectionId)) !== undefined, 10_000));
    assert.equal(await b.post(info.connectionId, "back"), "sent");
    assert.deepEqual(socket.sent, ["back"]);
  });

  test("while Redis is down, lookups answer gone and the node still serves its own sockets", async () => {
    const lines: { level: number; msg: string }[] = [];
    const capture = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const a = await node({ log: capture }, own.url);
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    await own.kill();
    try {
      assert.equal(await a.get("elsewhere="), undefined);
      assert.equal(await a.post("elsewhere=", "x"), "gone");
      assert.equal(await a.remove("elsewhere="), false);
      assert.equal(await a.post(info.connectionId, "local"), "sent");
      a.touch(info.connectionId);
      assert.ok(await a.get(info.connectionId));
      await a.forget(info.connectionId);
      assert.equal(await a.get(info.connectionId), undefined);
    } finally {
      await own.restart();
    }
    assert.deepEqual(socket.sent, ["local"]);
    assert.ok(
      lines.some((l) => /Redis unavailable for the WebSocket connection registry/.test(l.msg)),
      "the failures are logged",
    );
  });

  test("opening against a Redis nobody listens on fails with the reason", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      RedisConnectionRegistry.open(url, { log }),
      /cannot reach Redis at redis:\/\/127\.0\.0\.1/,
    );
  });
});

describe("Redis connection registry on a three-master Redis Cluster", () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  test("posts, deletes and lookups cross nodes", async () => {
    const a = await node({ heartbeatTtlMs: 900 }, cluster.url);
    const b = await node({}, cluster.url);
    const info = connectionInfo();
    const socket = new FakeSocket();
    await a.add(info, socket);
    assert.equal((await b.get(info.connectionId))?.apiId, info.apiId);
    assert.equal(await b.post(info.connectionId, BINARY), "sent");
    assert.deepEqual(socket.sent, [BINARY]);
    const first = (await b.get(info.connectionId))!.lastActiveAt;
    const moved = await eventually(async () => {
      a.touch(info.connectionId);
      return ((await b.get(info.connectionId))?.lastActiveAt ?? 0) > first;
    }, 5000);
    assert.ok(moved);
    assert.equal(await b.remove(info.connectionId), true);
    assert.equal(socket.closeCalls, 1);
    assert.equal(await b.get(info.connectionId), undefined);
    await a.close();
    await b.close();
  });
});
