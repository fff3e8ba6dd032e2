import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { renderOperationsTable } from "../../scripts/admin-operations.ts";

test("docs/admin-operations.md lists every SDK operation and is current (node scripts/admin-operations.ts)", () => {
  const onDisk = readFileSync(join(import.meta.dirname, "..", "..", "docs", "admin-operations.md"), "utf8");
  assert.equal(onDisk, renderOperationsTable());
});
