import { type Logger, pino } from "pino";
import type { RequestDoneMessage } from "../gateway/channels.ts";
import { DATA_TRACE_BYTES, type FailureCause, type RequestContext } from "../gateway/context.ts";
import { bodyRead } from "../http/request-body.ts";
import type { LogSink } from "./log-destination.ts";
import { redactBody, redactHeaders, redactQuery } from "./redact.ts";

/**
 * Execution logs (REST methods with `loggingLevel` INFO or ERROR): one JSON line per request, as
 * pino writes the gateway's own log, naming AWS's log group `API-Gateway-Execution-Logs_{apiId}/{stage}`
 * and the request ids. INFO logs every request of the method; ERROR only its failures (a 5xx answer
 * or an integration that failed). `dataTraceEnabled` adds the request and the response — headers,
 * query, the first 1024 bytes of each body (AWS truncates execution-log events at 1024 bytes) —
 * with every secret redacted (redact.ts). Made from `portico:request`; only methods whose compiled
 * route carries logging settings cost anything.
 */

/** A pino logger writing execution-log lines to `sink`. */
export function executionLogger(sink: LogSink): Logger {
  return pino({ base: { service: "portico", log: "execution" }, level: "info" }, sink.stream);
}

function failed(m: RequestDoneMessage): boolean {
  return m.statusCode >= 500 || m.ctx?.integration?.error !== undefined;
}

function bodyText(bytes: Buffer | undefined, contentType: unknown, secretNames: readonly string[]) {
  if (bytes === undefined || bytes.length === 0) return undefined;
  const truncated = bytes.length > DATA_TRACE_BYTES;
  const text = redactBody(
    bytes.subarray(0, DATA_TRACE_BYTES).toString("utf8"),
    typeof contentType === "string" ? contentType : undefined,
    secretNames,
  );
  return truncated ? { body: text, bodyTruncated: true } : { body: text };
}

/** The request and response as a data trace shows them, secrets redacted. */
function dataTrace(ctx: RequestContext, m: RequestDoneMessage) {
  const names = ctx.route.logging?.secretNames ?? [];
  const headersOut = m.responseHeaders ?? m.res.getHeaders();
  return {
    request: {
      path: ctx.path,
      pathParameters: ctx.pathParams,
      query: redactQuery(ctx.rawQuery, names),
      headers: redactHeaders(ctx.req.headers, names),
      ...bodyText(bodyRead(ctx.req), ctx.req.headers["content-type"], names),
    },
    response: {
      headers: redactHeaders(headersOut, names),
      ...bodyText(m.responseBody, headersOut["content-type"], names),
    },
  };
}

/** What the execution log tells of a failure: AWS's line and the function's or backend's error. */
function causeFields(cause: FailureCause): Record<string, unknown> {
  return {
    reason: cause.reason,
    ...(cause.function === undefined ? {} : { function: cause.function }),
    ...(cause.backend === undefined ? {} : { backend: cause.backend }),
    ...(cause.timeoutMs === undefined ? {} : { timeoutMs: cause.timeoutMs }),
  };
}

/** The record of one request; `undefined` when its method's level leaves it out. */
export function executionRecord(m: RequestDoneMessage): Record<string, unknown> | undefined {
  const ctx = m.ctx;
  const logging = ctx?.route.logging;
  if (ctx === undefined || logging === undefined) return undefined;
  const isFailure = failed(m);
  if (logging.level === "ERROR" && !isFailure) return undefined;
  const { stage, route } = ctx;
  const integration = ctx.integration;
  return {
    logGroup: `API-Gateway-Execution-Logs_${stage.apiId}/${stage.stageName}`,
    requestId: m.requestId,
    extendedRequestId: m.extendedRequestId,
    apiId: stage.apiId,
    stage: stage.stageName,
    resourcePath: route.resourcePath,
    httpMethod: route.httpMethod,
    status: m.statusCode,
    latencyMs: Math.round(m.latencyMs),
    ...(integration === undefined
      ? {}
      : {
          integration: {
            ...(integration.status === undefined ? {} : { status: integration.status }),
            ...(integration.latencyMs === undefined ? {} : { latencyMs: Math.round(integration.latencyMs) }),
            ...(integration.error === undefined ? {} : { error: integration.error }),
          },
        }),
    ...(m.gatewayResponse === undefined
      ? {}
      : {
          gatewayResponse: { status: m.gatewayResponse.statusCode, errorType: m.gatewayResponse.errorType },
        }),
    ...(ctx.failure === undefined ? {} : { failure: causeFields(ctx.failure) }),
    ...(m.aborted ? { aborted: true } : {}),
    ...(logging.dataTrace ? dataTrace(ctx, m) : {}),
  };
}

/** Logs a finished request of a method with execution logging. */
export function executionLogWriter(logger: Logger, onError: (err: unknown) => void) {
  return (m: RequestDoneMessage): void => {
    if (m.ctx?.route.logging === undefined) return;
    try {
      const record = executionRecord(m);
      if (record === undefined) return;
      // AWS's own line for the failure when the gateway knows it ("Execution failed due to …").
      if (failed(m))
        logger.error(
          record,
          m.ctx.failure?.reason ?? `Execution failed: method completed with status ${m.statusCode}`,
        );
      else logger.info(record, `Method completed with status: ${m.statusCode}`);
    } catch (err) {
      onError(err);
    }
  };
}
