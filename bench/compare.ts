/**
 * `npm run bench`: Portico against the minimal floor, fast-gateway, nginx, bare servers sending the
 * same answers, and serverless-offline, in one run — every target saturated by wrk (-t1) with the
 * load generator and the servers on separate CPUs where the machine has them, interleaved round by
 * round, every answer checked 2xx. Prints the machine, the versions, a table per group and the
 * ratios issue 21's "Done when" names, each marked met or not (docs/benchmark.md).
 *
 *   npm run bench                                   # 5 rounds × 10 s, 50 connections, every group
 *   npm run bench -- --rounds 1 --seconds 2 --only mock,cache
 *   groups: http_proxy, mock, cache, aws_proxy
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Context, GROUPS, type Group } from "./compare-groups.ts";
import { startPortico } from "./compare-portico.ts";
import { groupReport, machineLines } from "./compare-report.ts";
import { chooseLoadGenerator } from "./load.ts";
import { nginxVersion } from "./nginx.ts";
import { ensurePeers, peerVersions } from "./peers.ts";
import { pinThisMachine } from "./pinning.ts";
import { startServer, stopServers } from "./processes.ts";
import { runRounds, type Target } from "./rounds.ts";
import { ensureDebianTool, findCommand } from "./system-tools.ts";

const root = join(import.meta.dirname, "..");

function options(): { rounds: number; seconds: number; connections: number; groups: Group[] } {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "5" },
      seconds: { type: "string", default: "10" },
      connections: { type: "string", default: "50" },
      only: { type: "string" },
    },
  });
  const count = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a whole number ≥ 1, not "${v}"`);
    return n;
  };
  const wanted = values.only?.split(",").map((s) => s.trim()) ?? GROUPS.map((g) => g.name);
  const unknown = wanted.filter((w) => !GROUPS.some((g) => g.name === w));
  if (unknown.length > 0)
    throw new Error(
      `--only: no group ${unknown.join(", ")} (groups: ${GROUPS.map((g) => g.name).join(", ")})`,
    );
  return {
    rounds: count("rounds", values.rounds),
    seconds: count("seconds", values.seconds),
    connections: count("connections", values.connections),
    groups: GROUPS.filter((g) => wanted.includes(g.name)),
  };
}

async function main(): Promise<void> {
  const opts = options();
  const pinning = pinThisMachine();
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-"));
  try {
    const needs = (name: string) => opts.groups.some((g) => g.name === name);
    const nginx = needs("http_proxy")
      ? ensureDebianTool("nginx", "nginx", "the nginx target is skipped")
      : undefined;
    if (needs("http_proxy") || needs("aws_proxy")) ensurePeers();
    const load = await chooseLoadGenerator(dir, pinning);
    const backend = await startServer({
      name: "backend",
      command: process.execPath,
      args: [join(root, "bench/backend.ts")],
      cpus: pinning.backend,
      ready: /listening (\d+)/,
    });
    const portico = await startPortico({
      root,
      dir,
      backend: `http://127.0.0.1:${backend.port}`,
      cpus: pinning.servers,
    });
    const nginxBinary = nginx ?? findCommand("nginx");
    const ctx: Context = { root, dir, pinning, portico, backend, nginx };
    // A target two groups need (Portico MOCK) is measured once.
    const targets = new Map<string, Target>();
    const byGroup = new Map<Group, string[]>();
    for (const g of opts.groups) {
      const ts = await g.setup(ctx);
      for (const t of ts) if (!targets.has(t.name)) targets.set(t.name, t);
      byGroup.set(
        g,
        ts.map((t) => t.name),
      );
    }
    const results = await runRounds([...targets.values()], load, opts);
    const out = [
      "",
      `## npm run bench: ${opts.rounds} interleaved rounds × ${opts.seconds} s, ${opts.connections} connections (medians)`,
      "",
      ...machineLines({
        cpus: pinning.cpus ?? 1,
        pinning: pinning.note,
        load: load.describe,
        nginx: nginxBinary === undefined ? undefined : nginxVersion(nginxBinary),
        peers: peerVersions(),
      }).map((l) => `- ${l}`),
    ];
    for (const [g, names] of byGroup)
      out.push(...groupReport(g, results, names, pinning.servers !== undefined));
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await stopServers();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));
await main();
