import type { Socket } from "node:net";
import { getHeapStatistics } from "node:v8";

/** Bounds past which the data plane sheds requests instead of queueing them. */
export interface OverloadLimits {
  /** Requests being served at once on this node; beyond it: 503. */
  maxInFlight: number;
  /** Requests one connection may have waiting (HTTP/1.1 pipelining); beyond it: 429. */
  maxPendingPerConnection: number;
  /** JS heap plus Buffers, in bytes; above it new requests are shed with 503 until it falls. */
  memoryWatermarkBytes: number;
}

/** The V8 heap limit leaves room for Buffers beside it; 90% of it is where shedding starts. */
export function defaultOverloadLimits(): OverloadLimits {
  return {
    maxInFlight: 10_000,
    maxPendingPerConnection: 32,
    memoryWatermarkBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.9),
  };
}

/** How often memory is sampled: reading it per request would cost more than the request. */
const SAMPLE_MS = 250;

export type Shed = "node-full" | "connection-full" | undefined;

/**
 * Admission for the data plane. A shed request is answered at once, so that under overload latency
 * and memory stay flat and a load balancer can send the retry to another node. Counting costs one
 * `close` listener per request; the memory check reads a flag set by a sampling timer.
 */
export class OverloadGuard {
  private readonly limits: OverloadLimits;
  private inFlight = 0;
  private readonly pending = new WeakMap<Socket, number>();
  private overWatermark = false;
  private readonly timer: NodeJS.Timeout;
  private readonly readMemory: () => number;

  constructor(limits: OverloadLimits, readMemory: () => number = heapAndBuffers) {
    this.limits = limits;
    this.readMemory = readMemory;
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get shedding(): boolean {
    return this.overWatermark;
  }

  /** Counts the request in, or says why it is shed; `done` must be called once it is answered. */
  admit(socket: Socket): Shed {
    if (this.overWatermark || this.inFlight >= this.limits.maxInFlight) return "node-full";
    const waiting = this.pending.get(socket) ?? 0;
    if (waiting >= this.limits.maxPendingPerConnection) return "connection-full";
    this.inFlight++;
    this.pending.set(socket, waiting + 1);
    return undefined;
  }

  done(socket: Socket): void {
    this.inFlight--;
    const waiting = this.pending.get(socket) ?? 1;
    if (waiting <= 1) this.pending.delete(socket);
    else this.pending.set(socket, waiting - 1);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.overWatermark = this.readMemory() > this.limits.memoryWatermarkBytes;
  }
}

function heapAndBuffers(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
