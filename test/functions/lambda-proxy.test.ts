import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import type { FunctionConfig } from "../../src/config/schema.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const fn = (handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig => ({
  handler: join(FIXTURES, handler),
  timeout: 1,
  ...extra,
});
const arn = (name: string) => invocationArn(name);
const route = (path: string, name: string, method = "get") => `
  ${path}:
    ${method}:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn(name)}" }`;

const REST = `
openapi: 3.0.1
info: { title: Lambdas, version: "1" }
x-amazon-apigateway-binary-media-types: [application/octet-stream]
paths:${route("/echo/{id}", "echo", "x-amazon-apigateway-any-method")}${route("/callback", "callbackStyle")}${route("/throws", "throws")}${route("/slow", "slow")}${route("/crash", "crash")}${route("/exits", "exits")}${route("/hog", "hog")}${route("/malformed", "malformed")}${route("/badbody", "badBody")}${route("/binary", "binary")}${route("/cjs", "cjs")}${route("/ts", "ts")}${route("/broken", "broken")}${route("/missing", "nosuchfunction")}${route("/logs", "logs")}${route("/json", "jsonSemantics")}${route("/bigint", "bigint")}${route("/garbage", "garbage")}
`;

const HTTP = `
openapi: 3.0.1
info: { title: LambdasHttp, version: "1" }
paths:
  /v2/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("echo")}", payloadFormatVersion: "2.0" }
  /plain:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("plain")}", payloadFormatVersion: "2.0" }
  /cookies:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("cookies")}", payloadFormatVersion: "2.0" }
  /v1:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("echo")}", payloadFormatVersion: "1.0" }
  /throws:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("throws")}", payloadFormatVersion: "2.0" }
`;

describe("AWS_PROXY integrations with real handlers in worker threads", () => {
  let gw: TestGateway;
  let rest: string;
  let http: string;
  const logLines: string[] = [];
  before(async () => {
    const log = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
    gw = await startTestGateway(
      {
        functions: {
          echo: fn("handlers.echo", { environment: { GREETING: "hi" }, memorySize: 256 }),
          callbackStyle: fn("handlers.callbackStyle"),
          throws: fn("handlers.throws"),
          slow: fn("handlers.slow"),
          crash: fn("handlers.crash"),
          exits: fn("handlers.exits"),
          hog: fn("handlers.hog", { timeout: 10, memorySize: 128 }),
          malformed: fn("handlers.malformed"),
          badBody: fn("handlers.badBody"),
          binary: fn("handlers.binary"),
          plain: fn("handlers.plain"),
          logs: fn("handlers.logs"),
          jsonSemantics: fn("handlers.jsonSemantics"),
          bigint: fn("handlers.bigint"),
          garbage: fn("handlers.garbage"),
          cookies: fn("handlers.cookies"),
          cjs: fn("commonjs.handler"),
          ts: fn("typed.handler"),
          broken: fn("broken.handler"),
        },
      },
      log,
    );
    rest = await gw.deployRest(REST, "prod", { colour: "blue" });
    http = await gw.deployHttp(HTTP);
  });
  after(() => gw.close());

  test("REST payload 1.0: AWS's event fields, context and environment", async () => {
    const r = await gw.call(rest, "/prod/echo/a%2Bb?x=1&x=2&y=a+b", {
      method: "POST",
      headers: { "x-multi": ["one", "two"], "content-type": "application/json", "user-agent": "tests" },
      body: '{"hello":"world"}',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["x-fn"], "echo");
    assert.deepEqual(r.headers["x-multi"], ["a", "b"]);
    assert.ok(r.headers["x-amzn-requestid"]);
    const { event, context, env } = JSON.parse(r.text);
    assert.equal(event.resource, "/echo/{id}");
    assert.equal(event.path, "/echo/a%2Bb");
    assert.equal(event.httpMethod, "POST");
    assert.deepEqual(event.pathParameters, { id: "a%2Bb" }, "path parameters are not URL-decoded");
    assert.deepEqual(event.queryStringParameters, { x: "2", y: "a b" });
    assert.deepEqual(event.multiValueQueryStringParameters, { x: ["1", "2"], y: ["a b"] });
    assert.equal(event.headers["x-multi"], "two");
    assert.deepEqual(event.multiValueHeaders["x-multi"], ["one", "two"]);
    assert.deepEqual(event.stageVariables, { colour: "blue" });
    assert.equal(event.body, '{"hello":"world"}');
    assert.equal(event.isBase64Encoded, false);
    const rc = event.requestContext;
    assert.equal(rc.apiId, rest);
    assert.equal(rc.stage, "prod");
    assert.equal(rc.resourcePath, "/echo/{id}");
    assert.equal(rc.path, "/prod/echo/a%2Bb");
    assert.equal(rc.accountId, "000000000000");
    assert.equal(rc.identity.sourceIp, "127.0.0.1");
    assert.equal(rc.identity.userAgent, "tests");
    assert.equal(rc.requestId, r.headers["x-amzn-requestid"]);
    assert.match(rc.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.equal(typeof rc.requestTimeEpoch, "number");
    assert.equal(context.functionName, "echo");
    assert.equal(context.functionVersion, "$LATEST");
    assert.equal(context.invokedFunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:echo");
    assert.equal(context.memoryLimitInMB, "256");
    assert.equal(context.logGroupName, "/aws/lambda/echo");
    assert.equal(context.awsRequestId, rc.requestId);
    assert.ok(context.remaining > 0 && context.remaining <= 1000);
    assert.deepEqual(env, { GREETING: "hi", AWS_LAMBDA_FUNCTION_NAME: "echo" });
  });

  test("binary media types arrive base64-encoded; a base64 result is sent as bytes", async () => {
    const r = await gw.call(rest, "/prod/echo/bin", {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from([0, 255, 1]),
    });
    const { event } = JSON.parse(r.text);
    assert.equal(event.isBase64Encoded, true);
    assert.equal(event.body, Buffer.from([0, 255, 1]).toString("base64"));
    // Decoded because the first Accept type is a binary media type (see lambda-proxy-results.test.ts).
    const bin = await gw.call(rest, "/prod/binary", { headers: { accept: "application/octet-stream" } });
    assert.deepEqual([...bin.body], [0, 1, 2, 250, 255]);
    assert.equal(bin.headers["content-type"], "image/png");
  });

  test("callback style, CommonJS and TypeScript handlers", async () => {
    const cb = await gw.call(rest, "/prod/callback");
    assert.equal(cb.status, 201);
    assert.equal(cb.text, "from a callback");
    assert.equal((await gw.call(rest, "/prod/cjs")).text, "cjs GET");
    assert.equal((await gw.call(rest, "/prod/ts")).text, "ts /ts");
  });

  test("throwing, timing out, crashing, exiting, running out of memory, malformed results: 502, gateway healthy", async () => {
    for (const path of [
      "/throws",
      "/slow",
      "/crash",
      "/exits",
      "/hog",
      "/malformed",
      "/badbody",
      "/bigint",
      "/broken",
      "/missing",
    ]) {
      const r = await gw.call(rest, `/prod${path}`);
      assert.equal(r.status, 502, `${path}: ${r.status} ${r.text}`);
      assert.equal(r.text, '{"message": "Internal server error"}', path);
      assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
    }
    // The pools recover: the same functions answer again, and others were never disturbed.
    assert.equal((await gw.call(rest, "/prod/callback")).status, 201);
    assert.equal((await gw.call(rest, "/prod/echo/again")).status, 200);
  });

  test("a result is read as the JSON Lambda sends: Dates become strings, undefined values vanish", async () => {
    const r = await gw.call(rest, "/prod/json");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, "serialised");
    assert.equal(r.headers["x-when"], "1970-01-01T00:00:00.000Z");
    assert.equal(r.headers["x-gone"], undefined);
  });

  test("garbage a function posts on its runtime's port is ignored; its own result still counts", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await gw.call(rest, "/prod/garbage");
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, "still here");
    }
    assert.equal((await gw.call(rest, "/prod/echo/after-garbage")).status, 200);
  });

  test("console output goes to the gateway's log, not to the response", async () => {
    const r = await gw.call(rest, "/prod/logs");
    assert.equal(r.text, "logged");
    const requestId = String(r.headers["x-amzn-requestid"]);
    const line = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.function === "logs");
    assert.ok(line, "the function's console.log reached the gateway log");
    assert.equal(line.msg, `handling ${requestId}`);
    assert.equal(line.requestId, requestId);
  });

  test("HTTP API payload 2.0: event shape, cookies, inferred responses, errors as 500", async () => {
    const r = await gw.call(http, "/v2/a/b?x=1&x=2", {
      method: "POST",
      headers: { cookie: "s=1; t=2", "x-multi": ["one", "two"], "content-type": "text/plain" },
      body: "hi",
    });
    assert.equal(r.status, 200, r.text);
    const { event } = JSON.parse(r.text);
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "ANY /v2/{proxy+}");
    assert.equal(event.rawPath, "/v2/a/b");
    assert.equal(event.rawQueryString, "x=1&x=2");
    assert.deepEqual(event.cookies, ["s=1", "t=2"]);
    assert.equal(event.headers["x-multi"], "one,two");
    assert.deepEqual(event.queryStringParameters, { x: "1,2" });
    assert.deepEqual(event.pathParameters, { proxy: "a/b" });
    assert.equal(event.requestContext.http.method, "POST");
    assert.equal(event.requestContext.http.sourceIp, "127.0.0.1");
    assert.equal(event.requestContext.stage, "$default");
    assert.equal(event.body, "hi");
    assert.equal(event.isBase64Encoded, false);

    const plain = await gw.call(http, "/plain");
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(plain.text), { hello: "v2", path: "/plain" });
    const cookies = await gw.call(http, "/cookies");
    assert.deepEqual(cookies.headers["set-cookie"], ["a=1", "b=2"]);
    const v1 = JSON.parse((await gw.call(http, "/v1")).text).event;
    assert.equal(v1.version, "1.0");
    assert.equal(v1.requestContext.routeKey, "GET /v1");
    const failed = await gw.call(http, "/throws");
    assert.equal(failed.status, 500);
    assert.equal(failed.text, '{"message":"Internal Server Error"}');
  });
});

describe("function lifecycle", () => {
  test("--watch: editing a handler file takes effect without a restart", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "portico-watch-"));
    const file = join(dir, "live.mjs");
    writeFileSync(file, 'export const handler = async () => ({ statusCode: 200, body: "v1" });\n');
    const gw = await startTestGateway({
      watch: true,
      functions: { live: { handler: join(dir, "live.handler") } },
    });
    try {
      const api = await gw.deployRest(
        `openapi: 3.0.1\ninfo: { title: Live, version: "1" }\npaths:${route("/live", "live")}\n`,
        "dev",
      );
      assert.equal((await gw.call(api, "/dev/live")).text, "v1");
      writeFileSync(file, 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
      let text = "";
      for (let i = 0; i < 50 && text !== "v2"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        text = (await gw.call(api, "/dev/live")).text;
      }
      assert.equal(text, "v2");
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a declared function whose handler file does not exist fails start-up, naming it", async () => {
    await assert.rejects(
      startTestGateway({ functions: { ghost: { handler: join(FIXTURES, "nothing.handler") } } }),
      /functions\.ghost\.handler: no module for .*nothing\.handler/,
    );
  });
});
