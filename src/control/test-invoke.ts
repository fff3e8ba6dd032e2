import type { CompileDeps } from "../compile/deps.ts";
import { type GatewayFailureMessage, gatewayFailures } from "../gateway/channels.ts";
import type { FailureCause } from "../gateway/context.ts";
import { DataPlane } from "../gateway/data-plane.ts";
import type { Logger } from "../logger.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { awsLogTime } from "./aws-log-time.ts";
import { exchange } from "./in-process-exchange.ts";
import { findMethod, findResource } from "./rest-entities/lookup.ts";
import { testInvokeStage } from "./test-invoke-stage.ts";

export interface TestInvokeInput {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
}

export interface TestInvokeResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
}

const STAGE = "test-invoke-stage";

/**
 * TestInvokeMethod: runs one method of the API's *current* (undeployed) definition through the real
 * data-plane pipeline, in process — a private data plane serving only this API, handed the request
 * over an in-memory stream (no port is opened) — and reports what the client would have received,
 * with an execution log in AWS's style.
 */
export async function testInvokeMethod(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  input: TestInvokeInput,
  deps: { integrations: CompileDeps; log: Logger },
): Promise<TestInvokeResult> {
  const resource = findResource(def, resourceId);
  const method = findMethod(def, resourceId, httpMethod);
  const stage = testInvokeStage(def, STAGE, input.stageVariables ?? {}, deps.integrations);
  const plane = new DataPlane(deps.log, { exposeTrace: true });
  // The gateway's own 5xx, and why (gateway/failure.ts), for the log AWS's way.
  let failure: GatewayFailureMessage | undefined;
  const onFailure = (message: unknown) => {
    const m = message as GatewayFailureMessage;
    if (plane.owns(m.ctx)) failure = m;
  };
  gatewayFailures.subscribe(onFailure);
  plane.install({ apiId: def.api.id, apiType: "REST", stages: new Map([[STAGE, stage]]) });
  const path = input.pathWithQueryString ?? resource.path;
  const verb = method.httpMethod === "ANY" ? "GET" : method.httpMethod;
  const headers: Record<string, string | string[]> = { ...input.multiValueHeaders, ...input.headers };
  const started = performance.now();
  const lines: string[] = [];
  const stamp = () => awsLogTime(new Date());
  try {
    const response = await exchange(plane, {
      method: verb,
      path: `/${STAGE}${path.startsWith("/") ? path : `/${path}`}`,
      headers: { ...headers, host: `${def.api.id}.execute-api.us-east-1.localhost` },
      body: input.body === undefined || verb === "GET" || verb === "HEAD" ? undefined : input.body,
    });
    const body = response.body;
    const latency = Math.round(performance.now() - started);
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    const traceHeader = response.headers["x-portico-trace"];
    const trace = typeof traceHeader === "string" ? (JSON.parse(traceHeader) as string[]) : [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (
        value === undefined ||
        name === "connection" ||
        name === "keep-alive" ||
        name === "date" ||
        name === "x-portico-trace"
      )
        continue;
      const values = Array.isArray(value) ? value : [value];
      single[name] = values.at(-1)!;
      multi[name] = values;
    }
    const requestId = single["x-amzn-requestid"] ?? "";
    lines.push(
      `Execution log for request ${requestId}`,
      `${stamp()} : Starting execution for request: ${requestId}`,
      `${stamp()} : HTTP Method: ${verb}, Resource Path: ${path}`,
      `${stamp()} : Method request path: ${JSON.stringify(path)}`,
      `${stamp()} : Method request headers: ${JSON.stringify(input.headers ?? {})}`,
      `${stamp()} : Method request body before transformations: ${input.body ?? ""}`,
      ...trace.map((line) => `${stamp()} : ${line}`),
      `${stamp()} : Integration type: ${method.methodIntegration?.type ?? "none"}`,
      ...(failure === undefined
        ? [
            `${stamp()} : Method response body after transformations: ${body}`,
            `${stamp()} : Method response headers: ${JSON.stringify(single)}`,
            `${stamp()} : Successfully completed execution`,
          ]
        : failureLines(failure.ctx.failure).map((line) => `${stamp()} : ${line}`)),
      `${stamp()} : Method completed with status: ${response.statusCode}`,
    );
    return {
      status: response.statusCode,
      body,
      headers: single,
      multiValueHeaders: multi,
      log: `${lines.join("\n")}\n`,
      latency,
    };
  } finally {
    gatewayFailures.unsubscribe(onFailure);
    await plane.close(1_000);
  }
}

/**
 * What AWS's execution log says of a failed invocation, in its order: the backend it was sending to,
 * the function's error body as Lambda answered it, then the failure line (`Execution failed due to
 * configuration error: …`, `Lambda execution failed with status 200 due to customer function error: …`).
 */
function failureLines(cause: FailureCause | undefined): string[] {
  if (cause === undefined) return ["Execution failed due to an internal error"];
  const lines: string[] = [];
  if (cause.backend !== undefined) lines.push(`Sending request to ${cause.backend.url}`);
  const fn = cause.function;
  if (fn?.errorMessage !== undefined)
    lines.push(
      `Endpoint response body before transformations: ${JSON.stringify({
        errorType: fn.errorType,
        errorMessage: fn.errorMessage,
        trace: fn.stackTrace ?? [],
      })}`,
    );
  lines.push(cause.reason);
  return lines;
}
