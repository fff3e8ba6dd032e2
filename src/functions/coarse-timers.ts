/**
 * Deadlines that almost never fire (an invocation's timeout) at a price paid per request: one Node
 * timer per 10 ms tick, shared by every deadline due in it, and a Set entry per deadline. Arming and
 * cancelling a Node timer per invocation cost more than the rest of dispatching it. A callback runs
 * at or after its delay, never before: at most one tick late.
 */
const TICK_MS = 10;

export interface Deadline {
  readonly tick: number;
  readonly fire: () => void;
}

const due = new Map<number, Set<Deadline>>();

function expire(tick: number): void {
  const deadlines = due.get(tick);
  due.delete(tick);
  if (deadlines !== undefined) for (const d of deadlines) d.fire();
}

/** Calls `fire` once, `delayMs` (or up to one tick more) from now, unless cancelled first. */
export function deadline(delayMs: number, fire: () => void): Deadline {
  const now = Date.now();
  const tick = Math.ceil((now + delayMs) / TICK_MS);
  const d: Deadline = { tick, fire };
  let set = due.get(tick);
  if (set === undefined) {
    set = new Set();
    due.set(tick, set);
    setTimeout(expire, tick * TICK_MS - now, tick).unref();
  }
  set.add(d);
  return d;
}

export function cancel(d: Deadline | undefined): void {
  if (d !== undefined) due.get(d.tick)?.delete(d);
}

/** Waits for a promise, giving up (with "timeout") after `timeoutMs`; the work may still be running. */
export function within<T>(invocation: Promise<T>, timeoutMs: number): Promise<T | "timeout"> {
  return new Promise((resolve, reject) => {
    const timer = deadline(timeoutMs, () => resolve("timeout"));
    invocation.then(
      (result) => {
        cancel(timer);
        resolve(result);
      },
      (err: unknown) => {
        cancel(timer);
        reject(err);
      },
    );
  });
}
