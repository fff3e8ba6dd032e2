import { parentPort } from "node:worker_threads";
import { type ImportJob, runImportJob } from "./import-job.ts";

/**
 * The import worker: parses and imports OpenAPI documents off the gateway's thread, one at a time.
 * A defect that throws is answered too (as `crashed`), so the worker stays up for the next job.
 */
parentPort?.on("message", (job: ImportJob) => {
  try {
    parentPort?.postMessage(runImportJob(job));
  } catch (err) {
    parentPort?.postMessage({ crashed: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
