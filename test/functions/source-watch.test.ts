import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pino } from "pino";
import { FunctionPool } from "../../src/functions/function-pool.ts";
import { SourceWatch } from "../../src/functions/source-watch.ts";
import { eventually } from "../support/snippets.ts";

// Real paths: what a worker reports is where Node resolved the module, symlinks followed.
const FIXTURES = realpathSync(join(import.meta.dirname, "..", "fixtures", "functions"));
const dir = realpathSync(mkdtempSync(join(tmpdir(), "portico-source-watch-")));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("SourceWatch (--watch's file watching)", () => {
  test("paths it cannot or must not watch are ignored without a throw; a real file's change is reported", async () => {
    const watch = new SourceWatch({ settleMs: 20 });
    const seen: string[][] = [];
    try {
      watch.add("relative/lib.ts", (files) => seen.push([...files]));
      watch.add(join(dir, "no-such-dir", "lib.ts"), (files) => seen.push([...files]));
      mkdirSync(join(dir, "node_modules", "pkg"), { recursive: true });
      const packaged = join(dir, "node_modules", "pkg", "index.js");
      writeFileSync(packaged, "module.exports = 1;\n");
      watch.add(packaged, (files) => seen.push([...files]));
      const lib = join(dir, "lib.ts");
      writeFileSync(lib, "export const v = 1;\n");
      watch.add(lib, (files) => seen.push([...files]));
      writeFileSync(packaged, "module.exports = 2;\n");
      // Saved as editors do: a new file renamed over the old one.
      writeFileSync(join(dir, ".lib.swp"), "export const v = 2;\n");
      renameSync(join(dir, ".lib.swp"), lib);
      assert.ok(await eventually(async () => seen.length > 0, 10_000), "the edit is reported");
      assert.deepEqual(seen.flat(), [lib], "only the watched local file, once per settled edit");
    } finally {
      watch.close();
    }
  });

  test("a listener that throws does not stop the others, nor the watch", async () => {
    const watch = new SourceWatch({ settleMs: 20 });
    const file = join(dir, "shared.ts");
    writeFileSync(file, "1\n");
    let told = 0;
    try {
      watch.add(file, () => {
        throw new Error("a broken listener");
      });
      watch.add(file, () => {
        told++;
      });
      writeFileSync(file, "2\n");
      assert.ok(await eventually(async () => told === 1, 10_000));
      writeFileSync(file, "3\n");
      assert.ok(await eventually(async () => told === 2, 10_000), "still watching");
    } finally {
      watch.close();
    }
  });
});

describe("a function's module reports", () => {
  test("forged reports are read no further than their strings; the function keeps answering", async () => {
    const reported: string[] = [];
    const pool = new FunctionPool(
      {
        name: "forgesModules",
        file: join(FIXTURES, "attacks.mjs"),
        exportName: "forgesModules",
        timeoutMs: 3000,
        memoryMb: 128,
        environment: {},
        concurrency: 1,
        identity: {
          functionName: "forgesModules",
          functionVersion: "$LATEST",
          invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:forgesModules",
          memoryLimitInMB: "128",
          logGroupName: "/aws/lambda/forgesModules",
          logStreamName: "2026/01/01/[$LATEST]test",
        },
      },
      pino({ level: "silent" }),
      { onModules: (files) => reported.push(...files) },
    );
    try {
      for (let i = 0; i < 2; i++)
        assert.deepEqual(await pool.invoke(`req-${i}`, {}), { ok: true, result: "still fine" });
      assert.ok(reported.includes(join(FIXTURES, "attacks.mjs")), "the handler's own module, at init");
      assert.ok(reported.includes("/forged/a.ts"));
      assert.ok(reported.every((f) => typeof f === "string"));
    } finally {
      await pool.close();
    }
  });
});
