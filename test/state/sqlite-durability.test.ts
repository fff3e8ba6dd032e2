import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { SqliteStore, StoreOpenError } from "../../src/state/sqlite-store.ts";

const dir = mkdtempSync(join(tmpdir(), "portico-durable-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("data survives close and reopen", async () => {
  const path = join(dir, "reopen");
  const first = new SqliteStore(path);
  await first.commit([
    { op: "put", collection: "stages", key: "api/dev", value: { deploymentId: "abc123" } },
  ]);
  const version = await first.version();
  await first.close();
  const second = new SqliteStore(path);
  assert.deepEqual(await second.get("stages", "api/dev"), { deploymentId: "abc123" });
  assert.equal(await second.version(), version);
  await second.close();
});

test("SIGKILL during writes leaves the last committed batch intact, five times over", async () => {
  const path = join(dir, "crash");
  for (let round = 0; round < 5; round++) {
    const child = spawn(process.execPath, [join(import.meta.dirname, "fixtures", "writer.ts"), path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let lastPrinted = 0;
    let buffer = "";
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      if (lines.length > 0) lastPrinted = Number(lines.at(-1));
    });
    const exited = new Promise((r) => child.on("exit", r));
    // Wait until it is writing, then kill it at a random moment.
    while (lastPrinted < 20) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, Math.random() * 150));
    child.kill("SIGKILL");
    await exited;

    const db = new DatabaseSync(join(path, "portico.db"));
    assert.equal(
      (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
      "ok",
    );
    db.close();
    const store = new SqliteStore(path);
    const a = (await store.get("restapis", "a")) as { counter: number };
    const b = (await store.get("restapis", "b")) as { counter: number };
    await store.close();
    assert.equal(a.counter, b.counter, "a batch is never half applied");
    assert.ok(a.counter >= lastPrinted, `acknowledged ${lastPrinted}, found ${a.counter}`);
  }
});

test("a file that is not a database gives StoreOpenError, not a crash", () => {
  const path = join(dir, "garbage");
  rmSync(path, { recursive: true, force: true });
  new SqliteStore(path).close();
  writeFileSync(join(path, "portico.db"), "this is not sqlite at all ".repeat(200));
  rmSync(join(path, "portico.db-wal"), { force: true });
  rmSync(join(path, "portico.db-shm"), { force: true });
  assert.throws(
    () => new SqliteStore(path),
    (err) => err instanceof StoreOpenError && /portico\.db/.test(err.message),
  );
});

test("a data dir that cannot be created gives StoreOpenError naming it", () => {
  const file = join(dir, "plain-file");
  writeFileSync(file, "x");
  assert.throws(
    () => new SqliteStore(join(file, "sub")),
    (err) => err instanceof StoreOpenError && /plain-file/.test(err.message),
  );
});
