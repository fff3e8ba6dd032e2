import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "../../src/logger.ts";
import { quotaPeriod, utcDay } from "../../src/traffic/quota-period.ts";
import { RedisTraffic } from "../../src/traffic/redis-traffic.ts";
import type { Admission, Bucket, QuotaCharge } from "../../src/traffic/traffic-backend.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

// Decisions asked for in the same turn of the event loop go to Redis in one script call (at most
// 128 per call). Each must still be exact and taken in the order it was asked.

const log = createLogger("silent");
let server: RedisServer;
let traffic: RedisTraffic;

// The period is the one the clock is in now, as the gateway charges it: a period that has already
// ended would make Redis expire the counter as soon as it is written.
const quota = (subject: string, limit: number): QuotaCharge => {
  const nowMs = Date.now();
  const period = quotaPeriod({ limit, period: "MONTH" }, nowMs);
  return { subject, limit, periodStartMs: period.startMs, periodEndMs: period.endMs, day: utcDay(nowMs) };
};

const tally = (admissions: Admission[]) => {
  const counts: Record<string, number> = {};
  for (const a of admissions) counts[a] = (counts[a] ?? 0) + 1;
  return counts;
};

describe("Redis admission, batched", () => {
  before(async () => {
    server = await startRedisServer();
    traffic = await RedisTraffic.open(server.url, { failMode: "open", log });
  });
  after(async () => {
    await traffic?.close();
    await server?.stop();
  });

  test("one turn's decisions against one bucket admit exactly its burst, first come first served", async () => {
    // A rate this low refills nothing during the test.
    const bucket: Bucket = { key: "test/burst10", rate: 0.001, burst: 10 };
    const admissions = await Promise.all(
      Array.from({ length: 40 }, () => traffic.admit([bucket], undefined)),
    );
    assert.deepEqual(admissions.slice(0, 10), Array(10).fill("admitted"));
    assert.deepEqual(admissions.slice(10), Array(30).fill("throttled"));
  });

  test("a refusal by one bucket takes no token from the others in the same batch", async () => {
    const wide: Bucket = { key: "test/wide", rate: 0.001, burst: 100 };
    const narrow: Bucket = { key: "test/narrow", rate: 0.001, burst: 3 };
    const both = await Promise.all(
      Array.from({ length: 10 }, () => traffic.admit([wide, narrow], undefined)),
    );
    assert.deepEqual(tally(both), { admitted: 3, throttled: 7 });
    // The wide bucket lost only the 3 admitted tokens: 97 are left.
    const alone = await Promise.all(Array.from({ length: 100 }, () => traffic.admit([wide], undefined)));
    assert.deepEqual(tally(alone), { admitted: 97, throttled: 3 });
  });

  test("a bucket named twice in one decision gives one token, as it would alone", async () => {
    const bucket: Bucket = { key: "test/twice", rate: 0.001, burst: 3 };
    const admissions = await Promise.all(
      Array.from({ length: 5 }, () => traffic.admit([bucket, bucket], undefined)),
    );
    assert.deepEqual(tally(admissions), { admitted: 3, throttled: 2 });
  });

  test("buckets are written once per batch, and the next batch starts from what it left", async () => {
    const bucket: Bucket = { key: "test/carried", rate: 0.001, burst: 50 };
    for (const expected of [{ admitted: 20 }, { admitted: 20 }, { admitted: 10, throttled: 10 }]) {
      const admissions = await Promise.all(
        Array.from({ length: 20 }, () => traffic.admit([bucket], undefined)),
      );
      assert.deepEqual(tally(admissions), expected);
    }
  });

  test("a quota admits exactly its limit across more decisions than one call carries", async () => {
    const bucket: Bucket = { key: "test/roomy", rate: 1e6, burst: 1e6 };
    const charge = quota("plan1/key1", 200);
    const admissions = await Promise.all(Array.from({ length: 300 }, () => traffic.admit([bucket], charge)));
    assert.deepEqual(admissions.slice(0, 200), Array(200).fill("admitted"));
    assert.deepEqual(admissions.slice(200), Array(100).fill("quota-exceeded"));
    assert.deepEqual(await traffic.dailyUsage("plan1/key1", [charge.day]), [200]);
    assert.equal(await traffic.periodUsage("plan1/key1", charge.periodStartMs), 200);
  });

  test("decisions of different subjects in one batch do not mix", async () => {
    const bucket: Bucket = { key: "test/shared-stage", rate: 1e6, burst: 1e6 };
    const asks: Promise<Admission>[] = [];
    for (let i = 0; i < 30; i++) {
      asks.push(traffic.admit([bucket], quota("plan2/a", 5)));
      asks.push(traffic.admit([bucket], quota("plan2/b", 20)));
    }
    const admissions = await Promise.all(asks);
    assert.deepEqual(tally(admissions.filter((_, i) => i % 2 === 0)), { admitted: 5, "quota-exceeded": 25 });
    assert.deepEqual(tally(admissions.filter((_, i) => i % 2 === 1)), { admitted: 20, "quota-exceeded": 10 });
  });

  test("while Redis is down every waiting decision gets the fail mode, and each is counted", async () => {
    const closed = await RedisTraffic.open(server.url, { failMode: "closed", log });
    try {
      await server.kill();
      const bucket: Bucket = { key: "test/outage", rate: 1, burst: 1 };
      const open = await Promise.all(Array.from({ length: 5 }, () => traffic.admit([bucket], undefined)));
      const shut = await Promise.all(Array.from({ length: 5 }, () => closed.admit([bucket], undefined)));
      assert.deepEqual(open, Array(5).fill("admitted"));
      assert.deepEqual(shut, Array(5).fill("throttled"));
      assert.ok(traffic.unavailableCount >= 5);
      assert.equal(closed.unavailableCount, 5);
    } finally {
      await closed.close();
      await server.restart();
    }
  });
});
