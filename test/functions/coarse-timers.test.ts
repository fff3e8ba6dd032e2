import assert from "node:assert/strict";
import { test } from "node:test";
import { cancel, deadline } from "../../src/functions/coarse-timers.ts";

test("a deadline fires once, never before its delay, and at most a tick late", async () => {
  const started = performance.now();
  const fired = await new Promise<number>((resolve) => deadline(50, () => resolve(performance.now())));
  assert.ok(fired - started >= 49, `fired after ${fired - started} ms`);
});

test("deadlines sharing a tick all fire; cancelled ones do not", async () => {
  const calls: string[] = [];
  const a = deadline(30, () => calls.push("a"));
  deadline(30, () => calls.push("b"));
  deadline(31, () => calls.push("c"));
  cancel(a);
  cancel(undefined);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.deepEqual(calls.sort(), ["b", "c"]);
});
