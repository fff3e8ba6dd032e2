/**
 * Sums a `.cpuprofile`'s samples by function and by file: self time (the function itself) and total
 * time (with what it called), as shares of the profile's busy time (idle and GC shown apart).
 *
 *   node bench/lean-profile.ts PROFILE.cpuprofile [--top 40] [--match src/]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string", default: "40" },
    match: { type: "string" },
    // Startup and warm-up are not the request path: samples count from the first request served
    // (a stack through the data plane's handle) plus this many ms.
    skip: { type: "string", default: "1500" },
  },
});
const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
const top = Number(values.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string): string => {
  const i = url.indexOf("/src/");
  if (i >= 0) return url.slice(i + 1);
  const m = url.indexOf("node_modules/");
  if (m >= 0) return url.slice(m);
  return url.replace(/^node:/, "node:") || "(native)";
};
const fnKey = (n: Node): string =>
  `${n.callFrame.functionName || "(anon)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const total = new Map<string, number>();
const files = new Map<string, number>();
const serving = (id: number): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const f = byId.get(at)!.callFrame;
    if (f.functionName === "handle" && f.url.endsWith("gateway/data-plane.ts")) return true;
  }
  return false;
};
let clock = 0;
let from = Number.POSITIVE_INFINITY;
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  if (serving(profile.samples[i]!)) {
    from = clock + Number(values.skip) * 1000;
    break;
  }
}
let busy = 0;
let idle = 0;
clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  clock += dt;
  if (clock < from) continue;
  const leaf = byId.get(profile.samples[i]!)!;
  const name = leaf.callFrame.functionName;
  if (name === "(idle)" || name === "(program)") {
    idle += dt;
    continue;
  }
  busy += dt;
  const k = fnKey(leaf);
  self.set(k, (self.get(k) ?? 0) + dt);
  const f = short(leaf.callFrame.url);
  files.set(f, (files.get(f) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const key = fnKey(byId.get(id)!);
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + dt);
  }
}

const pct = (x: number): string => `${((x / busy) * 100).toFixed(1).padStart(5)} %`;
const show = (title: string, m: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  const rows = [...m].filter(([k]) => values.match === undefined || k.includes(values.match));
  for (const [k, v] of rows.sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${pct(v)}  ${k}\n`);
};
process.stdout.write(`busy ${(busy / 1000).toFixed(0)} ms, idle/program ${(idle / 1000).toFixed(0)} ms\n`);
show("self time by file", files);
show("self time by function", self);
show("total time by function", total);
