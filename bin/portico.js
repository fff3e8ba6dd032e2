#!/usr/bin/env node
// Runs the CLI on Node 24 or later, which runs the TypeScript sources and is what Portico is tested
// on; on an older Node (20 or 22 — 22.18 strips types too, but is not what Portico runs on), re-runs
// itself on the Node 24 that the `node` devDependency installs.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.versions.node.split(".")[0]);
if (major >= 24 && process.features.typescript) {
  await import(join(root, "src/cli/main.ts"));
} else {
  const node24 = join(root, "node_modules/node/bin/node");
  if (!existsSync(node24)) {
    process.stderr.write("portico needs Node.js 24 or later (run npm ci to install it locally)\n");
    process.exit(1);
  }
  const child = spawn(node24, [join(root, "src/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  // A supervisor (systemd, docker stop, Kubernetes) signals only the pid it started: this one. The
  // gateway gets every stop signal, and this process lives until the gateway has stopped.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // (Not SIGUSR1: Node keeps it for its inspector.)
  const signals = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"];
  for (const signal of signals) process.on(signal, forward);
  child.on("error", (err) => {
    process.stderr.write(`portico: cannot run ${node24}: ${err.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal === null) process.exit(code ?? 1);
    // Killed by a signal: so is this process, so that whoever started it sees the same end.
    process.kill(process.pid, signal);
    // Should the signal not end it, the shell's convention for "killed by a signal".
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000);
  });
}
