/**
 * The Lambda runtime inside a worker thread: loads the handler once (a warm container), then runs
 * invocations one at a time with AWS's `context`, for async and callback-style handlers alike.
 * Console output goes to the gateway's log, tagged with the request id.
 */
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { guardBufferAllocations } from "./allocation-guard.ts";
import {
  eventFromPayload,
  type FunctionIdentity,
  type InvocationResult,
  type InvokeMessage,
  MALFORMED_PROXY_RESPONSE,
  MARSHAL_ERROR,
  RESULT_FAILED,
  RESULT_OK,
  type WorkerMessage,
} from "./invocation.ts";
import { jsonCopy, NOT_PLAIN } from "./json-copy.ts";
import { type EventRoute, proxyEvent } from "./lambda-event.ts";
import { proxyResponse } from "./lambda-result.ts";
import { reportLoadedModules } from "./module-report.ts";
import {
  factsFromWire,
  ROUTE_RESET,
  ROUTE_SEPARATOR,
  responseToWire,
  type WireFacts,
  type WireResponse,
} from "./proxy-wire.ts";
import { RESPONSE_TOO_LARGE, resultTooLarge, textTooLarge } from "./response-limit.ts";

/** One invocation: the payload to make the event of, or an AWS_PROXY request's route and facts. */
type Item =
  | { requestId: string; route: undefined; payload: string }
  | { requestId: string; route: EventRoute; facts: WireFacts };

const port = parentPort!;
const { file, exportName, identity, timeoutMs, memoryMb, results, reportModules } = workerData as {
  file: string;
  exportName: string;
  identity: FunctionIdentity;
  timeoutMs: number;
  memoryMb: number;
  /** Where everything for the gateway goes: the gateway drains this port in one go. */
  results: MessagePort;
  /** `--watch`: tell the gateway which local modules the function loads. */
  reportModules: boolean;
};
const post = (message: WorkerMessage) => results.postMessage(message);
// Registered before the handler is imported, so its whole import graph is seen.
const flushModules = reportModules
  ? reportLoadedModules((files) => post({ type: "modules", files }))
  : () => undefined;
let currentRequest: string | undefined;

guardBufferAllocations(memoryMb * 1024 * 1024, () => {
  post({ type: "out-of-memory" });
  // Ends this thread where it stands: the function cannot catch it.
  process.exit(1);
});

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
  let errorMessage: string;
  try {
    errorMessage = typeof err === "string" ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    errorMessage = String(err);
  }
  return { ok: false, errorType: "Error", errorMessage };
}

/** The routes the gateway has sent, by id (see proxy-wire.ts). */
const routes = new Map<string, EventRoute>();
function routeOf(ref: string): EventRoute {
  const separator = ref.indexOf(ROUTE_SEPARATOR);
  if (separator === -1) {
    const route = routes.get(ref);
    if (route === undefined) throw new Error(`Unknown route ${ref}`);
    return route;
  }
  const reset = ref.startsWith(ROUTE_RESET);
  if (reset) routes.clear();
  const route = JSON.parse(ref.slice(separator + 1)) as EventRoute;
  routes.set(ref.slice(reset ? ROUTE_RESET.length : 0, separator), route);
  return route;
}

function invoke(handler: Handler, requestId: string, event: unknown): Promise<InvocationResult> {
  const deadlineMs = Date.now() + timeoutMs;
  const context = {
    ...identity,
    awsRequestId: requestId,
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
      const returned = handler(event, context, callback);
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

const failure = (f: InvocationResult): [string, string] => [RESULT_FAILED, JSON.stringify(f)];

/** A result as the JSON Lambda sends: a failure if JSON cannot express it or it is over Lambda's limit. */
function serialise(value: unknown): string | InvocationResult {
  let json: string;
  try {
    json = JSON.stringify(value) ?? "null";
  } catch {
    return MARSHAL_ERROR;
  }
  return textTooLarge(json) ? RESPONSE_TOO_LARGE : json;
}

/**
 * What goes back for an invocation's result. Lambda returns JSON: a result that cannot be serialised
 * is the handler's error, and so is one larger than Lambda's response limit. For AWS_PROXY the
 * result is read as the JSON Lambda would send (a Date becomes a string, undefined values vanish)
 * before AWS's rules make it a response; jsonCopy gives that without serialising plain results.
 */
function answer(item: Item, result: InvocationResult): [string, string | WireResponse] {
  if (!result.ok) return failure(result);
  const value = result.result ?? null;
  const { route } = item;
  if (route === undefined) {
    const json = serialise(value);
    return typeof json === "string" ? [RESULT_OK, json] : failure(json);
  }
  let plain = jsonCopy(value);
  if (plain === NOT_PLAIN) {
    const json = serialise(value);
    if (typeof json !== "string") return failure(json);
    plain = JSON.parse(json);
  } else if (resultTooLarge(plain)) return failure(RESPONSE_TOO_LARGE);
  const response = proxyResponse(route, plain);
  return response === undefined ? failure(MALFORMED_PROXY_RESPONSE) : [RESULT_OK, responseToWire(response)];
}

/**
 * Sends the gateway an invocation's result at once: one held back while the next invocation runs
 * would be lost if that one hangs or takes the worker down (and the gateway would take the finished
 * one for the culprit, and run the next again).
 */
function report(item: Item, result: InvocationResult): void {
  post([item.requestId, ...answer(item, result)]);
}

const eventOf = (item: Item): unknown =>
  item.route === undefined
    ? eventFromPayload(item.payload)
    : proxyEvent(factsFromWire(item.route, item.facts));

try {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown> & {
    default?: Record<string, unknown>;
  };
  const handler = (mod[exportName] ?? mod.default?.[exportName]) as Handler | undefined;
  flushModules();
  if (typeof handler !== "function") {
    post({
      type: "init-error",
      errorType: "Runtime.HandlerNotFound",
      errorMessage: `${file}.${exportName} is undefined or not exported`,
    });
  } else {
    // Invocations run strictly one at a time, in arrival order, as in one Lambda execution environment.
    const queue: Item[] = [];
    let draining = false;
    const drain = async () => {
      draining = true;
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        currentRequest = item.requestId;
        let event: unknown;
        try {
          event = eventOf(item);
        } catch (err) {
          report(item, errorResult(err));
          continue;
        }
        report(item, await invoke(handler, item.requestId, event));
        currentRequest = undefined;
      }
      draining = false;
    };
    port.on("message", (message: InvokeMessage) => {
      for (let i = 0; i + 2 < message.length; i += 3) {
        const requestId = message[i] as string;
        const ref = message[i + 1] as string;
        // Route references are read as they arrive, in order, whatever happens to the invocations.
        if (ref === "") queue.push({ requestId, route: undefined, payload: message[i + 2] as string });
        else queue.push({ requestId, route: routeOf(ref), facts: message[i + 2] as WireFacts });
      }
      if (!draining) void drain();
    });
    post({ type: "ready" });
  }
} catch (err) {
  // What was loaded before the failure is watched too: fixing any of it recovers.
  flushModules();
  const e = err as Error;
  post({ type: "init-error", errorType: "Runtime.ImportModuleError", errorMessage: `Error: ${e.message}` });
}
