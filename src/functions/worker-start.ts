import { type MessagePort, Worker } from "node:worker_threads";
import type { FunctionSpec } from "./function-spec.ts";

const WORKER = new URL("./worker-main.ts", import.meta.url);

/**
 * Starts a worker thread as a Lambda execution environment of `spec`: Lambda's environment
 * variables, its heap bounded by the function's memory size, its results sent on `results` (and,
 * with `reportModules`, the local modules it loads, for `--watch`).
 */
export function startWorker(spec: FunctionSpec, results: MessagePort, reportModules: boolean): Worker {
  return new Worker(WORKER, {
    workerData: {
      file: spec.file,
      exportName: spec.exportName,
      identity: spec.identity,
      timeoutMs: spec.timeoutMs,
      memoryMb: spec.memoryMb,
      results,
      reportModules,
    },
    transferList: [results],
    env: {
      ...spec.environment,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: spec.identity.logGroupName,
      AWS_REGION: spec.identity.invokedFunctionArn.split(":")[3] ?? "us-east-1",
    },
    resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
    stdout: true,
    stderr: true,
  });
}
