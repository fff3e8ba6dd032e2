import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { type DestinationStream, pino } from "pino";

/**
 * Where log lines go: stdout, stderr, or a file (appended to), written asynchronously so a slow disk
 * never blocks a request. Each line is copied at once into a 64 KiB batch buffer (so its string dies
 * young, instead of being held across garbage collections), and full batches — or, every second, what
 * there is — go to sonic-boom (pino's destination) as Buffers, written by the thread pool. Past 16 MiB
 * waiting (a disk that stopped), new lines are dropped and counted rather than held. `close()` writes
 * out what is buffered.
 */

/** `stdout`, `stderr`, `off`, or a file path (absolute once the config is loaded). */
export type LogTarget = string;

export interface LogSink {
  readonly target: LogTarget;
  /** What pino writes to: every line goes through the batch. */
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

const BATCH_BYTES = 64 * 1024;
const MAX_WRITE_BYTES = 1024 * 1024;
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
  const out = pino.destination({
    dest: fd,
    sync: false,
    minLength: 0,
    maxWrite: MAX_WRITE_BYTES,
    maxLength: MAX_BUFFERED_BYTES,
    contentMode: "buffer",
  });
  let dropped = 0;
  let failed: Error | undefined;
  out.on("drop", () => {
    dropped++;
  });
  // A write that fails later (disk full, the file removed) loses lines, never the process.
  out.on("error", (err: Error) => {
    failed = err;
  });
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  const flush = () => {
    if (used === 0 || failed !== undefined) return;
    out.write(batch.subarray(0, used) as unknown as string);
    batch = Buffer.allocUnsafe(BATCH_BYTES);
    used = 0;
  };
  const timer = setInterval(flush, FLUSH_EVERY_MS);
  timer.unref();
  let closing: Promise<void> | undefined;
  const write = (text: string) => {
    if (failed !== undefined || closing !== undefined) return;
    // Worst case three bytes per UTF-16 unit; a line longer than a batch goes on its own.
    if (text.length * 3 > BATCH_BYTES - used) {
      flush();
      if (text.length * 3 > BATCH_BYTES) {
        out.write(Buffer.from(text, "utf8") as unknown as string);
        return;
      }
    }
    used += batch.write(text, used, "utf8");
  };
  return {
    target,
    stream: { write },
    write,
    get dropped() {
      return dropped;
    },
    close() {
      closing ??= new Promise<void>((done) => {
        clearInterval(timer);
        flush();
        if (failed !== undefined) {
          done();
          return;
        }
        out.once("close", () => done());
        out.once("error", () => done());
        out.end();
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
