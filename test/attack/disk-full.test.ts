import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, CreateRestApiCommand, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { pino } from "pino";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// A full disk under the data dir (defect 16): the write fails, the caller gets AWS's 500, the log says
// the disk is full, and what was stored before is still there. SQLite's own page limit stands in for
// the disk filling up: the store sees the same SQLITE_FULL ("database or disk is full") either way.

describe("a full disk under the data dir", () => {
  let dir: string;
  let gw: TestGateway;
  let client: APIGatewayClient;
  const lines: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-full-"));
    gw = await startTestGateway(
      { dataDir: dir },
      pino({ level: "info" }, { write: (l: string) => void lines.push(l) }),
    );
    client = new APIGatewayClient({ ...adminClientConfig(gw), maxAttempts: 1 });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store's own database connection: the page limit is per connection. */
  const db = () => (gw.portico.store as unknown as { db: DatabaseSync }).db;

  test("the failed write is a 500, the log names the full disk, earlier state is intact, and writing resumes once there is room", async () => {
    await client.send(new CreateRestApiCommand({ name: "before" }));
    const pages = (db().prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    db().exec(`PRAGMA max_page_count = ${pages}`);
    await assert.rejects(
      client.send(new CreateRestApiCommand({ name: "big", description: "d".repeat(1000) })),
      (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode === 500,
    );
    assert.ok(
      lines.some((l) => /database or disk is full/.test(l)),
      `the cause is in the log:\n${lines.join("\n")}`,
    );
    const names = (await client.send(new GetRestApisCommand({}))).items?.map((a) => a.name);
    assert.deepEqual(names, ["before"]);
    db().exec("PRAGMA max_page_count = 1073741823");
    await client.send(new CreateRestApiCommand({ name: "after" }));
    const again = (await client.send(new GetRestApisCommand({}))).items?.map((a) => a.name).sort();
    assert.deepEqual(again, ["after", "before"]);
  });
});
