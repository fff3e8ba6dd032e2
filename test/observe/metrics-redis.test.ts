import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { scrape } from "../support/prometheus.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { mockIntegration } from "../support/snippets.ts";

// With --redis, /metrics also counts the throttle decisions taken while Redis was unreachable
// (trafficFailMode open: admitted), read from the traffic backend when scraped.

let redis: RedisServer;
let gw: TestGateway;
before(async () => {
  redis = await startRedisServer();
  gw = await startTestGateway({ redis: redis.url });
});
after(async () => {
  await gw.close();
  await redis.stop();
});

test("portico_redis_unavailable_total: 0 while Redis answers, then the requests admitted without it", async () => {
  const id = await gw.deployRest(
    `openapi: 3.0.1\ninfo: { title: Outage, version: "1" }\npaths:\n  /mock:\n    get:${mockIntegration("{}")}\n`,
    "prod",
  );
  const metrics = () => scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);
  assert.equal((await gw.call(id, "/prod/mock")).status, 200);
  assert.equal((await metrics()).value("portico_redis_unavailable_total", {}), 0);
  await redis.kill();
  try {
    for (let i = 0; i < 3; i++) assert.equal((await gw.call(id, "/prod/mock")).status, 200, "fail open");
    assert.ok((await metrics()).value("portico_redis_unavailable_total", {}) >= 3);
  } finally {
    await redis.restart();
  }
  // Back on Redis before the gateway closes: no command of it is still queued for the reconnect
  // when its clients disconnect (such a command rejects "Connection is closed" after the test).
  for (let i = 0; i < 50; i++) {
    const before = (await metrics()).value("portico_redis_unavailable_total", {});
    await gw.call(id, "/prod/mock");
    if ((await metrics()).value("portico_redis_unavailable_total", {}) === before) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
