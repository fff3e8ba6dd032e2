import type { InvocationResult } from "../functions/invocation.ts";
import type { Authorizer } from "../model/rest-api.ts";
import { awsLogTime } from "./aws-log-time.ts";

/**
 * TestInvokeAuthorizer's execution log, worded as AWS's is (an AWS test run's log reads
 * `Starting authorizer: 52u008 for request: …`, `Incoming identity: {method.request.header.Hash=********aaaaaa}`,
 * `Endpoint request body after transformations: {…}`, `Unauthorized request: …`), with the reason of
 * every failure spelled out — a function's error message, a result that is not a valid authorizer
 * answer — so that a refusal explains itself.
 */

/** AWS's masking of identities in execution logs: all but the last six characters starred. */
export function masked(value: string): string {
  return value.length > 6 ? `${"*".repeat(value.length - 6)}${value.slice(-6)}` : "*".repeat(value.length);
}

export interface AuthorizerRun {
  readonly requestId: string;
  readonly authorizer: Authorizer;
  /** `method.request.header.Authorization` → the value the request carried. */
  readonly identity: ReadonlyMap<string, string | undefined>;
  readonly region: string;
  /** The function's ARN, from the authorizer URI (Lambda authorizers). */
  readonly functionArn?: string;
  /** The function's name, when the config declares it. */
  readonly functionName?: string;
  /** What the function was sent and what it answered; absent when it was not invoked. */
  readonly invocation?: { readonly event: unknown; readonly outcome?: InvocationResult };
  readonly status: number;
  /** The gateway's answer when it refused (`{"message": …}`). */
  readonly refusal?: string;
  /** The data plane's own decision trace for the request. */
  readonly trace: readonly string[];
}

function eventText(event: unknown): string {
  if (event === null || typeof event !== "object") return JSON.stringify(event);
  const e = event as Record<string, unknown>;
  // The token is the caller's secret: shown masked, as the identity is.
  return JSON.stringify(
    typeof e.authorizationToken === "string" ? { ...e, authorizationToken: masked(e.authorizationToken) } : e,
  );
}

export function authorizerLog(run: AuthorizerRun): string {
  const lines: string[] = [];
  const say = (text: string) => lines.push(`${awsLogTime(new Date())} : ${text}`);
  const { requestId, authorizer, invocation } = run;
  say(`Starting authorizer: ${authorizer.id} for request: ${requestId}`);
  const identity = [...run.identity].map(([source, v]) => `${source}=${v === undefined ? "" : masked(v)}`);
  say(`Incoming identity: {${identity.join(", ")}}`);
  if (authorizer.type !== "COGNITO_USER_POOLS") {
    const uri =
      run.functionArn === undefined
        ? authorizer.authorizerUri
        : `https://lambda.${run.region}.amazonaws.com/2015-03-31/functions/${run.functionArn}/invocations`;
    say(`Endpoint request URI: ${uri ?? "(none)"}`);
    if (run.functionName === undefined)
      say(
        `Execution failed due to configuration error: the authorizer's function (${run.functionArn ?? authorizer.authorizerUri ?? "no authorizerUri"}) is not declared under functions: in the config`,
      );
  }
  if (invocation !== undefined) {
    say(`Endpoint request body after transformations: ${eventText(invocation.event)}`);
    say(`Sending request to function ${run.functionName}`);
    const outcome = invocation.outcome;
    if (outcome === undefined)
      say("Execution failed due to a timeout error: the function did not answer in time");
    else if (!outcome.ok) {
      say(
        `Lambda execution failed due to customer function error: ${outcome.errorType}: ${outcome.errorMessage}`,
      );
      for (const frame of outcome.trace ?? []) lines.push(`    ${frame}`);
    } else say(`Authorizer result body before parsing: ${JSON.stringify(outcome.result)}`);
  }
  for (const t of run.trace) say(t);
  if (run.status === 200) {
    const result = invocation?.outcome?.ok
      ? (invocation.outcome.result as { principalId?: unknown })
      : undefined;
    if (result !== undefined)
      say(`Using valid authorizer policy for principal: ${String(result.principalId)}`);
    say("Successfully completed authorizer execution");
  } else if (run.status === 401) {
    say(`Unauthorized request: ${requestId}`);
    say(
      invocation?.outcome?.ok === false
        ? "Unauthorized"
        : "Unauthorized: the identity source is missing, empty or not valid",
    );
  } else if (run.status === 403) {
    say(`The authorizer's policy does not allow the request: ${run.refusal ?? ""}`);
  } else {
    if (invocation?.outcome?.ok === true)
      say(
        "Execution failed due to configuration error: the result is not a valid authorizer response (it needs a policyDocument, and context values that are strings, numbers or booleans)",
      );
    say("Execution failed due to configuration error: Authorizer error");
  }
  return `Execution log for request ${requestId}\n${lines.join("\n")}\n`;
}
