import { fetchAnswer } from "./answer.ts";
import { median } from "./harness.ts";
import type { LoadGenerator } from "./load.ts";
import { type Server, treeCpuMicros } from "./processes.ts";
import type { LoadRequest, LoadResult } from "./wrk.ts";

/** One thing measured: a request sent to a server whose process tree's CPU time is read around it. */
export interface Target {
  name: string;
  server: Server;
  request: LoadRequest;
  /**
   * Another server this target's requests keep busy on the same CPU (the backend, where the machine
   * has too few CPUs to give it its own): counted in "cores busy", not in the target's CPU.
   */
  sharing?: Server;
}

export interface RoundResult extends LoadResult {
  /** CPU time (µs, user + system, the server's whole process tree) per request. */
  cpu: number;
  /** Cores kept busy by the server (and what shares its CPU for this target) during the run. */
  busy: number;
}

export interface Measured {
  name: string;
  rounds: RoundResult[];
  /** Medians over the rounds. */
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  /**
   * Cores the server (with the backend, where it shares the CPU) kept busy: about 1 on a pinned,
   * saturated server; well under 1 says something else (the load generator, other work on the
   * machine) set the pace.
   */
  busy: number;
}

export interface RoundOptions {
  rounds: number;
  seconds: number;
  connections: number;
}

/** Throws, with the target's name and one answer as it comes back, unless every answer was 2xx. */
async function requireAll2xx(t: Target, r: LoadResult, phase: string): Promise<void> {
  if (r.non2xx === 0 && r.socketErrors === 0 && r.requests > 0) return;
  let sample = "";
  try {
    const a = await fetchAnswer(t.request);
    sample = `; one answer now: ${a.status} ${a.body.slice(0, 200)}`;
  } catch (e) {
    sample = `; a request now fails: ${(e as Error).message}`;
  }
  const what = r.everyStatus ? "outside 2xx" : "of status ≥ 400";
  throw new Error(
    `${t.name} (${phase}): ${r.non2xx} answers ${what} and ${r.socketErrors} socket errors in ` +
      `${r.requests} requests — every answer must be 2xx (a throttle left on? the server failing?)${sample}`,
  );
}

async function measure(
  t: Target,
  load: LoadGenerator,
  connections: number,
  seconds: number,
  everyStatus: boolean,
) {
  const before = treeCpuMicros(t.server.pid);
  const sharedBefore = t.sharing === undefined ? 0 : treeCpuMicros(t.sharing.pid);
  const r = await load.measure(t.request, connections, seconds, everyStatus);
  const used = treeCpuMicros(t.server.pid) - before;
  const shared = t.sharing === undefined ? 0 : treeCpuMicros(t.sharing.pid) - sharedBefore;
  return { ...r, cpu: used / r.requests, busy: (used + shared) / (r.seconds * 1e6) };
}

/**
 * Warms every target for a second, then loads them round by round, interleaved, so whatever else
 * the machine does hits all alike. The warm-up must answer 2xx only, every round must have no answer
 * ≥ 400 and no socket error (what wrk counts without slowing down: bench/wrk.ts), or the run stops.
 */
export async function runRounds(
  targets: readonly Target[],
  load: LoadGenerator,
  { rounds, seconds, connections }: RoundOptions,
): Promise<Map<string, Measured>> {
  for (const t of targets) {
    const warm = await measure(t, load, connections, 1, true);
    await requireAll2xx(t, warm, "warm-up");
  }
  const results = new Map(targets.map((t) => [t.name, [] as RoundResult[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const r = await measure(t, load, connections, seconds, false);
      await requireAll2xx(t, r, `round ${round}`);
      results.get(t.name)!.push(r);
      process.stderr.write(
        `round ${round} ${t.name}: ${Math.round(r.rps)} req/s p50 ${r.p50.toFixed(2)} ms ` +
          `p99 ${r.p99.toFixed(2)} ms CPU ${r.cpu.toFixed(1)} µs/req\n`,
      );
    }
  }
  const out = new Map<string, Measured>();
  for (const [name, rs] of results)
    out.set(name, {
      name,
      rounds: rs,
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpu: median(rs.map((r) => r.cpu)),
      busy: median(rs.map((r) => r.busy)),
    });
  return out;
}

/**
 * The median of the rounds' own throughput ratios (a round's targets ran back to back, in the same
 * weather), and the ratio of median CPU per request (denominator's over numerator's: > 1 is cheaper).
 */
export function ratio(a: Measured, b: Measured): { rps: number; cpu: number } {
  const perRound = a.rounds.map((r, i) => r.rps / b.rounds[i]!.rps);
  return { rps: median(perRound), cpu: b.cpu / a.cpu };
}
