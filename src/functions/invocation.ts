import type { ProxyResponse } from "../integrations/lambda-response.ts";
import type { WireFacts, WireResponse } from "./proxy-wire.ts";

/** What the worker sends back for one invocation, and what the gateway makes of failures. */
export type InvocationResult =
  | { ok: true; result: unknown }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/**
 * Invocations handed to a worker, in the order it must run them, one at a time: three entries each,
 * the request id, a route reference (AWS_PROXY, see proxy-wire.ts), "" (a ready-made event) or
 * TEXT_EVENT (a mapping template's output), and the request's facts (WireFacts), the event as JSON,
 * or the template's output. Strings and arrays of strings cross threads
 * far cheaper than objects; several invocations per message save a thread wake-up each.
 */
export type InvokeMessage = Array<string | WireFacts>;

/** How a worker reports one invocation, in a `results` message's flat list. */
export const RESULT_OK = "ok";
export const RESULT_FAILED = "failed";

/**
 * Results, the message a worker sends most, as a bare array (no keys to clone): three entries each,
 * the request id, RESULT_OK or RESULT_FAILED, and the result as JSON (a ready-made event), the
 * response (AWS_PROXY: WireResponse), or the failure as JSON.
 */
export type ResultsMessage = Array<string | WireResponse>;

/** Messages from a worker to the gateway. */
export type WorkerMessage =
  | ResultsMessage
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string }
  | { type: "log"; requestId: string | undefined; level: string; text: string };

/** An invocation whose result is wanted as the JSON text the function's result serialises to. */
export type TextInvocationResult =
  | { ok: true; json: string }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/** An AWS_PROXY invocation's outcome: the response by AWS's rules, or why there is none. */
export type ProxyInvocationResult =
  | { ok: true; response: ProxyResponse }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/** An AWS_PROXY invocation's outcome as the integration sees it: "timeout" after its timeout. */
export type ProxyOutcome = ProxyInvocationResult | "timeout";

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
