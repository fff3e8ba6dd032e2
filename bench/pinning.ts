import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { findCommand } from "./system-tools.ts";

/**
 * Which CPUs each side of a benchmark runs on (taskset lists), or none where the machine has one
 * CPU or no taskset. The load generator gets CPU 0 to itself; every server under test shares CPU 1,
 * so each target is measured on exactly one core (nginx with one worker, one Node process); with a
 * third CPU the backend the proxies call moves to it, so it never competes with the proxy measured.
 */
export interface Pinning {
  loadGenerator?: string;
  servers?: string;
  backend?: string;
  /** One line saying what was chosen and why, printed with the results. */
  note: string;
  /** The CPUs this process could use before it pinned itself (the machine's, in a plain run). */
  cpus?: number;
}

export function planPinning(cpus: number, hasTaskset: boolean): Pinning {
  if (!hasTaskset) return { note: `no pinning: taskset not found (${cpus} CPUs, shared by all)` };
  if (cpus < 2) return { note: "no pinning: one CPU, shared by the load generator and every server" };
  if (cpus === 2)
    return {
      loadGenerator: "0",
      servers: "1",
      backend: "1",
      note: "load generator on CPU 0; every server and the backend on CPU 1",
    };
  return {
    loadGenerator: "0",
    servers: "1",
    backend: "2",
    note: `load generator on CPU 0; every server under test on CPU 1; the backend on CPU 2 (${cpus} CPUs)`,
  };
}

/** The command prefix that runs a program on `cpus`, or nothing. */
export const pinned = (cpus: string | undefined): string[] =>
  cpus === undefined ? [] : ["taskset", "-c", cpus];

/** The machine's pinning plan, and this process (and its threads) moved onto the load generator's CPU. */
export function pinThisMachine(): Pinning {
  const cpus = availableParallelism();
  const plan = { ...planPinning(cpus, findCommand("taskset") !== undefined), cpus };
  if (plan.loadGenerator !== undefined)
    // The bench process reads /proc between runs and is the load generator when wrk is missing.
    execFileSync("taskset", ["-a", "-p", "-c", plan.loadGenerator, String(process.pid)], { stdio: "ignore" });
  return plan;
}
