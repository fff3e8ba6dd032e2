import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planPinning } from "../../bench/pinning.ts";

describe("pinning plan", () => {
  test("two CPUs: the load generator on 0, servers and backend on 1", () => {
    const p = planPinning(2, true);
    assert.deepEqual([p.loadGenerator, p.servers, p.backend], ["0", "1", "1"]);
  });
  test("three or more: the backend gets a CPU of its own", () => {
    const p = planPinning(8, true);
    assert.deepEqual([p.loadGenerator, p.servers, p.backend], ["0", "1", "2"]);
  });
  test("one CPU, or no taskset: nothing pinned, and the note says why", () => {
    for (const [cpus, taskset, why] of [
      [1, true, /one CPU/],
      [4, false, /taskset not found/],
    ] as const) {
      const p = planPinning(cpus, taskset);
      assert.deepEqual([p.loadGenerator, p.servers, p.backend], [undefined, undefined, undefined]);
      assert.match(p.note, why);
    }
  });
});
