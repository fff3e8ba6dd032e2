import type { Slot } from "./pool-slot.ts";

/**
 * Handing a worker invocations ahead of time saves a cross-thread wake-up (a system call, costly in
 * a VM) per invocation; but one queued behind others waits even if another worker is or becomes
 * free. So it follows the worker's recent pace:
 * - while every worker is busy, one may hold as many beyond the running one as it runs in
 *   PREFETCH_BUDGET_MS, within [1, MAX_PREFETCH] (8 before its pace is known);
 * - a worker that is being sent invocations this turn anyway takes another one rather than an idle
 *   worker being woken for it, if all ahead of it will be done within PREFETCH_BUDGET_MS;
 * - a busy worker takes one rather than an idle worker being woken for it if all ahead of it will be
 *   done within PREFER_BUSY_MS, about what waking a thread costs: so a fast function's load gathers
 *   on one or two workers in long batches, and a slower one's is not queued while a worker idles.
 */
const PREFETCH_BUDGET_MS = 2;
const PREFER_BUSY_MS = 0.2;
const MAX_PREFETCH = 64;
const UNPACED_PREFETCH = 8;

function prefetchBound(paceMs: number | undefined): number {
  if (paceMs === undefined) return UNPACED_PREFETCH;
  return Math.max(1, Math.min(MAX_PREFETCH, Math.floor(PREFETCH_BUDGET_MS / paceMs)));
}

/** Whether a new invocation behind this worker's queue would start within the budget. */
const startsWithin = (slot: Slot, budgetMs: number): boolean =>
  slot.paceMs !== undefined && slot.queue.length * slot.paceMs <= budgetMs;

/**
 * The worker to hand the next invocation to: one already being sent invocations this turn (it will
 * be woken anyway) while it has room within its bound, else a busy one that will start it almost at
 * once, else an idle one, else a new one (`spawn`, which answers undefined when the pool is full),
 * else the least loaded within its bound. Workers of an older generation or that failed their init
 * take nothing more. Undefined: the invocation waits.
 */
export function chooseWorker(
  slots: Iterable<Slot>,
  generation: number,
  spawn: () => Slot | undefined,
): Slot | undefined {
  let best: Slot | undefined;
  let soon: Slot | undefined;
  let idle: Slot | undefined;
  for (const slot of slots) {
    if (slot.generation !== generation || slot.initError !== undefined) continue;
    if (slot.outbox.length > 0 && slot.queue.length <= MAX_PREFETCH && startsWithin(slot, PREFETCH_BUDGET_MS))
      return slot;
    if (slot.queue.length === 0) idle ??= slot;
    else {
      if (
        slot.queue.length <= MAX_PREFETCH &&
        startsWithin(slot, PREFER_BUSY_MS) &&
        (soon === undefined || slot.queue.length < soon.queue.length)
      )
        soon = slot;
      if (best === undefined || slot.queue.length < best.queue.length) best = slot;
    }
  }
  if (soon !== undefined) return soon;
  if (idle !== undefined) return idle;
  const spawned = spawn();
  if (spawned !== undefined) return spawned;
  return best !== undefined && best.queue.length <= prefetchBound(best.paceMs) ? best : undefined;
}
