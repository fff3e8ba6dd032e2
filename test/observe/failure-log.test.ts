import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FunctionConfig } from "../../src/config/schema.ts";
import { type CapturedLog, capturingLog } from "../support/capturing-log.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { freePort } from "../support/redis-server.ts";

// Every 5xx the gateway answers of its own logs exactly one operational line naming the request,
// the API, stage, route and method, and the cause; a backend's own 5xx relayed through a proxy, and
// every success, log none. Real handlers in worker threads, a real backend, a port nobody listens on.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const fn = (handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig => ({
  handler: join(FIXTURES, handler),
  timeout: 10,
  ...extra,
});
const SECRET_AUTH = "Bearer failure-log-secret-authorization";
const SECRET_KEY = "failure-log-secret-api-key";

const lambda = (name: string, extra = "") =>
  `{ type: aws_proxy, httpMethod: POST, uri: "${invocationArn(name)}"${extra} }`;

const restApi = (closedPort: number, backend: string) => `
openapi: 3.0.1
info: { title: Failures, version: "1" }
paths:
  /throws:
    get: { x-amazon-apigateway-integration: ${lambda("throws")} }
  /ghost:
    get: { x-amazon-apigateway-integration: ${lambda("nosuchfunction")} }
  /slow:
    get: { x-amazon-apigateway-integration: ${lambda("slow", ", timeoutInMillis: 200")} }
  /refused:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:${closedPort}/pets?key=uri-secret" }
  /unsupported:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: "arn:aws:apigateway:us-east-1:s3:path/my-bucket/key"
        responses: { default: { statusCode: "200" } }
  /template:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/echo"
        requestTemplates: { application/json: '#set($s = "a")$s.replaceAll("(", "x")' }
        responses: { default: { statusCode: "200" } }
  /backend500:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/status/500" }
  /ok:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
`;

const httpApi = `
openapi: 3.0.1
info: { title: FailuresHttp, version: "1" }
paths:
  /throws:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("throws")}", payloadFormatVersion: "2.0" }
`;

type Line = Record<string, unknown> & {
  function?: { name: string; errorType?: string; errorMessage?: string; stackTrace?: string[] };
  backend?: { url: string; code?: string; address?: string; message: string };
  err?: { message: string; stack: string };
};

describe("the operational log tells why the gateway answered 5xx", () => {
  let gw: TestGateway;
  let captured: CapturedLog;
  let backend: EchoBackend;
  let rest: string;
  let http: string;
  let closedPort: number;

  before(async () => {
    closedPort = await freePort();
    backend = await startEchoBackend();
    captured = capturingLog("info");
    gw = await startTestGateway(
      { functions: { throws: fn("handlers.throws"), slow: fn("handlers.slow") } },
      captured.log,
    );
    rest = await gw.deployRest(restApi(closedPort, backend.url), "dev");
    http = await gw.deployHttp(httpApi);
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  /** Calls, then returns the answer and every failure line naming its request id. */
  async function failing(apiId: string, path: string, init: Parameters<TestGateway["call"]>[2] = {}) {
    const r = await gw.call(apiId, path, init);
    const requestId = String(r.headers["x-amzn-requestid"]);
    const lines = captured.lines.map((l) => JSON.parse(l) as Line).filter((l) => l.requestId === requestId);
    return { ...r, requestId, lines };
  }

  /** The one line a failed request must have, with the fields every failure line carries. */
  function oneLine(
    r: Awaited<ReturnType<typeof failing>>,
    expected: { apiId: string; stage: string; route: string; status: number },
  ): Line {
    assert.equal(r.lines.length, 1, `exactly one line for ${r.requestId}: ${JSON.stringify(r.lines)}`);
    const line = r.lines[0]!;
    assert.equal(line.level, 50, "error level");
    assert.equal(line.apiId, expected.apiId);
    assert.equal(line.stage, expected.stage);
    assert.equal(line.route, expected.route);
    assert.equal(line.httpMethod, expected.route.split(" ")[0]);
    assert.equal(line.status, expected.status);
    assert.match(String(line.msg), new RegExp(`answered ${expected.status}: `));
    return line;
  }

  test("a function that throws: 502, its error message, type and stack", async () => {
    const r = await failing(rest, "/dev/throws");
    assert.equal(r.status, 502);
    assert.equal(r.text, '{"message": "Internal server error"}');
    const line = oneLine(r, { apiId: rest, stage: "dev", route: "GET /throws", status: 502 });
    assert.equal(line.resourcePath, "/throws");
    assert.equal(
      line.reason,
      `Lambda execution failed with status 200 due to customer function error: something broke. Lambda request id: ${r.requestId}`,
    );
    assert.equal(line.function?.name, "throws");
    assert.equal(line.function?.errorType, "Error");
    assert.equal(line.function?.errorMessage, "something broke");
    assert.ok(
      line.function?.stackTrace?.some((frame) => frame.includes("handlers.mjs")),
      "the stack names the handler's file",
    );
  });

  test("a function that is not declared: 502, and which name", async () => {
    const r = await failing(rest, "/dev/ghost");
    assert.equal(r.status, 502);
    assert.equal(r.text, '{"message": "Internal server error"}');
    const line = oneLine(r, { apiId: rest, stage: "dev", route: "GET /ghost", status: 502 });
    assert.match(String(line.reason), /configuration error: The function nosuchfunction is not declared/);
    assert.equal(line.function?.name, "nosuchfunction");
  });

  test("the integration timeout: 504 Endpoint request timed out, and the timeout", async () => {
    const r = await failing(rest, "/dev/slow");
    assert.equal(r.status, 504);
    assert.equal(r.text, '{"message":"Endpoint request timed out"}');
    const line = oneLine(r, { apiId: rest, stage: "dev", route: "GET /slow", status: 504 });
    assert.equal(line.reason, "Execution failed due to a timeout error");
    assert.equal(line.timeoutMs, 200);
  });

  test("an unreachable backend: 500, ECONNREFUSED and the address; no credential in the line", async () => {
    const r = await failing(rest, "/dev/refused", {
      headers: { authorization: SECRET_AUTH, "x-api-key": SECRET_KEY },
    });
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    const line = oneLine(r, { apiId: rest, stage: "dev", route: "GET /refused", status: 500 });
    assert.equal(line.reason, "Execution failed due to configuration error: Invalid endpoint address");
    assert.equal(line.backend?.code, "ECONNREFUSED");
    assert.equal(line.backend?.address, `127.0.0.1:${closedPort}`);
    assert.equal(line.backend?.url, `http://127.0.0.1:${closedPort}/pets`, "the URL without its query");
    const text = captured.lines.join("\n");
    for (const secret of [SECRET_AUTH, SECRET_KEY, "uri-secret"]) assert.ok(!text.includes(secret), secret);
  });

  test("an AWS service integration with no endpoint configured: 500, and the setting to make", async () => {
    const r = await failing(rest, "/dev/unsupported");
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    const line = oneLine(r, { apiId: rest, stage: "dev", route: "GET /unsupported", status: 500 });
    assert.match(
      String(line.reason),
      /^Execution failed due to configuration error: No endpoint is configured for the AWS service s3: set services\.s3\.endpoint/,
    );
  });

  test("a request template that throws: 500, Unable to transform request, and the template's error", async () => {
    const r = await failing(rest, "/dev/template", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(r.status, 500);
    assert.equal(r.lines.length, 1, JSON.stringify(r.lines));
    const line = r.lines[0]!;
    assert.equal(line.route, "POST /template");
    assert.match(
      String(line.reason),
      /^Execution failed due to configuration error: Unable to transform request: /,
    );
    assert.match(String(line.err?.message), /pattern cannot be used/);
  });

  test("an HTTP API route: the route key, and HTTP APIs' 500", async () => {
    const r = await failing(http, "/throws");
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message":"Internal Server Error"}');
    const line = oneLine(r, { apiId: http, stage: "$default", route: "GET /throws", status: 500 });
    assert.equal(line.routeKey, "GET /throws");
    assert.equal(line.function?.errorMessage, "something broke");
  });

  test("a backend's own 500 through a proxy, and a success, log nothing", async () => {
    const relayed = await failing(rest, "/dev/backend500");
    assert.equal(relayed.status, 500);
    assert.deepEqual(relayed.lines, [], "the backend's answer is not the gateway's failure");
    const ok = await failing(rest, "/dev/ok");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.lines, []);
  });
});
