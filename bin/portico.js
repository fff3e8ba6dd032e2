#!/usr/bin/env node
// Runs the CLI on a Node that strips TypeScript types (24+); on an older Node, re-runs itself on the
// Node 24 that the `node` devDependency installs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.features.typescript) {
  await import(join(root, "src/cli/main.ts"));
} else {
  const node24 = join(root, "node_modules/node/bin/node");
  if (!existsSync(node24)) {
    process.stderr.write("portico needs Node.js 24 or later (run npm ci to install it locally)\n");
    process.exit(1);
  }
  const r = spawnSync(node24, [join(root, "src/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(r.status ?? 1);
}
