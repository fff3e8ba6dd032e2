import type { ProxyResponse } from "../integrations/lambda-response.ts";

/** What the worker sends back for one invocation, and what the gateway makes of failures. */
export type InvocationResult =
  | { ok: true; result: unknown }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/**
 * Invocations handed to a worker, in the order it must run them, one at a time: three strings each,
 * the request id, the route's facts as JSON (AWS_PROXY) or "" (a ready-made event), and the request's
 * facts (see proxy-wire.ts) or the event, as JSON. Strings in a flat array cross threads far cheaper
 * than a structured clone of objects; several per message save a thread wake-up each.
 */
export type InvokeMessage = string[];

/** How a worker reports one invocation, in a `results` message's flat list. */
export const RESULT_OK = "ok";
export const RESULT_FAILED = "failed";

/** Messages from a worker to the gateway. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string }
  /**
   * Results, three strings each: the request id, RESULT_OK or RESULT_FAILED, and JSON text: the
   * result (a ready-made event), the response (AWS_PROXY, see proxy-wire.ts), or the failure.
   */
  | { type: "results"; flat: string[] }
  | { type: "log"; requestId: string | undefined; level: string; text: string };

/** An AWS_PROXY invocation's outcome: the response by AWS's rules, or why there is none. */
export type ProxyInvocationResult =
  | { ok: true; response: ProxyResponse }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/** What API Gateway makes of a result its rules reject (it answers 502). */
export const MALFORMED_PROXY_RESPONSE = {
  ok: false,
  errorType: "MalformedProxyResponse",
  errorMessage: "Malformed Lambda proxy response",
} as const;

/** Static facts a handler sees in its `context`. */
export interface FunctionIdentity {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}
