import type { ProxyResponse } from "./lambda-result.ts";
import type { WireFacts, WireResponse } from "./proxy-wire.ts";

/** What the worker sends back for one invocation, and what the gateway makes of failures. */
export type InvocationResult =
  | { ok: true; result: unknown }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/**
 * Invocations handed to a worker, in the order it must run them, one at a time: three entries each,
 * the request id, a route reference (AWS_PROXY, see proxy-wire.ts) or "", and the request's facts
 * (WireFacts) or the payload the worker makes the event of (eventFromPayload). Strings and arrays of strings cross threads
 * far cheaper than objects; several invocations per message save a thread wake-up each.
 */
export type InvokeMessage = Array<string | WireFacts>;

/** How a worker reports one invocation, in a `results` message's flat list. */
export const RESULT_OK = "ok";
export const RESULT_FAILED = "failed";

/**
 * A result, the message a worker sends most, as a bare array (no keys to clone): the request id,
 * RESULT_OK or RESULT_FAILED, and the result as JSON, the response (AWS_PROXY: WireResponse), or the
 * failure as JSON. (The gateway reads any number of such triples from one message.)
 */
export type ResultsMessage = Array<string | WireResponse>;

/** Messages from a worker to the gateway. */
export type WorkerMessage =
  | ResultsMessage
  | { type: "ready" }
  | { type: "init-error"; errorType: string; errorMessage: string }
  /** A single allocation larger than the function's memory: the worker is about to end itself. */
  | { type: "out-of-memory" }
  | { type: "log"; requestId: string | undefined; level: string; text: string }
  /** `--watch`: local module files the function has loaded since the last such message. */
  | { type: "modules"; files: string[] };

/** An invocation whose result is wanted as the JSON text the function's result serialises to. */
export type TextInvocationResult =
  | { ok: true; json: string }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/**
 * A function error as a non-proxy integration reads it (its integration responses are selected by
 * `errorMessage`, their templates read the rest): Lambda's `{errorMessage, errorType, stackTrace}`.
 */
export function errorJson(failure: { errorType: string; errorMessage: string; trace?: string[] }): string {
  return JSON.stringify({
    errorMessage: failure.errorMessage,
    errorType: failure.errorType,
    stackTrace: failure.trace ?? [],
  });
}

/** An AWS_PROXY invocation's outcome: the response by AWS's rules, or why there is none. */
export type ProxyInvocationResult =
  | { ok: true; response: ProxyResponse }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[] };

/** An AWS_PROXY invocation's outcome as the integration sees it: "timeout" after its timeout. */
export type ProxyOutcome = ProxyInvocationResult | "timeout";

/** Lambda's answer for a result JSON cannot express (a BigInt, a cycle). */
export const MARSHAL_ERROR = {
  ok: false,
  errorType: "Runtime.MarshalError",
  errorMessage: "Unable to marshal response",
} as const;

/**
 * The event a payload makes: JSON when it parses, else the text itself; nothing at all is `{}` (a
 * mapping template's output, or a body passed through).
 */
export function eventFromPayload(payload: string): unknown {
  if (payload.trim() === "") return {};
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

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
