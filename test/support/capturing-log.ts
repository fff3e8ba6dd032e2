import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../../src/logger.ts";

/** A gateway log kept in memory, to read what the gateway said and wait for a line. */
export interface CapturedLog {
  log: Logger;
  lines: string[];
  /** Resolves once a line containing `text` has been written (at once if one has). */
  until(text: string): Promise<void>;
}

export function capturingLog(level = "info"): CapturedLog {
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      for (const wake of waiting) wake();
      done();
    },
  });
  return {
    log: pino({ level }, stream),
    lines,
    until: (text) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          if (!lines.some((l) => l.includes(text))) return;
          waiting.delete(wake);
          resolve();
        };
        waiting.add(wake);
        wake();
      }),
  };
}
