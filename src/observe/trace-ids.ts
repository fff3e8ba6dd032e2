import type { IdGenerator } from "@opentelemetry/sdk-trace";
import { take } from "../http/request-ids.ts";

/**
 * Trace and span ids for the gateway's spans. A new trace id starts with the epoch second in 8 hex
 * digits, as X-Ray's do (`1-{8 hex epoch}-{24 hex}`), so its `X-Amzn-Trace-Id` form is one X-Ray
 * accepts. A request that continues an X-Ray trace naming no parent (`Root=…` alone) has that
 * trace's id adopted for its root span: OpenTelemetry starts a root span only with an id it draws,
 * so the next draw is made to return it (spans start synchronously; nothing draws in between).
 */
export class TraceIds implements IdGenerator {
  private adopted: string | undefined;

  /** The next trace id drawn is `traceId` (32 hex digits). */
  adopt(traceId: string): void {
    this.adopted = traceId;
  }

  generateTraceId(): string {
    const adopted = this.adopted;
    if (adopted !== undefined) {
      this.adopted = undefined;
      return adopted;
    }
    const second = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, "0");
    return second + take(12).toString("hex");
  }

  generateSpanId(): string {
    let id = take(8).toString("hex");
    // An all-zero id is invalid (W3C); one in 2^64 draws.
    while (id === "0000000000000000") id = take(8).toString("hex");
    return id;
  }
}
