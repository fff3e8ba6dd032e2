import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test } from "node:test";
import { BIN, ROOT } from "../support/process.ts";

// `engines` says what a user needs before `npm ci`: a Node that runs npm and bin/portico.js, which
// re-runs the CLI on the Node 24 `npm ci` installs. Both halves are checked on the machine's own Node.

/** The machine's Node outside node_modules (CI installs with it), if PATH has one. */
function machineNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter))
    if (!dir.includes("node_modules") && existsSync(join(dir, "node"))) return join(dir, "node");
  return undefined;
}

test("engines admits the Node that installs Portico, and the launcher runs the CLI on Node 24 from it", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
  const minimum = /^>=(\d+)(?:\.\d+){0,2}$/.exec(pkg.engines.node);
  assert.ok(minimum, `engines.node is a lower bound: ${pkg.engines.node}`);
  const node = machineNode() ?? process.execPath;
  const version = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
  assert.ok(
    Number(version.split(".")[0]) >= Number(minimum[1]),
    `${node} ${version} satisfies ${pkg.engines.node}`,
  );
  // The CLI is TypeScript: an older Node that ran it itself would fail to load src/cli/main.ts.
  const run = spawnSync(node, [BIN, "start", "--help"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: portico start/);
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { engines?: { node?: string } }>;
  };
  assert.equal(lock.packages[""]?.engines?.node, pkg.engines.node, "package-lock.json agrees");
});
