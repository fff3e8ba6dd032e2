import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

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
];

/** `--rounds N --seconds N --connections N`, the options every benchmark takes. */
export function benchOptions(): { rounds: number; seconds: number; connections: number } {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
    },
  });
  return {
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    connections: Number(values.connections),
  };
}
