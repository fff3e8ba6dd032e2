import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from "@opentelemetry/semantic-conventions";
import {
  type RequestDoneMessage,
  type RequestStartMessage,
  requestStarts,
  requestsDone,
  type StepMessage,
  stepEnds,
  stepStarts,
} from "../gateway/channels.ts";
import type { RequestContext, TraceSpan } from "../gateway/context.ts";
import { incomingParent } from "./incoming-trace.ts";
import type { TraceIds } from "./trace-ids.ts";

/**
 * Attribute names for what API Gateway's X-Ray segments record (the `aws:api_id` and
 * `aws:api_stage` annotations, `aws.api_gateway.{rest_api_id, stage, request_id}`:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-understanding-xray-traces.html),
 * next to OpenTelemetry's HTTP server attributes.
 */
export const ATTR_API_ID = "aws.api_gateway.rest_api_id";
export const ATTR_STAGE = "aws.api_gateway.stage";
export const ATTR_REQUEST_ID = "aws.api_gateway.request_id";
export const ATTR_EXTENDED_REQUEST_ID = "aws.api_gateway.extended_request_id";
export const ATTR_RESOURCE_PATH = "aws.api_gateway.resource_path";
export const ATTR_RESOURCE_ID = "aws.api_gateway.resource_id";
export const ATTR_DEPLOYMENT_ID = "aws.api_gateway.deployment_id";
export const ATTR_STEP = "portico.step";
export const ATTR_CACHE_OUTCOME = "portico.cache.outcome";
export const ATTR_INTEGRATION_LATENCY = "portico.integration.latency_ms";

interface TracedRequest {
  readonly span: Span;
  /** The context its step spans start in (the request span as parent). */
  readonly context: Context;
  /** Step spans started and not yet ended: the request's end ends any left. */
  readonly open: Set<Span>;
}

/**
 * Turns the pipeline's tracing channels into spans: one SERVER span per request of a traced stage
 * (its parent: the trace the client continues, incoming-trace.ts), and under it one span per step
 * (resource policy, authorizer, API key, throttle, validation, cache lookup) and a CLIENT span for
 * the integration. While a span is open its context is left on the request (`ctx.traceSpan`,
 * `ctx.stepSpan`), which is what integrations tell the next hop. `owns` keeps another gateway's
 * requests in the same process out. Returns the unsubscribe.
 */
export function subscribeRequestSpans(
  tracer: Tracer,
  ids: TraceIds,
  owns: (ctx: RequestContext) => boolean,
): () => void {
  const requests = new WeakMap<RequestContext, TracedRequest>();
  const steps = new WeakMap<StepMessage, Span>();
  const onStart = (message: unknown) => {
    const { ctx } = message as RequestStartMessage;
    if (!owns(ctx)) return;
    const parent = incomingParent(ctx.req.headers, ids);
    const span = tracer.startSpan(
      `${ctx.req.method ?? "GET"} ${ctx.route.resourcePath}`,
      { kind: SpanKind.SERVER, attributes: requestAttributes(ctx) },
      parent,
    );
    requests.set(ctx, { span, context: trace.setSpan(parent, span), open: new Set() });
    ctx.traceSpan = traceSpanOf(span);
  };
  const onStepStart = (message: unknown) => {
    const m = message as StepMessage;
    const traced = requests.get(m.ctx);
    if (traced === undefined) return;
    const span = tracer.startSpan(
      m.step,
      {
        kind: m.step === "integration" ? SpanKind.CLIENT : SpanKind.INTERNAL,
        attributes: { [ATTR_STEP]: m.step },
      },
      traced.context,
    );
    steps.set(m, span);
    traced.open.add(span);
    m.ctx.stepSpan = traceSpanOf(span);
  };
  const onStepEnd = (message: unknown) => {
    const m = message as StepMessage;
    const span = steps.get(m);
    if (span === undefined) return;
    steps.delete(m);
    if (m.ctx.stepSpan?.spanId === span.spanContext().spanId) m.ctx.stepSpan = undefined;
    // A step that outlived its request was ended with it.
    const open = requests.get(m.ctx)?.open;
    if (open === undefined || !open.delete(span)) return;
    if (m.refusal !== undefined) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, m.refusal.statusCode);
      if (m.refusal.errorType !== undefined) span.setAttribute(ATTR_ERROR_TYPE, m.refusal.errorType);
    }
    if (m.outcome !== undefined) span.setAttribute(ATTR_CACHE_OUTCOME, m.outcome);
    if (m.step === "integration") recordIntegration(span, m.ctx);
    if (m.error !== undefined) failed(span, m.error);
    span.end();
  };
  const onDone = (message: unknown) => {
    const done = message as RequestDoneMessage;
    const traced = done.ctx === undefined ? undefined : requests.get(done.ctx);
    if (traced === undefined) return;
    requests.delete(done.ctx!);
    // Steps a request left unfinished (an integration that failed, a client gone): ended with it.
    for (const span of traced.open) span.end();
    const { span } = traced;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, done.statusCode);
    if (done.gatewayResponse?.errorType !== undefined)
      span.setAttribute(ATTR_ERROR_TYPE, done.gatewayResponse.errorType);
    if (done.aborted) span.setAttribute(ATTR_ERROR_TYPE, "aborted");
    // A server span's error is a 5xx (OpenTelemetry's HTTP conventions); a 4xx is the client's.
    if (done.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  requestStarts.subscribe(onStart);
  stepStarts.subscribe(onStepStart);
  stepEnds.subscribe(onStepEnd);
  requestsDone.subscribe(onDone);
  return () => {
    requestStarts.unsubscribe(onStart);
    stepStarts.unsubscribe(onStepStart);
    stepEnds.unsubscribe(onStepEnd);
    requestsDone.unsubscribe(onDone);
  };
}

function requestAttributes(ctx: RequestContext): Attributes {
  const { req, stage, route } = ctx;
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: req.method ?? "GET",
    [ATTR_HTTP_ROUTE]: route.resourcePath,
    [ATTR_URL_PATH]: query === -1 ? url : url.slice(0, query),
    [ATTR_URL_SCHEME]: ctx.listener.protocol,
    [ATTR_CLIENT_ADDRESS]: ctx.clientIp,
    [ATTR_API_ID]: stage.apiId,
    [ATTR_STAGE]: stage.stageName,
    [ATTR_DEPLOYMENT_ID]: stage.deploymentId,
    [ATTR_RESOURCE_PATH]: route.resourcePath,
    [ATTR_RESOURCE_ID]: route.resourceId,
    [ATTR_REQUEST_ID]: ctx.requestId,
    [ATTR_EXTENDED_REQUEST_ID]: ctx.extendedRequestId,
  };
  const host = req.headers.host;
  if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
  const agent = req.headers["user-agent"];
  if (agent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = agent;
  return attributes;
}

/** The integration's part, as integrations record it (`$context.integration.*`). */
function recordIntegration(span: Span, ctx: RequestContext): void {
  const facts = ctx.integration;
  if (facts === undefined) return;
  if (facts.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, facts.status);
  if (facts.latencyMs !== undefined) span.setAttribute(ATTR_INTEGRATION_LATENCY, facts.latencyMs);
  if (facts.error !== undefined) {
    span.setAttribute(ATTR_ERROR_TYPE, "integration");
    span.setStatus({ code: SpanStatusCode.ERROR, message: facts.error });
  } else if (facts.status !== undefined && facts.status >= 500)
    span.setStatus({ code: SpanStatusCode.ERROR });
}

function failed(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute(ATTR_ERROR_TYPE, err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function traceSpanOf(span: Span): TraceSpan {
  const c = span.spanContext();
  const traceState = c.traceState?.serialize();
  return {
    traceId: c.traceId,
    spanId: c.spanId,
    sampled: (c.traceFlags & TraceFlags.SAMPLED) !== 0,
    ...(traceState === undefined || traceState === "" ? {} : { traceState }),
  };
}
