import { Worker } from "node:worker_threads";
import type { ImportJob, ImportJobResult } from "./import-job.ts";

const MAIN = new URL("./import-worker-main.ts", import.meta.url);
/** A 6 MB YAML document needs about 200 MB while parsed; beyond this the worker, not the gateway, fails. */
const MEMORY_MB = 1024;
/** Parsing is linear (a 6 MB document takes seconds): this only stops a job the parser cannot finish. */
const BUDGET_MS = 60_000;

interface Pending {
  job: ImportJob;
  resolve: (result: ImportJobResult) => void;
  reject: (err: Error) => void;
}

const queue: Pending[] = [];
let worker: Worker | undefined;
let current: { pending: Pending; timer: NodeJS.Timeout; on: Worker } | undefined;

const refused = (message: string): ImportJobResult => ({
  ok: false,
  errorType: "BadRequestException",
  message: `Invalid OpenAPI input: ${message}`,
});

/** Settles the job in hand, if `on` is the worker running it, and starts the next one. */
function finish(on: Worker, settle: (p: Pending) => void): void {
  const job = current;
  if (job === undefined || job.on !== on) return;
  current = undefined;
  clearTimeout(job.timer);
  settle(job.pending);
  if (queue.length === 0) worker?.unref();
  pump();
}

function spawn(): Worker {
  const w = new Worker(MAIN, { resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB } });
  w.unref();
  w.on("message", (message: ImportJobResult | { crashed: string }) => {
    if ("crashed" in message)
      finish(w, (p) => p.reject(new Error(`OpenAPI import failed: ${message.crashed}`)));
    else finish(w, (p) => p.resolve(message));
  });
  w.on("error", (err) => {
    if (worker === w) worker = undefined;
    const oom = (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
    finish(w, (p) =>
      oom
        ? p.resolve(refused("the document needs more memory than an import may use"))
        : p.reject(new Error(`OpenAPI import failed: ${err.message}`)),
    );
  });
  w.on("exit", () => {
    if (worker === w) worker = undefined;
    finish(w, (p) => p.reject(new Error("OpenAPI import failed: the import worker stopped")));
  });
  return w;
}

function pump(): void {
  if (current !== undefined) return;
  const pending = queue.shift();
  if (pending === undefined) return;
  worker ??= spawn();
  const w = worker;
  const timer = setTimeout(() => {
    if (worker === w) worker = undefined;
    finish(w, (p) => p.resolve(refused(`the document could not be read within ${BUDGET_MS / 1000} seconds`)));
    void w.terminate();
  }, BUDGET_MS);
  current = { pending, timer, on: w };
  // Held only while a job runs: an idle worker never keeps the process alive.
  w.ref();
  w.postMessage(pending.job);
}

/**
 * Runs an import on the import worker thread, so parsing a large document never holds up the
 * gateway's event loop (data-plane requests keep being answered). Jobs run one at a time, in order.
 */
export function importOffThread(job: ImportJob): Promise<ImportJobResult> {
  return new Promise((resolve, reject) => {
    queue.push({ job, resolve, reject });
    pump();
  });
}
