import { type InvocationResult, MARSHAL_ERROR, type TextInvocationResult } from "./invocation.ts";
import { RESPONSE_TOO_LARGE, textTooLarge } from "./response-limit.ts";

/**
 * A result's JSON text from a worker (which runs the function's code, so anything but a string is
 * the function's MarshalError); one over Lambda's limit is checked again here, for the same reason.
 */
export function textResult(json: unknown): TextInvocationResult {
  if (typeof json !== "string") return MARSHAL_ERROR;
  return textTooLarge(json) ? RESPONSE_TOO_LARGE : { ok: true, json };
}

/** A result's JSON text, parsed; a text that does not parse is the function's MarshalError. */
export function parseResult(outcome: TextInvocationResult): InvocationResult {
  if (!outcome.ok) return outcome;
  try {
    return { ok: true, result: JSON.parse(outcome.json) };
  } catch {
    return MARSHAL_ERROR;
  }
}

/** A worker's failure report; the worker runs the function's code, so a garbled one is still a failure. */
export function parseFailure(json: unknown): InvocationResult {
  try {
    const f = JSON.parse(String(json)) as { errorType?: unknown; errorMessage?: unknown; trace?: unknown };
    return {
      ok: false,
      errorType: typeof f.errorType === "string" ? f.errorType : "Unhandled",
      errorMessage: typeof f.errorMessage === "string" ? f.errorMessage : "",
      ...(Array.isArray(f.trace) ? { trace: f.trace.map(String) } : {}),
    };
  } catch {
    return { ok: false, errorType: "Unhandled", errorMessage: "" };
  }
}
