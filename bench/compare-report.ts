import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import type { Group } from "./compare-groups.ts";
import { type Measured, ratio } from "./rounds.ts";

/** The machine and versions a run's figures belong to, one fact a line. */
export function machineLines(facts: {
  cpus: number;
  pinning: string;
  load: string;
  nginx: string | undefined;
  peers: Record<string, string | undefined>;
}): string[] {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() said it
  }
  const peers = Object.entries(facts.peers)
    .map(([n, v]) => `${n} ${v ?? "not installed"}`)
    .join(", ");
  return [
    `machine: ${model}, ${facts.cpus} CPUs available (${cpus().length} online)`,
    `pinning: ${facts.pinning}`,
    `load generator: ${facts.load}`,
    `versions: Node ${process.version}, nginx ${facts.nginx ?? "not installed"}, ${peers}`,
  ];
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, digits: number, n: number) =>
  (Number.isFinite(x) ? x.toFixed(digits) : "n/a").padStart(n);

/** One markdown table per group (pasteable into docs/benchmark.md), then the group's ratios. */
export function groupReport(
  group: Group,
  results: Map<string, Measured>,
  names: readonly string[],
  pinned: boolean,
): string[] {
  const width = Math.max(6, ...names.map((n) => n.length));
  const lines = [
    "",
    `### ${group.title}`,
    "",
    `| ${pad("target", width)} |    req/s | p50 ms | p99 ms | CPU µs/req | cores busy |`,
    `| ${"-".repeat(width)} | -------: | -----: | -----: | ---------: | ---------: |`,
  ];
  for (const name of names) {
    const m = results.get(name);
    if (m === undefined) continue;
    lines.push(
      `| ${pad(name, width)} | ${num(m.rps, 0, 8)} | ${num(m.p50, 2, 6)} | ${num(m.p99, 2, 6)} | ${num(m.cpu, 1, 10)} | ${num(m.busy, 2, 10)} |`,
    );
  }
  lines.push("");
  for (const name of names) {
    const m = results.get(name);
    // Pinned to one CPU, a saturated server keeps it busy; much less means it was not the limit.
    if (pinned && m !== undefined && m.busy < 0.8)
      lines.push(`- warning: ${name} kept only ${m.busy.toFixed(2)} of its core busy: not saturated`);
  }
  for (const r of group.ratios) {
    const a = results.get(r.of);
    const b = results.get(r.to);
    if (a === undefined || b === undefined) {
      lines.push(`- ${r.label}: skipped (${a === undefined ? r.of : r.to} not measured)`);
      continue;
    }
    const q = ratio(a, b);
    const verdict =
      r.atLeast === undefined
        ? "(no target)"
        : `(target ≥ ${r.atLeast}×: ${q.rps >= r.atLeast ? "met" : "NOT MET"})`;
    lines.push(`- ${r.label}: **${q.rps.toFixed(2)}×** ${verdict}; by CPU per request ${q.cpu.toFixed(2)}×`);
  }
  return lines;
}
