import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { pinned } from "./pinning.ts";

/** A server a benchmark started: its process (whose tree's CPU time is read) and the port it serves. */
export interface Server {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
}

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  /** taskset CPU list, or undefined to run unpinned. */
  cpus?: string | undefined;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Ready when its output matches (group 1 is the port), or when this port accepts a connection. */
  ready: RegExp | number;
  /** Called with the ready pattern's match, for more than the port (an admin port, say). */
  onReady?: (match: RegExpExecArray) => void;
  timeoutMs?: number;
}

const started: Server[] = [];
// A bench that throws or is interrupted leaves no server behind.
process.once("exit", () => {
  for (const s of started) s.child.kill("SIGKILL");
});

/** Starts a server (under taskset when `cpus` is given: taskset execs, so the pid is the server's). */
export function startServer(spec: ServerSpec): Promise<Server> {
  const [command, ...prefix] = [...pinned(spec.cpus), spec.command];
  const child = spawn(command!, [...prefix, ...spec.args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...spec.env },
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    detached: false,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error: Error | undefined, port?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        child.kill("SIGKILL");
        reject(error);
      } else {
        // From now on the output is read and dropped (a server logging each request must not block).
        child.stdout!.off("data", onData).resume();
        child.stderr!.off("data", onData).resume();
        const server = { name: spec.name, pid: child.pid!, port: port!, child };
        started.push(server);
        resolve(server);
      }
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`${spec.name} not ready after ${spec.timeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`),
        ),
      spec.timeoutMs ?? 60_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      if (spec.ready instanceof RegExp) {
        const m = spec.ready.exec(output);
        if (m) {
          spec.onReady?.(m);
          finish(undefined, Number(m[1]));
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", (e) => finish(new Error(`${spec.name}: ${e.message}`)));
    child.on("exit", (code, signal) =>
      finish(
        new Error(`${spec.name} exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`),
      ),
    );
    if (typeof spec.ready === "number") {
      const port = spec.ready;
      const probe = () => {
        if (done) return;
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          finish(undefined, port);
        });
        socket.once("error", () => setTimeout(probe, 100));
      };
      probe();
    }
  });
}

/** Stops every server started, waiting for each to exit. */
export async function stopServers(): Promise<void> {
  await Promise.all(
    started.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          const kill = setTimeout(() => s.child.kill("SIGKILL"), 5_000);
          s.child.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          s.child.kill("SIGTERM");
        }),
    ),
  );
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime (fields 14, 15 of proc(5)) and the parent pid, or undefined for a process gone. */
function stat(pid: number): { ticks: number; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (µs, user + system, every thread) of `pid` and all its descendants, from /proc — a
 * server with workers (nginx's master and worker, serverless's children) counts whole. NaN where
 * there is no /proc.
 */
export function treeCpuMicros(pid: number): number {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return Number.NaN;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const p of pids) {
    const s = stat(p);
    if (s === undefined) continue;
    parent.set(p, s.ppid);
    ticks.set(p, s.ticks);
  }
  if (!ticks.has(pid)) return Number.NaN;
  let total = 0;
  for (const [p, t] of ticks) {
    let q: number | undefined = p;
    while (q !== undefined && q !== pid && q > 1) q = parent.get(q);
    if (q === pid) total += t;
  }
  return (total * 1e6) / clockTicks();
}

/** A loopback port free a moment ago, for servers told their port rather than announcing it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
