import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
/** The launcher users run: it re-runs itself on the Node 24 of node_modules when started on an older one. */
export const BIN = join(ROOT, "bin", "portico.js");
const CLI = join(ROOT, "src", "cli", "main.ts");

export interface RunningPortico {
  child: ChildProcess;
  port: number;
  adminPort: number;
  adminUrl: string;
  /** The HTTPS listener's port, when the banner names one. */
  tlsPort?: number;
  /** What it printed on stdout so far (the state line, the ready line). */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

const STATE_FLAGS = ["--data-dir", "--in-memory", "--redis", "--config"];
const STATE_VARIABLES = ["PORTICO_DATA_DIR", "PORTICO_IN_MEMORY", "PORTICO_REDIS", "PORTICO_CONFIG"];

/**
 * `--in-memory` unless the arguments or variables say where the state goes (a config file's own
 * default, `.portico/` beside it, is in the test's temporary folder) or the test chose the working
 * directory (the default `.portico/` lands there): a test never leaves a `.portico/` in the repository.
 */
function stateArgs(args: string[], env: NodeJS.ProcessEnv, cwd: string | undefined): string[] {
  const named =
    cwd !== undefined ||
    args.some((a) => STATE_FLAGS.includes(a.split("=")[0]!)) ||
    STATE_VARIABLES.some((v) => env[v] !== undefined);
  return named ? [] : ["--in-memory"];
}

export interface SpawnOptions {
  /** The working directory (default: this process's). */
  cwd?: string;
  /** The command that runs the CLI, with its arguments (default: this Node running src/cli/main.ts). */
  launcher?: [node: string, ...args: string[]];
  /** In a process group of its own, so that a test can signal the group as a terminal would. */
  detached?: boolean;
}

/** Starts `portico start …` as a real process on ephemeral ports and waits until it listens. */
export async function spawnPortico(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: SpawnOptions = {},
): Promise<RunningPortico> {
  const [node, ...launch] = options.launcher ?? [process.execPath, CLI];
  const child = spawn(
    node,
    [
      ...launch,
      "start",
      "--port",
      "0",
      "--admin-port",
      "0",
      "--host",
      "127.0.0.1",
      ...stateArgs(args, { ...process.env, ...env }, options.cwd),
      ...args,
    ],
    {
      env: { ...process.env, PORTICO_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      cwd: options.cwd,
      detached: options.detached,
    },
  );
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const ports = await new Promise<[number, number]>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /data plane https?:\/\/[^:]+:(\d+), admin http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve([Number(m[1]), Number(m[2])]);
    });
    exited.then((code) => reject(new Error(`portico exited (${code}) before listening:\n${err}`)));
  });
  const tls = /data plane (?:\(HTTPS\) )?https:\/\/[^:]+:(\d+)/.exec(out);
  return {
    child,
    port: ports[0],
    adminPort: ports[1],
    adminUrl: `http://127.0.0.1:${ports[1]}`,
    ...(tls === null ? {} : { tlsPort: Number(tls[1]) }),
    stdout: () => out,
    stderr: () => err,
    exited,
  };
}

/** Runs a client command (`portico import …`) to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { cwd?: string } = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
