import type { IncomingMessage } from "node:http";

/**
 * The bytes of admin request bodies the server holds at once, across all requests. A body is only read
 * once its request passed the signature's header checks, and only while the budget has room, so a
 * burst of large uploads costs at most the budget in memory rather than 10 MB each.
 */
export class BodyBudget {
  readonly totalBytes: number;
  private inFlight = 0;

  constructor(totalBytes: number) {
    this.totalBytes = totalBytes;
  }

  /** Takes `bytes` from the budget; false, taking nothing, when that would pass the total. */
  claim(bytes: number): boolean {
    if (this.inFlight + bytes > this.totalBytes) return false;
    this.inFlight += bytes;
    return true;
  }

  release(bytes: number): void {
    this.inFlight -= bytes;
  }

  /** Bytes currently claimed (for tests and metrics). */
  get claimed(): number {
    return this.inFlight;
  }
}

/** One request's share of the budget, grown as its body arrives and released once it is answered. */
export class BodyReservation {
  private readonly budget: BodyBudget;
  private held = 0;

  constructor(budget: BodyBudget) {
    this.budget = budget;
  }

  /** Makes the reservation cover `bytes` in all; false when the budget has no room for the rest. */
  cover(bytes: number): boolean {
    if (bytes <= this.held) return true;
    if (!this.budget.claim(bytes - this.held)) return false;
    this.held = bytes;
    return true;
  }

  release(): void {
    this.budget.release(this.held);
    this.held = 0;
  }
}

export type BodyOutcome =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: "too-large" | "busy" | "aborted" };

/**
 * Reads a request body within `maxBytes` and the reservation. On a refusal the rest of the body is
 * discarded unread (the stream is resumed, not destroyed, so the refusal can still be answered).
 */
export function readBody(
  req: IncomingMessage,
  reservation: BodyReservation,
  maxBytes: number,
): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAborted);
      req.off("close", onAborted);
      if (!outcome.ok) {
        chunks.length = 0;
        req.on("error", () => undefined);
        req.resume();
      }
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle({ ok: false, reason: "too-large" });
      else if (!reservation.cover(size)) settle({ ok: false, reason: "busy" });
      else chunks.push(chunk);
    };
    const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks, size) });
    const onAborted = () => settle({ ok: false, reason: "aborted" });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAborted);
    req.on("close", onAborted);
  });
}
