import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Cluster, Redis } from "ioredis";
import {
  connectRedis,
  parseRedisUrl,
  type RedisTarget,
  redactRedisUrl,
} from "../../src/state/redis-connection.ts";
import { RedisStore } from "../../src/state/redis-store.ts";
import { SqliteStore } from "../../src/state/sqlite-store.ts";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { storeSpec } from "../support/store-spec.ts";

let server: RedisServer;
let admin: Redis;
let lastDb = 0;

before(async () => {
  server = await startRedisServer();
  admin = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true });
  // The outage test kills the server under it too; only the stores' own reports matter there.
  admin.on("error", () => undefined);
  await admin.connect();
});

after(async () => {
  admin?.disconnect();
  await server?.stop();
});

/** Each test gets a database of its own on the private server (16 by default). */
function freshDb(): { url: string; db: number } {
  lastDb += 1;
  assert.ok(lastDb < 16, "out of Redis databases: give tests a FLUSHDB instead");
  return { url: `${server.url}/${lastDb}`, db: lastDb };
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function eventually(body: () => Promise<unknown>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await body();
      return;
    } catch (err) {
      if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}: ${err}`);
      await sleep(50);
    }
  }
}

async function rejectsWithin(promise: Promise<unknown>, ms: number, what: string): Promise<void> {
  const started = Date.now();
  await assert.rejects(promise, /Redis is unreachable/, what);
  const took = Date.now() - started;
  assert.ok(took < ms, `${what} took ${took} ms to fail`);
}

const openStore = (url: string, errors: Error[] = [], logged: string[] = []) =>
  RedisStore.open(url, {
    onError: (err) => errors.push(err),
    log: {
      error: (_details, message) => logged.push(`error: ${message}`),
      warn: (_details, message) => logged.push(`warn: ${message}`),
    },
  });

storeSpec("redis", async () => ({ store: await openStore(freshDb().url), cleanup: () => undefined }));

describe("redis store: shared by several nodes", () => {
  test("a commit on one store is read and heard by another within 1 s", async () => {
    const { url } = freshDb();
    const errors: Error[] = [];
    const a = await openStore(url, errors);
    const b = await openStore(url, errors);
    try {
      const heardByB: number[] = [];
      b.onChange((v) => heardByB.push(v));
      const v1 = await a.commit([{ op: "put", collection: "restapis", key: "x", value: { from: "a" } }]);
      const v2 = await a.commit([{ op: "delete", collection: "restapis", key: "x" }]);
      await waitFor(() => heardByB.includes(v2), 1000, "B to hear A's second commit");
      assert.deepEqual(heardByB, [v1, v2]);
      assert.equal(await b.version(), v2);
      const v3 = await b.commit([{ op: "put", collection: "stages", key: "s", value: [1] }]);
      assert.equal(v3, v2 + 1, "one counter for all nodes");
      assert.deepEqual(await a.get("stages", "s"), [1]);
      assert.deepEqual(errors, []);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("a rejected batch writes nothing, keeps the version and tells no one", async () => {
    const { url, db } = freshDb();
    const a = await openStore(url);
    const b = await openStore(url);
    try {
      const heardByB: number[] = [];
      b.onChange((v) => heardByB.push(v));
      const before = await a.commit([{ op: "put", collection: "restapis", key: "keep", value: 1 }]);
      await waitFor(() => heardByB.length === 1, 1000, "B to hear the first commit");
      await assert.rejects(
        a.commit([
          { op: "put", collection: "restapis", key: "new", value: 1 },
          { op: "put", collection: "restapis", key: "bad", value: { n: 1n } },
        ]),
        TypeError,
      );
      // A key of the wrong type fails inside the script: its checks run before any write.
      await admin.select(db);
      await admin.set("portico:{portico}:c:stages", "not a hash");
      await assert.rejects(
        a.commit([
          { op: "put", collection: "restapis", key: "new", value: 1 },
          { op: "delete", collection: "restapis", key: "keep" },
          { op: "put", collection: "stages", key: "s", value: 1 },
        ]),
        /WRONGTYPE/,
      );
      await sleep(100);
      assert.equal(await b.version(), before);
      assert.equal(await b.get("restapis", "new"), undefined);
      assert.equal(await b.get("restapis", "keep"), 1);
      assert.deepEqual(heardByB, [before]);
    } finally {
      await admin.select(0);
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("stores in different databases of one server do not hear each other", async () => {
    const one = await openStore(freshDb().url);
    const two = await openStore(freshDb().url);
    try {
      const heardByTwo: number[] = [];
      two.onChange((v) => heardByTwo.push(v));
      await one.commit([{ op: "put", collection: "restapis", key: "a", value: 1 }]);
      await sleep(200);
      assert.deepEqual(heardByTwo, []);
      assert.equal(await two.get("restapis", "a"), undefined);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test("commits missed while the subscriber was disconnected are announced once it is back", async () => {
    const { url } = freshDb();
    const a = await openStore(url);
    const b = await openStore(url);
    try {
      const heardByB: number[] = [];
      b.onChange((v) => heardByB.push(v));
      await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
      // Sent right away, while B's subscriber waits out its first reconnect delay.
      const v = await a.commit([{ op: "put", collection: "restapis", key: "k", value: 1 }]);
      await waitFor(() => heardByB.includes(v), 1500, "B to catch up on the missed commit");
      assert.deepEqual(heardByB, [v]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("redis store: a data set that is lost", () => {
  test("a FLUSHDB nobody announces is noticed and re-seeded from the stores' copies", async () => {
    const { url, db } = freshDb();
    const logged: string[] = [];
    const a = await openStore(url, [], logged);
    const b = await openStore(url, [], logged);
    try {
      const heardByB: number[] = [];
      b.onChange((v) => heardByB.push(v));
      const v = await a.commit([
        { op: "put", collection: "restapis", key: "x", value: { n: 1 } },
        { op: "put", collection: "apikeys", key: "k", value: { value: "secret" } },
      ]);
      await waitFor(() => heardByB.includes(v), 1000, "B to hear the commit");
      await admin.select(db);
      await admin.flushdb();
      // Reads never see the emptied data set: they wait for the re-seed.
      assert.deepEqual(await b.list("restapis"), [{ key: "x", value: { n: 1 } }]);
      await waitFor(() => heardByB.some((h) => h > v), 3000, "the re-seed to be announced");
      assert.equal(await admin.hget("portico:{portico}:c:apikeys", "k"), '{"value":"secret"}');
      assert.ok(logged.some((line) => line.startsWith("error: Redis lost Portico's shared state")));
    } finally {
      await admin.select(0);
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("a data dir (even an embedded node's) seeds an empty Redis, and never one that holds data", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "portico-seed-"));
    try {
      const embedded = new SqliteStore(dataDir);
      await embedded.commit([{ op: "put", collection: "restapis", key: "from-disk", value: 1 }]);
      await embedded.close();
      const empty = freshDb();
      const seeded = await RedisStore.open(empty.url, { dataDir, log: { error: () => {}, warn: () => {} } });
      try {
        assert.equal(await seeded.get("restapis", "from-disk"), 1);
      } finally {
        await seeded.close();
      }
      const busy = freshDb();
      const other = await openStore(busy.url);
      await other.commit([{ op: "put", collection: "restapis", key: "theirs", value: 2 }]);
      const follower = await RedisStore.open(busy.url, { dataDir });
      try {
        assert.deepEqual(await follower.list("restapis"), [{ key: "theirs", value: 2 }]);
      } finally {
        await Promise.all([follower.close(), other.close()]);
      }
      const copy = new SqliteStore(dataDir);
      assert.deepEqual(await copy.list("restapis"), [{ key: "theirs", value: 2 }], "the copy follows Redis");
      await copy.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a data set that went back in versions (an older replica) is replaced by the newer copy", async () => {
    const { url, db } = freshDb();
    const a = await openStore(url);
    try {
      await a.commit([{ op: "put", collection: "stages", key: "s", value: 1 }]);
      await a.commit([{ op: "put", collection: "stages", key: "s", value: 2 }]);
      await admin.select(db);
      // What a replica that missed the last commit holds: same epoch, the older value and version.
      await admin.hset("portico:{portico}:c:stages", "s", "1");
      await admin.set("portico:{portico}:version", "1");
      await eventually(
        async () => assert.equal(await admin.hget("portico:{portico}:c:stages", "s"), "2"),
        3000,
        "the newer state to be written back",
      );
      assert.equal(await a.get("stages", "s"), 2);
    } finally {
      await admin.select(0);
      await a.close();
    }
  });
});

describe("redis store: outages", () => {
  test("while Redis is down everything fails fast; after it returns the stores work and hear each other", async () => {
    const { url } = freshDb();
    const errors: Error[] = [];
    const unhandled: unknown[] = [];
    const logged: string[] = [];
    const record = (err: unknown) => unhandled.push(err);
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(" "));
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    const storeLog: string[] = [];
    const a = await openStore(url, errors, storeLog);
    const b = await openStore(url, errors, storeLog);
    try {
      const heardByB: number[] = [];
      b.onChange((v) => heardByB.push(v));
      const v0 = await a.commit([{ op: "put", collection: "restapis", key: "k", value: 1 }]);

      // Commands sent to a paused server are in flight when it dies: they fail at once (neither
      // kept for a replay nor left to their timeout).
      await admin.call("CLIENT", "PAUSE", "5000", "ALL");
      const inFlight = [
        a.get("restapis", "k"),
        a.commit([{ op: "put", collection: "restapis", key: "k", value: "lost" }]),
      ].map((p) =>
        p.then(
          () => assert.fail("a command in flight at the kill succeeded"),
          (err: unknown) => ({ err, at: Date.now() }),
        ),
      );
      await sleep(50);
      await server.kill();
      const killedAt = Date.now();
      for (const { err, at } of await Promise.all(inFlight)) {
        assert.ok(err instanceof Error);
        assert.ok(
          at - killedAt < 1000,
          `a command in flight at the kill failed ${at - killedAt} ms after it`,
        );
      }
      await rejectsWithin(a.get("restapis", "k"), 3000, "get right after the kill");
      await rejectsWithin(
        a.commit([{ op: "put", collection: "restapis", key: "k", value: 2 }]),
        3000,
        "commit right after the kill",
      );
      await sleep(400); // now in the reconnect loop
      await rejectsWithin(b.list("restapis"), 3000, "list while reconnecting");
      await rejectsWithin(b.version(), 3000, "version while reconnecting");
      await rejectsWithin(
        b.commit([{ op: "delete", collection: "restapis", key: "k" }]),
        3000,
        "commit while reconnecting",
      );
      assert.ok(errors.length > 0, "connection errors go to onError");

      await server.restart();
      await eventually(() => Promise.all([a.version(), b.version()]), 5000, "both stores to reconnect");
      // The restarted server is empty: one store re-seeds it from its copy (loudly), B hears of it.
      await waitFor(() => heardByB.some((v) => v > v0), 5000, "the data set to be re-seeded");
      assert.equal(await b.get("restapis", "k"), 1, "the acknowledged commit is back");
      assert.equal(storeLog.filter((line) => line.startsWith("error: Redis lost")).length, 1);
      const v1 = await a.commit([{ op: "put", collection: "restapis", key: "after", value: "yes" }]);
      const v2 = await a.commit([{ op: "put", collection: "restapis", key: "after", value: "again" }]);
      await waitFor(() => heardByB.includes(v2), 1000, "B to hear A's commit after the restart");
      assert.deepEqual(
        heardByB.filter((v) => v >= v1),
        [v1, v2],
      );
      assert.equal(await b.get("restapis", "after"), "again");
      assert.deepEqual(unhandled, []);
      assert.deepEqual(
        logged.filter((line) => line.includes("ioredis")),
        [],
      );
    } finally {
      console.error = consoleError;
      process.off("unhandledRejection", record);
      process.off("uncaughtException", record);
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("close does not throw or hang while Redis is down", async () => {
    const other = await startRedisServer();
    const store = await openStore(other.url);
    await other.kill();
    const started = Date.now();
    await store.close();
    assert.ok(Date.now() - started < 2000);
    await other.stop();
  });

  test("open names the unreachable server, without its password", async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(RedisStore.open(`redis://portico:s3cret@127.0.0.1:${port}/2`), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `^cannot reach Redis at redis://portico:\\*\\*\\*@127\\.0\\.0\\.1:${port}/2: .*ECONNREFUSED`,
        ),
      );
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
    assert.ok(Date.now() - started < 3000);
  });
});

describe("redis URLs", () => {
  const good: [string, RedisTarget][] = [
    [
      "redis://127.0.0.1:6380",
      { kind: "standalone", address: { host: "127.0.0.1", port: 6380 }, db: 0, tls: false },
    ],
    ["redis://cache", { kind: "standalone", address: { host: "cache", port: 6379 }, db: 0, tls: false }],
    [
      "redis://app:p%40ss@cache:6379/3",
      {
        kind: "standalone",
        address: { host: "cache", port: 6379 },
        db: 3,
        tls: false,
        username: "app",
        password: "p@ss",
      },
    ],
    [
      "redis://:pw@cache:1/",
      { kind: "standalone", address: { host: "cache", port: 1 }, db: 0, tls: false, password: "pw" },
    ],
    [
      "rediss://cache:6380/2",
      { kind: "standalone", address: { host: "cache", port: 6380 }, db: 2, tls: true },
    ],
    ["redis://[::1]:7000", { kind: "standalone", address: { host: "::1", port: 7000 }, db: 0, tls: false }],
    [
      "redis-sentinel://pw@s1:26379,s2:26380,s3/mymaster",
      {
        kind: "sentinel",
        sentinels: [
          { host: "s1", port: 26379 },
          { host: "s2", port: 26380 },
          { host: "s3", port: 26379 },
        ],
        masterName: "mymaster",
        password: "pw",
      },
    ],
    [
      "redis-cluster://n1:7000,n2:7001",
      {
        kind: "cluster",
        nodes: [
          { host: "n1", port: 7000 },
          { host: "n2", port: 7001 },
        ],
      },
    ],
  ];
  for (const [url, expected] of good) {
    test(`parses ${url}`, () => assert.deepEqual(parseRedisUrl(url), expected));
  }

  const bad = [
    "",
    "localhost:6379",
    "http://cache:6379",
    "redis://",
    "redis://cache:6379/zero",
    "redis://cache:99999",
    "redis://cache:port",
    "redis://a:1,b:2",
    "redis://cache:6379?db=2",
    "redis://u:%zz@cache",
    "redis-sentinel://s1:26379",
    "redis-sentinel://s1:26379/",
    "redis-cluster://n1:7000/0",
    "redis-cluster://",
  ];
  for (const url of bad) {
    test(`rejects '${url}' naming the accepted forms`, () => {
      assert.throws(
        () => connectRedis(url, { lazyConnect: true }),
        /expected redis:\/\/\[user:pass@\]host:port/,
      );
    });
  }

  test("errors and redaction never show the password", () => {
    assert.throws(
      () => parseRedisUrl("redis://app:hunter2@cache:1/x"),
      (err: Error) => {
        assert.doesNotMatch(err.message, /hunter2/);
        assert.match(err.message, /redis:\/\/app:\*\*\*@cache:1\/x/);
        return true;
      },
    );
    assert.equal(redactRedisUrl("redis://app:hunter2@cache:1"), "redis://app:***@cache:1");
    assert.equal(redactRedisUrl("redis-sentinel://hunter2@s1/m"), "redis-sentinel://***@s1/m");
    assert.equal(redactRedisUrl("redis://cache:1"), "redis://cache:1");
  });

  test("connectRedis builds the right client without connecting", () => {
    const plain = connectRedis("redis://app:pw@cache:6380/4", { lazyConnect: true, name: "node-1" });
    const tls = connectRedis("rediss://cache:6380", { lazyConnect: true });
    const sentinel = connectRedis("redis-sentinel://pw@s1:26379,s2:26380/mymaster", { lazyConnect: true });
    const cluster = connectRedis("redis-cluster://n1:7000,n2:7001", { lazyConnect: true });
    try {
      assert.ok(plain instanceof Redis && !(plain instanceof Cluster));
      assert.equal(plain.status, "wait", "lazyConnect: nothing connects");
      assert.equal(plain.options.host, "cache");
      assert.equal(plain.options.port, 6380);
      assert.equal(plain.options.db, 4);
      assert.equal(plain.options.username, "app");
      assert.equal(plain.options.password, "pw");
      assert.equal(plain.options.connectionName, "node-1");
      assert.equal(plain.options.enableOfflineQueue, false, "commands fail fast while disconnected");
      assert.equal(plain.listenerCount("error"), 1, "errors never reach ioredis' console fallback");
      assert.ok(tls instanceof Redis && tls.options.tls);
      assert.ok(sentinel instanceof Redis);
      assert.deepEqual(sentinel.options.sentinels, [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26380 },
      ]);
      assert.equal(sentinel.options.name, "mymaster");
      assert.ok(cluster instanceof Cluster);
      assert.equal(cluster.listenerCount("error"), 1);
      const subscriber = connectRedis("redis://cache", { lazyConnect: true, subscriber: true }) as Redis;
      assert.equal(
        subscriber.options.enableOfflineQueue,
        true,
        "a subscriber queues SUBSCRIBE until connected",
      );
      assert.equal(subscriber.options.autoResubscribe, true);
      subscriber.disconnect();
    } finally {
      for (const conn of [plain, tls, sentinel, cluster]) conn.disconnect();
    }
  });
});
