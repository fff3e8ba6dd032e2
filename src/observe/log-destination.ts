import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { type DestinationStream, pino } from "pino";

/**
 * Where log lines go: stdout, stderr, or a file (appended to), written by sonic-boom (pino's
 * destination) asynchronously from a memory buffer, so a slow disk never blocks a request: lines are
 * batched (written once 4 KiB are waiting, or every second), and past 16 MiB waiting new lines are
 * dropped and counted rather than held. `close()` writes out what is buffered.
 */

/** `stdout`, `stderr`, `off`, or a file path (absolute once the config is loaded). */
export type LogTarget = string;

export interface LogSink {
  readonly target: LogTarget;
  /** What pino and the access logs write to. */
  readonly stream: DestinationStream;
  write(text: string): void;
  /** Lines dropped because the destination could not keep up. */
  readonly dropped: number;
  /** Writes out everything buffered; files are closed, stdout and stderr are left open. */
  close(): Promise<void>;
}

/** A destination that cannot be opened: a clear error at start, never a crash later. */
export class LogDestinationError extends Error {
  readonly code = "LOG_DESTINATION";
}

const MIN_WRITE_BYTES = 4096;
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const FLUSH_EVERY_MS = 1000;

function fdOf(target: LogTarget, what: string): number {
  if (target === "stdout") return 1;
  if (target === "stderr") return 2;
  try {
    mkdirSync(dirname(target), { recursive: true });
    return openSync(target, "a");
  } catch (err) {
    throw new LogDestinationError(`${what}: cannot open ${target}: ${(err as Error).message}`);
  }
}

/** Opens a destination now (a file that cannot be opened is refused here, at start). */
export function openLogSink(target: LogTarget, what: string): LogSink {
  const fd = fdOf(target, what);
  const stream = pino.destination({
    dest: fd,
    sync: false,
    minLength: MIN_WRITE_BYTES,
    maxLength: MAX_BUFFERED_BYTES,
    periodicFlush: FLUSH_EVERY_MS,
  });
  let dropped = 0;
  let failed: Error | undefined;
  stream.on("drop", () => {
    dropped++;
  });
  // A write that fails later (disk full, the file removed) loses lines, never the process.
  stream.on("error", (err: Error) => {
    failed = err;
  });
  let closing: Promise<void> | undefined;
  return {
    target,
    stream,
    write(text) {
      if (failed === undefined && closing === undefined) stream.write(text);
    },
    get dropped() {
      return dropped;
    },
    close() {
      closing ??= new Promise<void>((done) => {
        if (failed !== undefined) {
          done();
          return;
        }
        stream.once("close", () => done());
        stream.once("error", () => done());
        stream.end();
      });
      return closing;
    },
  };
}

/** One sink per target, shared by every name that maps to it; `off` has none. */
export class LogSinks {
  private readonly sinks = new Map<LogTarget, LogSink>();

  open(target: LogTarget, what: string): LogSink | undefined {
    if (target === "off") return undefined;
    let sink = this.sinks.get(target);
    if (sink === undefined) {
      sink = openLogSink(target, what);
      this.sinks.set(target, sink);
    }
    return sink;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sinks.values()].map((s) => s.close()));
    this.sinks.clear();
  }
}
