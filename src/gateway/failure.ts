// The causes the gateway records when it answers a request with a 5xx of its own (the type is
// context.ts's FailureCause), in AWS's execution-log words.
import type { FailureCause, RequestContext } from "./context.ts";
import { gatewayResponseFor } from "./responses/errors.ts";

/** Records why the request is about to fail; the first cause recorded is the one reported. */
export function failWith(ctx: RequestContext, cause: FailureCause): void {
  ctx.failure ??= cause;
}

/** AWS's words for a method whose setup is wrong (`Execution failed due to configuration error: …`). */
export function configurationFailure(detail: string): FailureCause {
  return { reason: `Execution failed due to configuration error: ${detail}` };
}

export function timeoutFailure(timeoutMs: number): FailureCause {
  return { reason: "Execution failed due to a timeout error", timeoutMs };
}

/** A function that is named by the integration but not declared in the config file (`functions:`). */
export function undeclaredFunction(name: string): FailureCause {
  return {
    reason: `Execution failed due to configuration error: The function ${name} is not declared in the config file's functions`,
    function: { name },
  };
}

/** Not the function's error: the invocation itself (a remote Lambda's refusal, a pool shutting down). */
const INVOCATION_ERRORS = new Set(["ServiceException"]);

/**
 * A function's failure (an error it threw or returned, its own timeout, a crash, a result API
 * Gateway cannot use), worded as API Gateway's execution log words it. `requestId` is the Lambda
 * request id, which Portico's functions share with the API request.
 */
export function functionError(
  name: string,
  requestId: string,
  error: { readonly errorType: string; readonly errorMessage: string; readonly trace?: readonly string[] },
): FailureCause {
  const fn = {
    name,
    errorType: error.errorType,
    errorMessage: error.errorMessage,
    ...(error.trace === undefined ? {} : { stackTrace: error.trace }),
  };
  if (error.errorType === "MalformedProxyResponse")
    return {
      reason: "Execution failed due to configuration error: Malformed Lambda proxy response",
      function: fn,
    };
  if (INVOCATION_ERRORS.has(error.errorType))
    return {
      reason: `Lambda invocation failed: ${error.errorMessage}. Lambda request id: ${requestId}`,
      function: fn,
    };
  return {
    reason: `Lambda execution failed with status 200 due to customer function error: ${error.errorMessage}. Lambda request id: ${requestId}`,
    function: fn,
  };
}

/** Errors that mean the backend's address could not be reached at all. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);
type NetError = { code?: unknown; address?: unknown; port?: unknown; message?: unknown; errors?: unknown };

/** The socket error under undici's (a refused connection to a name with two addresses is an AggregateError). */
function rootError(err: unknown): NetError {
  const e = (err ?? {}) as NetError & { cause?: unknown };
  if (Array.isArray(e.errors) && e.errors.length > 0)
    return { ...(e.errors[0] as NetError), code: e.code ?? (e.errors[0] as NetError).code };
  if (e.address === undefined && e.cause !== undefined && typeof e.cause === "object")
    return { ...(e.cause as NetError), code: e.code ?? (e.cause as NetError).code };
  return e;
}

/** A backend call that failed: refused, unknown host, timed out, reset, or not HTTP. */
export function backendFailure(
  err: unknown,
  target: { origin: string; path: string },
  timeoutMs: number,
): FailureCause {
  const root = rootError(err);
  const code = typeof root.code === "string" ? root.code : undefined;
  const address =
    typeof root.address === "string"
      ? root.port === undefined
        ? root.address
        : `${root.address}:${root.port}`
      : undefined;
  const backend = {
    url: target.origin + target.path.split("?")[0]!,
    ...(code === undefined ? {} : { code }),
    ...(address === undefined ? {} : { address }),
    message: String((err as { message?: unknown } | null)?.message ?? err),
  };
  if (gatewayResponseFor(err) === "INTEGRATION_TIMEOUT")
    return { reason: "Execution failed due to a timeout error", timeoutMs, backend };
  if (code !== undefined && UNREACHABLE.has(code))
    return { reason: "Execution failed due to configuration error: Invalid endpoint address", backend };
  return {
    reason: `Execution failed due to an internal error: the backend call failed: ${backend.message}`,
    backend,
  };
}

/** A mapping template that threw while rendering (AWS: `Unable to transform request`/`response`). */
export function templateFailure(which: "request" | "response", error: unknown): FailureCause {
  return {
    reason: `Execution failed due to configuration error: Unable to transform ${which}: ${(error as Error)?.message ?? error}`,
    error,
  };
}

/** Anything else the gateway did not expect (a bug, or a part that failed under it). */
export function internalFailure(error: unknown): FailureCause {
  return { reason: "Execution failed due to an internal error", error };
}

/** The client's body could not be read (it broke off, or sent a malformed chunk). Too large is a 413, no failure. */
export function bodyReadFailure(error: unknown): FailureCause {
  return {
    reason: `Execution failed: the request body could not be read: ${(error as Error)?.message ?? error}`,
  };
}

/** A template's output; a template that throws is recorded as the request's cause, then rethrown. */
export function transformed(
  ctx: RequestContext,
  which: "request" | "response",
  render: () => string,
): string {
  try {
    return render();
  } catch (err) {
    failWith(ctx, templateFailure(which, err));
    throw err;
  }
}

/** What went wrong with a Lambda authorizer, as `authorizerFailure` words it. */
export type AuthorizerProblem =
  | { readonly kind: "undeclared" }
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | {
      readonly kind: "error";
      readonly errorType: string;
      readonly errorMessage: string;
      readonly trace?: readonly string[];
    }
  | { readonly kind: "malformed" }
  | { readonly kind: "bad-expression" };

/**
 * A Lambda authorizer that could not decide (AWS answers 500 and logs `Execution failed due to
 * configuration error: Authorizer error`), with which part failed after AWS's words.
 */
export function authorizerFailure(name: string, problem: AuthorizerProblem): FailureCause {
  const prefix = "Execution failed due to configuration error: Authorizer error";
  switch (problem.kind) {
    case "undeclared":
      return {
        reason: `${prefix}: the function ${name} is not declared in the config file's functions`,
        function: { name },
      };
    case "timeout":
      return {
        reason: `${prefix}: the function ${name} did not answer in time`,
        function: { name },
        timeoutMs: problem.timeoutMs,
      };
    case "error":
      return {
        reason: `${prefix}: the function ${name} failed: ${problem.errorMessage}`,
        function: {
          name,
          errorType: problem.errorType,
          errorMessage: problem.errorMessage,
          ...(problem.trace === undefined ? {} : { stackTrace: problem.trace }),
        },
      };
    case "malformed":
      return {
        reason: `${prefix}: the function ${name} returned no valid authorizer response`,
        function: { name },
      };
    case "bad-expression":
      return { reason: `${prefix}: the identityValidationExpression is not a valid regular expression` };
  }
}
