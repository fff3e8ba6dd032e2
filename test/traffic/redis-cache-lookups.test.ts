import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "../../src/logger.ts";
import { RedisTraffic } from "../../src/traffic/redis-traffic.ts";
import type { CachedResponse } from "../../src/traffic/traffic-backend.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

// The lookups of one event-loop turn go to Redis in one script call (at most 128 per call); each
// must still get its own entry, from its own stage's generation.

const log = createLogger("silent");
let server: RedisServer;
let traffic: RedisTraffic;

const entry = (text: string): CachedResponse => ({
  statusCode: 200,
  headers: ["content-type", "text/plain"],
  body: Buffer.from(text),
});

const bodies = (found: (CachedResponse | undefined)[]) => found.map((f) => f?.body.toString());

describe("Redis response cache, batched lookups", () => {
  before(async () => {
    server = await startRedisServer();
    traffic = await RedisTraffic.open(server.url, { failMode: "open", log, cacheEncryptionKey: "k" });
  });
  after(async () => {
    await traffic?.close();
    await server?.stop();
  });

  test("one turn's lookups across stages each get their own entry or a miss", async () => {
    const cache = traffic.cache;
    cache.set("api/a", "GET /x", entry("a-x"), 60_000);
    cache.set("api/b", "GET /x", entry("b-x"), 60_000);
    cache.set("api/a", "GET /secret", entry("sealed"), 60_000, 0, true);
    // Sets are not awaited by the gateway; give them a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const found = await Promise.all([
      cache.get("api/a", "GET /x"),
      cache.get("api/b", "GET /x"),
      cache.get("api/a", "GET /missing"),
      cache.get("api/a", "GET /secret", true),
      cache.get("api/c", "GET /x"),
    ]);
    assert.deepEqual(bodies(found), ["a-x", "b-x", undefined, "sealed", undefined]);
    assert.deepEqual(found[0]?.headers, ["content-type", "text/plain"]);
  });

  test("a flush of one stage misses its entries in the same batch as another stage's hits", async () => {
    const cache = traffic.cache;
    await cache.flush("api/a");
    const found = await Promise.all([cache.get("api/a", "GET /x"), cache.get("api/b", "GET /x")]);
    assert.deepEqual(bodies(found), [undefined, "b-x"]);
  });

  test("more lookups than one call carries are all answered, in order", async () => {
    const cache = traffic.cache;
    for (let i = 0; i < 300; i += 3) cache.set("api/many", `GET /${i}`, entry(`v${i}`), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const found = await Promise.all(
      Array.from({ length: 300 }, (_, i) => cache.get("api/many", `GET /${i}`)),
    );
    assert.deepEqual(
      bodies(found),
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `v${i}` : undefined)),
    );
  });

  test("while Redis is down every waiting lookup is a miss, counted as unavailable", async () => {
    await server.kill();
    try {
      const before = traffic.unavailableCount;
      const found = await Promise.all(Array.from({ length: 4 }, () => traffic.cache.get("api/b", "GET /x")));
      assert.deepEqual(bodies(found), [undefined, undefined, undefined, undefined]);
      assert.equal(traffic.unavailableCount - before, 4);
    } finally {
      await server.restart();
    }
  });
});
