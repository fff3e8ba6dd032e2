import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { capturingLog } from "../support/capturing-log.ts";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";

// A REST stage with tracingEnabled, exporting to a real OTLP/HTTP receiver through the standard
// OTEL_* variables; a real backend on loopback tells what the gateway sent on (docs/tracing.md).

const API = (backend: string) => `
openapi: 3.0.1
info: { title: Traced, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement: [{ Effect: Allow, Principal: "*", Action: "execute-api:Invoke", Resource: "*" }]
x-amazon-apigateway-request-validators:
  params: { validateRequestBody: false, validateRequestParameters: true }
components:
  securitySchemes:
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${invocationArn("tokenAuthorizer")}"
        authorizerResultTtlInSeconds: 0
paths:
  /fn:
    get:
      security: [{ token: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}" }
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/cached" }
  /proxy:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/proxied" }
  /plain:
    get:
      x-amazon-apigateway-request-validator: params
      parameters: [{ name: q, in: query, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend}/plain"
        responses: { default: { statusCode: "200" } }
`;

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";
const traceparent = (trace: string, span: string, flags = "01") => `00-${trace}-${span}-${flags}`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

describe("tracing a REST stage with tracingEnabled into OTLP", () => {
  let receiver: OtlpReceiver;
  let backend: EchoBackend;
  let gw: TestGateway;
  let apiId: string;

  before(async () => {
    receiver = await startOtlpReceiver();
    backend = await startEchoBackend();
    // Read when the tracer starts, as a gateway started with them in its environment would.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_SERVICE_NAME = "portico-under-test";
    process.env.OTEL_BSP_SCHEDULE_DELAY = "20";
    const captured = capturingLog();
    const fixtures = join(import.meta.dirname, "..", "fixtures", "functions");
    gw = await startTestGateway(
      {
        functions: {
          echo: { handler: join(fixtures, "handlers.echo"), timeout: 3 },
          tokenAuthorizer: { handler: join(fixtures, "handlers.tokenAuthorizer"), timeout: 3 },
        },
      },
      captured.log,
    );
    apiId = await gw.deployRest(API(backend.url), "prod");
    await gw.portico.control.deployRestApi(apiId, { stageName: "dev" });
    // Turned on as with `aws apigateway update-stage --patch-operations op=replace,path=/tracingEnabled,value=true`.
    const client = new APIGatewayClient(adminClientConfig(gw));
    await client.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/tracingEnabled", value: "true" },
          { op: "replace", path: "/cacheClusterEnabled", value: "true" },
          { op: "replace", path: "/*/*/caching/enabled", value: "false" },
          { op: "replace", path: "/~1cached/GET/caching/enabled", value: "true" },
        ],
      }),
    );
    client.destroy();
    await captured.until("tracing: spans of stages with tracingEnabled are exported");
  });

  after(async () => {
    await gw.close();
    await Promise.all([backend.close(), receiver.close()]);
  });

  test("a client's trace goes on through the gateway's spans to the backend", async () => {
    const r = await gw.call(apiId, "/prod/proxy", {
      headers: { traceparent: traceparent(TRACE_ID, CLIENT_SPAN), tracestate: "vendor=abc" },
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.text) as Echo;
    const sent = TRACEPARENT.exec(String(seen.headers.traceparent));
    assert.ok(sent, `backend got traceparent ${seen.headers.traceparent}`);
    assert.equal(sent[1], TRACE_ID);
    assert.notEqual(sent[2], CLIENT_SPAN);
    assert.equal(sent[3], "01");
    assert.equal(seen.headers.tracestate, "vendor=abc");

    const spans = await receiver.trace(TRACE_ID, 4);
    const request = spans.find((s) => s.kind === 2);
    assert.ok(request, "a server span for the request");
    assert.equal(request.name, "GET /proxy");
    assert.equal(request.parentSpanId, CLIENT_SPAN);
    assert.equal(request.attributes["aws.api_gateway.rest_api_id"], apiId);
    assert.equal(request.attributes["aws.api_gateway.stage"], "prod");
    assert.equal(request.attributes["http.route"], "/proxy");
    assert.equal(request.attributes["http.request.method"], "GET");
    assert.equal(request.attributes["http.response.status_code"], 200);
    assert.equal(request.resource["service.name"], "portico-under-test");
    const steps = spans.filter((s) => s !== request);
    assert.deepEqual(steps.map((s) => s.name).sort(), ["integration", "resource-policy", "throttle"]);
    for (const step of steps) assert.equal(step.parentSpanId, request.spanId, `${step.name}'s parent`);
    const integration = steps.find((s) => s.name === "integration")!;
    assert.equal(integration.kind, 3);
    assert.equal(integration.attributes["http.response.status_code"], 200);
    // The backend's parent is the gateway's integration span; X-Ray's form names the request span.
    assert.equal(sent[2], integration.spanId);
    assert.equal(
      seen.headers["x-amzn-trace-id"],
      `Root=1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)};Parent=${request.spanId};Sampled=1`,
    );
    assert.deepEqual(
      receiver.contentTypes.filter((t) => t !== "application/json"),
      [],
    );
  });

  test("a non-proxy HTTP integration is told the trace, and its answer carries the X-Ray form", async () => {
    const trace = "0af7651916cd43dd8448eb211c80319c";
    const r = await gw.call(apiId, "/prod/plain?q=1", {
      headers: { traceparent: traceparent(trace, CLIENT_SPAN) },
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.text) as Echo;
    const sent = TRACEPARENT.exec(String(seen.headers.traceparent));
    assert.ok(sent, `backend got traceparent ${seen.headers.traceparent}`);
    assert.equal(sent[1], trace);
    const spans = await receiver.trace(trace, 5);
    const request = spans.find((s) => s.kind === 2)!;
    assert.deepEqual(
      spans
        .filter((s) => s !== request)
        .map((s) => s.name)
        .sort(),
      ["integration", "resource-policy", "throttle", "validate-request"],
    );
    assert.equal(sent[2], spans.find((s) => s.name === "integration")!.spanId);
    assert.equal(r.headers["x-amzn-trace-id"], seen.headers["x-amzn-trace-id"]);
    assert.match(
      String(r.headers["x-amzn-trace-id"]),
      new RegExp(`^Root=1-${trace.slice(0, 8)}-${trace.slice(8)};`),
    );
  });

  test("a Lambda proxy event carries the trace, after the authorizer's span", async () => {
    const trace = "99999999999999990000000000000001";
    const r = await gw.call(apiId, "/prod/fn", {
      headers: { traceparent: traceparent(trace, CLIENT_SPAN), authorization: "Bearer allow" },
    });
    assert.equal(r.status, 200, r.text);
    const { event } = JSON.parse(r.text) as {
      event: { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> };
    };
    const sent = TRACEPARENT.exec(event.headers.traceparent ?? "");
    assert.equal(sent?.[1], trace);
    assert.deepEqual(event.multiValueHeaders.traceparent, [event.headers.traceparent]);
    const spans = await receiver.trace(trace, 5);
    const request = spans.find((s) => s.kind === 2)!;
    assert.deepEqual(
      spans
        .filter((s) => s !== request)
        .map((s) => s.name)
        .sort(),
      ["authorizer", "integration", "resource-policy", "throttle"],
    );
    assert.equal(sent?.[2], spans.find((s) => s.name === "integration")!.spanId);
    assert.equal(
      event.headers["X-Amzn-Trace-Id"],
      `Root=1-${trace.slice(0, 8)}-${trace.slice(8)};Parent=${request.spanId};Sampled=1`,
    );
  });

  test("a cached method's lookup is a span: a miss is followed by the integration, a hit is not", async () => {
    const miss = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";
    assert.equal(
      (await gw.call(apiId, "/prod/cached", { headers: { traceparent: traceparent(miss, CLIENT_SPAN) } }))
        .status,
      200,
    );
    const missed = await receiver.trace(miss, 4);
    assert.equal(missed.find((s) => s.name === "cache")?.attributes["portico.cache.outcome"], "miss");
    assert.ok(missed.some((s) => s.name === "integration"));
    const hit = "ccccccccccccccccdddddddddddddddd";
    const r = await gw.call(apiId, "/prod/cached", {
      headers: { traceparent: traceparent(hit, CLIENT_SPAN) },
    });
    assert.equal(r.headers["x-portico-cache"], "hit");
    const hits = await receiver.trace(hit, 3);
    const request = hits.find((s) => s.kind === 2)!;
    assert.deepEqual(
      hits
        .filter((s) => s !== request)
        .map((s) => [s.name, s.parentSpanId, s.attributes["portico.cache.outcome"]])
        .sort(),
      [
        ["cache", request.spanId, "hit"],
        ["resource-policy", request.spanId, undefined],
        ["throttle", request.spanId, undefined],
      ],
    );
  });

  test("a refusal by a step ends the trace there, with the refusal on the step's span", async () => {
    const trace = "11111111111111112222222222222222";
    const r = await gw.call(apiId, "/prod/plain", {
      headers: { traceparent: traceparent(trace, CLIENT_SPAN) },
    });
    assert.equal(r.status, 400);
    const spans = await receiver.trace(trace, 4);
    const validate = spans.find((s) => s.name === "validate-request")!;
    assert.equal(validate.attributes["http.response.status_code"], 400);
    assert.equal(validate.attributes["error.type"], "BadRequestException");
    assert.equal(
      spans.find((s) => s.name === "integration"),
      undefined,
    );
    assert.equal(spans.find((s) => s.kind === 2)!.attributes["http.response.status_code"], 400);
  });

  test("a malformed traceparent is ignored: a new trace starts and the request is served", async () => {
    for (const bad of [
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
      `00-${"0".repeat(32)}-${CLIENT_SPAN}-01`, // all-zero trace id
      `ff-${TRACE_ID}-${CLIENT_SPAN}-01`, // version ff
      `00-${TRACE_ID}-${CLIENT_SPAN}-01-extra`, // version 00 with more fields
      [traceparent(TRACE_ID, CLIENT_SPAN), traceparent(TRACE_ID, "b7ad6b7169203331")], // two of them
      "garbage",
    ]) {
      const from = Math.floor(Date.now() / 1000);
      const r = await gw.call(apiId, "/prod/proxy", { headers: { traceparent: bad } });
      const to = Math.floor(Date.now() / 1000);
      assert.equal(r.status, 200, String(bad));
      const seen = JSON.parse(r.text) as Echo;
      const sent = TRACEPARENT.exec(String(seen.headers.traceparent));
      const traceId = sent?.[1];
      assert.ok(traceId, `backend got traceparent ${seen.headers.traceparent} for ${String(bad)}`);
      assert.notEqual(traceId, TRACE_ID);
      assert.notEqual(traceId, "0".repeat(32));
      // New trace ids start with the epoch second, so their X-Ray form is one X-Ray accepts.
      const second = Number.parseInt(traceId.slice(0, 8), 16);
      assert.ok(second >= from && second <= to, `trace id ${traceId} starts with the second it began`);
      const spans = await receiver.trace(traceId, 4);
      assert.equal(spans.find((s) => s.kind === 2)!.parentSpanId, "");
    }
  });

  test("an X-Ray trace header alone is continued as the same trace", async () => {
    const r = await gw.call(apiId, "/prod/proxy", {
      headers: {
        "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
      },
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.text) as Echo;
    const trace = "5759e988bd862e3fe1be46a994272793";
    assert.equal(TRACEPARENT.exec(String(seen.headers.traceparent))?.[1], trace);
    const spans = await receiver.trace(trace, 4);
    const request = spans.find((s) => s.kind === 2)!;
    assert.equal(request.parentSpanId, "53995c3f42cd8ad8");
    assert.equal(
      seen.headers["x-amzn-trace-id"],
      `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${request.spanId};Sampled=1`,
    );
  });

  test("an unsampled client trace is propagated, and nothing of it exported", async () => {
    const unsampled = "22222222222222223333333333333333";
    const r = await gw.call(apiId, "/prod/proxy", {
      headers: { traceparent: traceparent(unsampled, CLIENT_SPAN, "00") },
    });
    const sent = TRACEPARENT.exec(String((JSON.parse(r.text) as Echo).headers.traceparent));
    assert.equal(sent?.[1], unsampled);
    assert.notEqual(sent?.[2], CLIENT_SPAN, "the gateway's (unrecorded) span is the backend's parent");
    assert.equal(sent?.[3], "00");
    // Whatever was exported before a later trace's spans arrived includes nothing of the unsampled one.
    const later = "33333333333333334444444444444444";
    await gw.call(apiId, "/prod/proxy", { headers: { traceparent: traceparent(later, CLIENT_SPAN) } });
    await receiver.trace(later, 4);
    assert.equal(receiver.spans.filter((s) => s.traceId === unsampled).length, 0);
  });

  test("a stage without tracing passes the client's traceparent on unchanged and exports nothing", async () => {
    const untraced = "55555555555555556666666666666666";
    const r = await gw.call(apiId, "/dev/proxy", {
      headers: { traceparent: traceparent(untraced, CLIENT_SPAN), tracestate: "vendor=abc" },
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.text) as Echo;
    assert.equal(seen.headers.traceparent, traceparent(untraced, CLIENT_SPAN));
    assert.equal(seen.headers.tracestate, "vendor=abc");
    // X-Amzn-Trace-Id as AWS makes it, with no relation to the W3C trace.
    assert.match(
      String(seen.headers["x-amzn-trace-id"]),
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
    const later = "77777777777777778888888888888888";
    await gw.call(apiId, "/prod/proxy", { headers: { traceparent: traceparent(later, CLIENT_SPAN) } });
    await receiver.trace(later, 4);
    assert.equal(receiver.spans.filter((s) => s.traceId === untraced).length, 0);
  });
});
