import assert from "node:assert/strict";
import { test } from "node:test";
import {
  newExtendedRequestId,
  newRequestId,
  newTraceId,
  newTraceParent,
  restTraceHeader,
} from "../../src/http/request-ids.ts";

// Ids are cut from pre-formatted batches; drawing several batches' worth checks every refill.
const DRAWS = 5_000;

test("x-amzn-RequestId values are distinct version-4 UUIDs, across batches", () => {
  const seen = new Set<string>();
  for (let i = 0; i < DRAWS; i++) {
    const id = newRequestId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, DRAWS);
});

test("x-amz-apigw-id values are 15 base64 characters and '=', distinct, across batches", () => {
  const seen = new Set<string>();
  for (let i = 0; i < DRAWS; i++) {
    const id = newExtendedRequestId();
    assert.match(id, /^[A-Za-z0-9+/]{15}=$/);
    seen.add(id);
  }
  assert.equal(seen.size, DRAWS);
});

test("X-Amzn-Trace-Id roots carry the epoch seconds in hex", () => {
  const at = Date.UTC(2026, 10, 26) + 1500;
  const root = newTraceId(at);
  assert.match(root, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.equal(Number.parseInt(root.slice(7, 15), 16), Date.UTC(2026, 10, 26) / 1000 + 1);
});

test("X-Amzn-Trace-Id roots are unique across batches, and follow the clock", () => {
  const seen = new Set<string>();
  let at = Date.UTC(2026, 10, 26);
  for (let i = 0; i < DRAWS; i++) {
    if (i % 1000 === 0) at += 1000;
    const root = newTraceId(at);
    assert.match(root, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(Number.parseInt(root.slice(7, 15), 16), at / 1000);
    seen.add(root.slice(16));
  }
  assert.equal(seen.size, DRAWS);
});

test("trace parents are 16 hex digits, distinct across batches", () => {
  const seen = new Set<string>();
  for (let i = 0; i < DRAWS; i++) {
    const parent = newTraceParent();
    assert.match(parent, /^[0-9a-f]{16}$/);
    seen.add(parent);
  }
  assert.equal(seen.size, DRAWS);
});

test("REST trace headers continue a client's trace and start one otherwise", () => {
  const at = Date.UTC(2026, 10, 26);
  const root = "Root=1-3152b799-8954dae64eda91bc9a23a7e8";
  assert.match(
    restTraceHeader(undefined, at),
    /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
  );
  assert.equal(
    restTraceHeader(`${root};Parent=7fa8c0f79203be72;Sampled=1`, at),
    `${root};Parent=7fa8c0f79203be72;Sampled=1`,
  );
  assert.equal(
    restTraceHeader(`${root};Parent=7fa8c0f79203be72`, at),
    `${root};Parent=7fa8c0f79203be72;Sampled=1`,
  );
  assert.match(
    restTraceHeader(`Self=1-00000000-000000000000000000000000;${root}`, at),
    /^Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=[0-9a-f]{16};Sampled=0$/,
  );
  assert.match(
    restTraceHeader(" root = 1-3152b799-8954dae64eda91bc9a23a7e8 ; sampled=1", at),
    /^Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=[0-9a-f]{16};Sampled=1$/,
  );
  const fresh = restTraceHeader("Root=1-xyz;Parent=7fa8c0f79203be72;Sampled=1", at);
  assert.doesNotMatch(fresh, /3152b799|7fa8c0f79203be72|Sampled=1/, "a malformed Root starts a new trace");
});
