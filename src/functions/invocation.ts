/** What the worker sends back for one invocation, and what the gateway makes of failures. */
export type InvocationResult =
  | { ok: true; result: unknown }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/** One invocation handed to a worker. */
export interface InvokeItem {
  requestId: string;
  /** The event as JSON text: a string crosses threads far cheaper than a structured clone. */
  event: string;
}

/**
 * A message from the gateway to a worker: invocations in the order the worker must run them, one at
 * a time. Sending several per message saves a thread wake-up (a system call) per invocation.
 */
export interface InvokeMessage {
  type: "invoke";
  items: InvokeItem[];
}

/** Messages from a worker to the gateway. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string }
  /** A success travels as the result's JSON text (Lambda returns JSON), a failure as is. */
  | { type: "result"; requestId: string; json: string; failure?: undefined }
  | { type: "result"; requestId: string; json?: undefined; failure: InvocationResult }
  | { type: "log"; requestId: string | undefined; level: string; text: string };

/** Static facts a handler sees in its `context`. */
export interface FunctionIdentity {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}
