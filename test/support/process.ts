import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "src", "cli", "main.ts");

export interface RunningPortico {
  child: ChildProcess;
  port: number;
  adminPort: number;
  adminUrl: string;
  /** The HTTPS listener's port, when the banner names one. */
  tlsPort?: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** Starts `portico start …` as a real process on ephemeral ports and waits until it listens. */
export async function spawnPortico(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningPortico> {
  const child = spawn(
    process.execPath,
    [CLI, "start", "--port", "0", "--admin-port", "0", "--host", "127.0.0.1", ...args],
    {
      env: { ...process.env, PORTICO_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
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
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
