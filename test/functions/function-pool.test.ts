import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pino } from "pino";
import { FunctionPool } from "../../src/functions/function-pool.ts";
import type { FunctionSpec } from "../../src/functions/function-spec.ts";
import type { ProxyOutcome } from "../../src/functions/invocation.ts";
import type { EventFacts } from "../../src/functions/lambda-event.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const log = pino({ level: "silent" });

function pool(file: string, exportName: string, extra: Partial<FunctionSpec> = {}): FunctionPool {
  return new FunctionPool(
    {
      name: exportName,
      file: join(FIXTURES, file),
      exportName,
      timeoutMs: 1000,
      memoryMb: 128,
      environment: {},
      concurrency: 1,
      identity: {
        functionName: exportName,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${exportName}`,
        memoryLimitInMB: "128",
        logGroupName: `/aws/lambda/${exportName}`,
        logStreamName: "2026/11/25/[$LATEST]test",
      },
      ...extra,
    },
    log,
  );
}

type Queued = { n: number; overlapped: boolean; thread: number };

describe("function pool: execution environments", () => {
  const pools: FunctionPool[] = [];
  const make = (...args: Parameters<typeof pool>) => {
    const p = pool(...args);
    pools.push(p);
    return p;
  };
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  test("one environment runs its invocations one at a time, in order, none lost", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => p.invoke(`r${n}`, { n, ms: 2 })));
    const values = results.map((r) => {
      assert.equal(r.ok, true);
      return (r as { result: Queued }).result;
    });
    assert.deepEqual(
      values.map((v) => v.n),
      Array.from({ length: 20 }, (_, n) => n),
    );
    assert.equal(values.filter((v) => v.overlapped).length, 0, "no two invocations overlapped");
    assert.equal(new Set(values.map((v) => v.thread)).size, 1, "a single warm environment served all");
  });

  test("reservedConcurrency environments share the load, never overlapping within one", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 3 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, n) => p.invoke(`r${n}`, { n, ms: 10 })));
    const values = results.map((r) => (r as { result: Queued }).result);
    assert.equal(values.filter((v) => v.overlapped).length, 0);
    assert.equal(new Set(values.map((v) => v.thread)).size, 3);
  });

  test("behind slow invocations, a busy environment is handed at most one invocation ahead", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 2 });
    // Both environments learn that this function is slow.
    await Promise.all(Array.from({ length: 2 }, (_, n) => p.invoke(`warm${n}`, { n, ms: 150 })));
    const finished: string[] = [];
    const track = (name: string, ms: number) => p.invoke(name, { n: 0, ms }).then(() => finished.push(name));
    const long = track("long", 800);
    const rest = [track("short", 50), ...Array.from({ length: 5 }, (_, i) => track(`z${i}`, 5))];
    await Promise.all([long, ...rest]);
    // Handed ahead eight at a time, about half of the z's would wait out the long one.
    const afterLong = finished.slice(finished.indexOf("long") + 1);
    assert.ok(afterLong.length <= 1, `finished after the long invocation: ${afterLong.join(", ")}`);
  });

  test("a fast invocation's result is not held back while the next one waits on I/O", async () => {
    const p = make("handlers.mjs", "waitForFile", { concurrency: 1 });
    await p.invoke("warm", {});
    const file = join(mkdtempSync(join(tmpdir(), "portico-pool-")), "go");
    // Both go to the one environment together; the second waits for a file written only once the
    // first one's result is here, so holding that result back would leave the second to give up.
    const fast = p.invoke("fast", {});
    const waiting = p.invoke("waiting", { file });
    assert.deepEqual(await fast, { ok: true, result: { fast: true } });
    writeFileSync(file, "");
    assert.deepEqual(await waiting, { ok: true, result: { sawFile: true } });
  });

  test("an invocation keeps its result when the next one in its environment hangs, which runs once", async () => {
    const p = make("handlers.mjs", "hangs", { concurrency: 1, timeoutMs: 300 });
    await p.invoke("warm", { n: 0 });
    const log = join(mkdtempSync(join(tmpdir(), "portico-pool-")), "runs");
    // Both go to the one environment in one message: the first finishes, the second never does.
    const [fast, hung] = await Promise.all([
      p.invoke("fast", { n: 1, log }),
      p.invoke("hung", { n: 2, log, hang: true }),
    ]);
    assert.deepEqual(fast, { ok: true, result: { n: 1 } });
    assert.equal((hung as { errorType: string }).errorType, "Sandbox.Timedout");
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), ["1", "2"]);
  });

  test("AWS_PROXY: a worker sent more routes than it keeps forgets the old ones and builds every event right", async () => {
    const p = make("handlers.mjs", "echo", { concurrency: 1 });
    // Route objects live as long as their deployment, as the integration's are.
    const routes = Array.from({ length: 1100 }, (_, n) => ({
      format: "1.0" as const,
      apiType: "REST" as const,
      accountId: "000000000000",
      apiId: "manyroutes",
      stageName: `stage${n}`,
      deploymentId: `dep${n}`,
      resourcePath: "/things/{id}",
      resourceId: `res${n}`,
      stageVariables: {},
    }));
    const facts = (n: number): EventFacts => ({
      route: routes[n]!,
      method: "GET",
      path: `/things/${n}`,
      requestPath: undefined,
      rawQuery: "",
      httpVersion: "1.1",
      headers: ["Host", "manyroutes.execute-api.us-east-1.localhost"],
      clientIp: "127.0.0.1",
      requestId: `r${n}`,
      extendedRequestId: `e${n}`,
      startMs: Date.UTC(2026, 10, 26),
      pathParams: { id: String(n) },
      authorizer: n % 2 === 0 ? { principalId: `p${n}` } : undefined,
      identity: undefined,
      body: null,
      isBase64Encoded: false,
    });
    const outcomes = await Promise.all(
      // 1100 routes (a worker keeps 1024), each used twice: once sent whole, once by its id.
      Array.from({ length: 2200 }, (_, i) => {
        const f = facts(i % 1100);
        return new Promise<ProxyOutcome>((done) => p.invokeProxy(f, 5000, done));
      }),
    );
    outcomes.forEach((outcome, i) => {
      const n = i % 1100;
      assert.ok(outcome !== "timeout" && outcome.ok, `invocation ${i}: ${JSON.stringify(outcome)}`);
      const { event } = JSON.parse(outcome.response.body);
      assert.equal(event.requestContext.stage, `stage${n}`);
      assert.equal(event.requestContext.resourceId, `res${n}`);
      assert.deepEqual(event.pathParameters, { id: String(n) });
      assert.equal(event.requestContext.authorizer?.principalId, n % 2 === 0 ? `p${n}` : undefined);
    });
  });

  test("invocations queued behind one that crashes its environment run in a fresh one", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 1 });
    const [crashed, ...rest] = await Promise.all([
      p.invoke("crash", { n: 0, exit: true }),
      p.invoke("after-1", { n: 1 }),
      p.invoke("after-2", { n: 2 }),
    ]);
    assert.equal(crashed!.ok, false);
    assert.equal((crashed as { errorType: string }).errorType, "Runtime.ExitError");
    assert.match((crashed as { errorMessage: string }).errorMessage, /^RequestId: crash .*exit status 4/);
    assert.deepEqual(
      rest.map((r) => (r as { result: Queued }).result.n),
      [1, 2],
    );
  });

  test("a slow function's invocations arriving together go to idle environments, not behind each other", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 2 });
    // Both environments learn that this function is slow.
    await Promise.all(Array.from({ length: 2 }, (_, n) => p.invoke(`warm${n}`, { n, ms: 100 })));
    const [a, b] = await Promise.all([p.invoke("a", { n: 1, ms: 200 }), p.invoke("b", { n: 2, ms: 200 })]);
    const threads = [a, b].map((r) => (r as { result: Queued }).result.thread);
    assert.notEqual(threads[0], threads[1]);
  });

  test("invocations finished before one that crashes keep their results and run only once", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 1 });
    const [first, second, crashed] = await Promise.all([
      p.invoke("before-1", { n: 1, ms: 1 }),
      p.invoke("before-2", { n: 2, ms: 1 }),
      p.invoke("crash", { n: 3, ms: 1, exit: true }),
    ]);
    assert.equal((crashed as { errorType: string }).errorType, "Runtime.ExitError");
    const done = [first, second].map((r) => (r as { result: Queued }).result);
    assert.deepEqual(
      done.map((v) => v.n),
      [1, 2],
    );
    // Both ran in the environment that then crashed: none was run again in a fresh one.
    assert.equal(new Set(done.map((v) => v.thread)).size, 1);
  });

  test("invocations queued behind one that times out run in a fresh environment", async () => {
    const p = make("handlers.mjs", "queued", { concurrency: 1, timeoutMs: 300 });
    const [slow, next] = await Promise.all([
      p.invoke("slow", { n: 0, ms: 2000 }),
      p.invoke("next", { n: 1, ms: 1 }),
    ]);
    assert.deepEqual(slow, {
      ok: false,
      errorType: "Sandbox.Timedout",
      errorMessage: "Task timed out after 0.30 seconds",
    });
    assert.equal((next as { result: Queued }).result.n, 1);
  });

  test("loading the module (init phase) does not count against the function timeout", async () => {
    const p = make("slow-init.mjs", "handler", { timeoutMs: 1000 });
    const r = await p.invoke("cold", {});
    assert.equal(r.ok, true, JSON.stringify(r));
    const remaining = (r as { result: { remaining: number } }).result.remaining;
    assert.ok(remaining > 500 && remaining <= 1000, `remaining ${remaining}`);
  });

  test("a handler that is not exported fails every queued invocation with Runtime.HandlerNotFound", async () => {
    const p = make("handlers.mjs", "noSuchExport", { concurrency: 1 });
    const results = await Promise.all([p.invoke("a", {}), p.invoke("b", {})]);
    for (const r of results) assert.equal((r as { errorType: string }).errorType, "Runtime.HandlerNotFound");
  });

  test("a closed pool answers with an error instead of hanging", async () => {
    const p = make("handlers.mjs", "queued");
    await p.close();
    const r = await p.invoke("late", { n: 0 });
    assert.equal((r as { errorType: string }).errorType, "ServiceException");
  });
});
