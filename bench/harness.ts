import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

/** Child processes of a benchmark run, stopped together at the end. */
export const children: ChildProcess[] = [];

/** The process serving each port a child announced. */
const pidByPort = new Map<number, number>();

/**
 * CPU time (user + system, µs) used so far by the process serving `port`, from /proc; undefined
 * where there is no /proc. Per request, it says what a server costs even when the load generator
 * shares its cores and throughput moves with the machine.
 */
export function cpuMicros(port: number): number | undefined {
  const pid = pidByPort.get(port);
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Resident memory (bytes) of the process serving `port`, from /proc; undefined where there is none. */
export function rssBytes(port: number): number | undefined {
  const pid = pidByPort.get(port);
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Starts `node …args` and resolves with the port its first stdout line matching `pattern` names. */
export function startChild(args: string[], pattern: RegExp): Promise<number> {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PORTICO_LOG_LEVEL: "warn" },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        pidByPort.set(Number(m[1]), child.pid!);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
  });
}

export function stopChildren(): void {
  for (const c of children) c.kill("SIGTERM");
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The PORTICO start command line for a config file, on free loopback ports. */
export const porticoArgs = (root: string, config: string): string[] => [
  `${root}/src/cli/main.ts`,
  "start",
  "--config",
  config,
  "--port",
  "0",
  "--admin-port",
  "0",
  "--host",
  "127.0.0.1",
  // As before durable state became the default: the benchmarks measure requests, not the store.
  "--in-memory",
];

export interface BenchOptions {
  rounds: number;
  seconds: number;
  connections: number;
  /**
   * `--rate N`: requests per second in all, held steady (autocannon's overallRate) instead of as many
   * as the target answers. Below saturation every target does the same work per second, so CPU per
   * request compares code paths rather than how well each batches under overload.
   */
  rate?: number;
}

/** `--rounds N --seconds N --connections N [--rate N]`, the options every benchmark takes. */
export function benchOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      rate: { type: "string" },
    },
  });
  return {
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    ...(values.rate === undefined ? {} : { rate: Number(values.rate) }),
  };
}

/** One target's figures: per run, or (from `runInterleaved`) medians over rounds and total errors. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time (µs) the answering process used per request: unmoved by what the load generator takes. */
  cpu: number;
}

export interface BenchTarget {
  name: string;
  /** The port of the server answering, whose CPU time is read around each run. */
  port: number;
  /** What autocannon sends (url, method, headers, body); duration and connections are the run's. */
  request: autocannon.Options;
}

async function run(t: BenchTarget, connections: number, seconds: number, rate?: number): Promise<Sample> {
  const cpuBefore = cpuMicros(t.port) ?? 0;
  const r = await autocannon({
    ...t.request,
    connections,
    duration: seconds,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    cpu: ((cpuMicros(t.port) ?? Number.NaN) - cpuBefore) / r.requests.total,
  };
}

/**
 * Warms every target for a second (failing on any non-2xx answer), then loads them round by round,
 * interleaved, so machine noise hits all alike. Returns each target's medians (errors summed).
 */
export async function runInterleaved(
  targets: readonly BenchTarget[],
  { rounds, seconds, connections, rate }: BenchOptions,
): Promise<Map<string, Sample>> {
  for (const t of targets) {
    const warm = await autocannon({ ...t.request, connections, duration: 1 });
    if (warm.non2xx > 0)
      throw new Error(
        `${t.name}: ${warm.non2xx} non-2xx answers while warming up: ${JSON.stringify(warm.statusCodeStats)}`,
      );
  }
  const samples = new Map(targets.map((t) => [t.name, [] as Sample[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const s = await run(t, connections, seconds, rate);
      samples.get(t.name)!.push(s);
      process.stderr.write(
        `round ${round} ${t.name}: ${Math.round(s.rps)} req/s p50 ${s.p50} ms p99 ${s.p99} ms CPU ${s.cpu.toFixed(1)} µs/req\n`,
      );
    }
  }
  const summary = new Map<string, Sample>();
  for (const [name, xs] of samples) {
    summary.set(name, {
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      errors: xs.reduce((a, x) => a + x.errors, 0),
      cpu: median(xs.map((x) => x.cpu)),
    });
  }
  return summary;
}

/**
 * The HTTP_PROXY API the proxy benchmarks serve: `GET /pets/{id}` relayed to `backend`. REGIONAL:
 * like the bare proxy, no CloudFront headers are added (an EDGE API adds seven).
 */
export const proxyApiDocument = (backend: string): string => `openapi: "3.0.1"
info: { title: Bench, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/pets/{id}"
        requestParameters: { integration.request.path.id: method.request.path.id }
`;
