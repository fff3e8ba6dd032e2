import type { Worker } from "node:worker_threads";

/**
 * A function's memorySize bounds all the memory its execution environment holds, as Lambda's does:
 * V8's heap limit (the worker's resourceLimits) covers only the JS heap, while Buffers and
 * ArrayBuffers live outside it. So each environment's heap in use plus its external memory (what its
 * ArrayBuffers hold, by allocated size) is sampled from the gateway thread: a sample is a V8
 * interrupt, answered even while the function runs a synchronous loop, and an environment found over
 * its limit is ended (Runtime.OutOfMemory). Running environments are sampled every BUSY_SAMPLE_MS,
 * idle ones (whose timers may still allocate) every IDLE_SAMPLE_MS, and none while a pool has none:
 * an idle gateway is not woken.
 *
 * (A child process under an OS limit was considered: Debian has prlimit, but RLIMIT_AS cannot express
 * a 128 MB bound for Node, which reserves over a gigabyte of address space to start; RLIMIT_RSS is
 * not enforced by Linux; cgroups need privileges. And every invocation would cross a pipe.)
 */
const BUSY_SAMPLE_MS = 20;
const IDLE_SAMPLE_MS = 100;

export interface WatchedEnvironment {
  readonly worker: Worker;
  /** Loading its handler or running an invocation: sampled often. */
  busy(): boolean;
  /** Called when a sample finds it over the limit. */
  exceeded(): void;
}

export class MemoryWatch {
  private readonly limitBytes: number;
  private readonly environments = new Set<WatchedEnvironment>();
  /** Environments with a sample under way (one at a time each). */
  private readonly sampling = new Set<WatchedEnvironment>();
  private timer: NodeJS.Timeout | undefined;
  /** The delay the timer was set with. */
  private period = 0;
  private nextIdleSample = 0;

  constructor(limitMb: number) {
    this.limitBytes = limitMb * 1024 * 1024;
  }

  add(env: WatchedEnvironment): void {
    this.environments.add(env);
    this.running();
  }

  delete(env: WatchedEnvironment): void {
    this.environments.delete(env);
    this.sampling.delete(env);
    if (this.environments.size === 0) this.stop();
  }

  /** An environment has started running code: sample at the busy pace from now on. */
  running(): void {
    if (this.period !== BUSY_SAMPLE_MS) this.schedule(BUSY_SAMPLE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.period = 0;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.period = ms;
    this.timer = setTimeout(this.tick, ms);
    this.timer.unref();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.period = 0;
    const now = performance.now();
    const idleDue = now >= this.nextIdleSample;
    if (idleDue) this.nextIdleSample = now + IDLE_SAMPLE_MS;
    let busy = false;
    for (const env of this.environments) {
      const running = env.busy();
      busy ||= running;
      if (running || idleDue) this.sample(env);
    }
    if (this.environments.size > 0) this.schedule(busy ? BUSY_SAMPLE_MS : IDLE_SAMPLE_MS);
  };

  private sample(env: WatchedEnvironment): void {
    if (this.sampling.has(env)) return;
    this.sampling.add(env);
    env.worker.getHeapStatistics().then(
      (stats) => {
        if (!this.sampling.delete(env)) return;
        if (stats.used_heap_size + stats.external_memory > this.limitBytes) env.exceeded();
      },
      // Not running yet, or gone: there is nothing to bound.
      () => this.sampling.delete(env),
    );
  }
}
