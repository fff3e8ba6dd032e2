import { type ChildProcess, spawn } from "node:child_process";
import { parseArgs } from "node:util";

/** Child processes of a benchmark run, stopped together at the end. */
export const children: ChildProcess[] = [];

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
      if (m) resolve(Number(m[1]));
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
