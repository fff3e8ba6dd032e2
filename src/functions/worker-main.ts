/**
 * The Lambda runtime inside a worker thread: loads the handler once (a warm container), then runs
 * invocations one at a time with AWS's `context`, for async and callback-style handlers alike.
 * Console output goes to the gateway's log, tagged with the request id.
 */
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type {
  FunctionIdentity,
  InvocationResult,
  InvokeItem,
  InvokeMessage,
  WorkerMessage,
} from "./invocation.ts";

const port = parentPort!;
const { file, exportName, identity, timeoutMs, results } = workerData as {
  file: string;
  exportName: string;
  identity: FunctionIdentity;
  timeoutMs: number;
  /** Where everything for the gateway goes: the gateway drains this port in one go. */
  results: MessagePort;
};
const post = (message: WorkerMessage) => results.postMessage(message);
let currentRequest: string | undefined;

for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) =>
    post({ type: "log", requestId: currentRequest, level, text: format(...args) });
}

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (err: unknown, result?: unknown) => void,
) => unknown;

function errorResult(err: unknown): InvocationResult {
  if (err instanceof Error) {
    return {
      ok: false,
      errorType: err.name || "Error",
      errorMessage: err.message,
      trace: err.stack?.split("\n"),
    };
  }
  return { ok: false, errorType: "Error", errorMessage: typeof err === "string" ? err : JSON.stringify(err) };
}

function invoke(handler: Handler, message: InvokeItem): Promise<InvocationResult> {
  const deadlineMs = Date.now() + timeoutMs;
  const context = {
    ...identity,
    awsRequestId: message.requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: undefined as unknown,
    succeed: undefined as unknown,
    fail: undefined as unknown,
  };
  return new Promise<InvocationResult>((resolve) => {
    let settled = false;
    const settle = (r: InvocationResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const callback = (err: unknown, result?: unknown) =>
      settle(err ? errorResult(err) : { ok: true, result });
    context.done = callback;
    context.succeed = (result: unknown) => callback(null, result);
    context.fail = (err: unknown) => callback(err);
    try {
      const returned = handler(JSON.parse(message.event), context, callback);
      if (
        returned !== null &&
        typeof returned === "object" &&
        typeof (returned as Promise<unknown>).then === "function"
      ) {
        (returned as Promise<unknown>).then(
          (result) => settle({ ok: true, result }),
          (err: unknown) => settle(errorResult(err)),
        );
      } else if (handler.length < 3) {
        settle({ ok: true, result: returned });
      }
    } catch (err) {
      settle(errorResult(err));
    }
  });
}

/** Lambda returns JSON: a result travels as JSON text, cheaper than a structured clone. */
function resultMessage(requestId: string, result: InvocationResult): WorkerMessage {
  if (!result.ok) return { type: "result", requestId, failure: result };
  try {
    return { type: "result", requestId, json: JSON.stringify(result.result ?? null) };
  } catch {
    // A result that cannot be serialised is the handler's error, as on Lambda.
    return {
      type: "result",
      requestId,
      failure: { ok: false, errorType: "Runtime.MarshalError", errorMessage: "Unable to marshal response" },
    };
  }
}

try {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown> & {
    default?: Record<string, unknown>;
  };
  const handler = (mod[exportName] ?? mod.default?.[exportName]) as Handler | undefined;
  if (typeof handler !== "function") {
    post({
      type: "init-error",
      errorType: "Runtime.HandlerNotFound",
      errorMessage: `${file}.${exportName} is undefined or not exported`,
    });
  } else {
    // Invocations run strictly one at a time, in arrival order, as in one Lambda execution environment.
    const queue: InvokeItem[] = [];
    let draining = false;
    const drain = async () => {
      draining = true;
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        currentRequest = item.requestId;
        post(resultMessage(item.requestId, await invoke(handler, item)));
        currentRequest = undefined;
      }
      draining = false;
    };
    port.on("message", (message: InvokeMessage) => {
      queue.push(...message.items);
      if (!draining) void drain();
    });
    post({ type: "ready" });
  }
} catch (err) {
  const e = err as Error;
  post({ type: "init-error", errorType: "Runtime.ImportModuleError", errorMessage: `Error: ${e.message}` });
}
