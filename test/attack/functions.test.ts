import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import type { FunctionConfig } from "../../src/config/schema.ts";
import { FunctionPool } from "../../src/functions/function-pool.ts";
import { AWS_QUOTAS } from "../../src/model/aws-quotas.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { rawExchange } from "../support/raw-http.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const fn = (handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig => ({
  handler: join(FIXTURES, handler),
  timeout: 30,
  memorySize: 128,
  ...extra,
});
const arn = (name: string) => invocationArn(name);
const proxy = (path: string, name: string) => `
  ${path}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn(name)}" }`;

const REST = `
openapi: 3.0.1
info: { title: FunctionAttacks, version: "1" }
paths:${proxy("/small", "small")}${proxy("/fills", "fillsBuffers")}${proxy("/reserves", "reservesBuffers")}${proxy("/huge-buffer", "oneHugeBuffer")}${proxy("/leaves", "leavesAllocating")}${proxy("/returns/{kind}", "returns")}${proxy("/trailer", "trailer")}${proxy("/no-content", "noContent")}${proxy("/text-status", "textStatus")}${proxy("/forges", "forgesResult")}${proxy("/remote-huge", "remoteHuge")}
  /non-proxy-huge:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("hugeResult")}"
        responses:
          ".*payload size exceeded.*": { statusCode: "502" }
          default: { statusCode: "200" }
  /guarded:
    get:
      security: [{ huge: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("small")}" }
components:
  securitySchemes:
    huge:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${arn("hugeResult")}"
        authorizerResultTtlInSeconds: 0
`;

const HTTP = `
openapi: 3.0.1
info: { title: FunctionAttacksHttp, version: "1" }
paths:
  /cookie:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("crlfCookie")}", payloadFormatVersion: "2.0" }
  /huge/{kind}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("returns")}", payloadFormatVersion: "2.0" }
`;

const INTERNAL_ERROR = '{"message": "Internal server error"}';
const GB = 1024 * 1024 * 1024;
/** The most the gateway process may ever have held resident (its peak), attacks included. */
const RSS_BOUND = 1 * GB;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** A stand-in Lambda Invoke API that does not enforce Lambda's response limit (as some emulators). */
let lambda: Server;
const HUGE_RESULT = JSON.stringify({ statusCode: 200, body: "y".repeat(20 * 1024 * 1024) });

describe("attacks through Lambda functions", () => {
  let gw: TestGateway;
  let rest: string;
  let http: string;
  const logLines: string[] = [];
  before(async () => {
    lambda = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(HUGE_RESULT);
    });
    await new Promise<void>((ok) => lambda.listen(0, "127.0.0.1", () => ok()));
    const endpoint = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
    const log = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
    gw = await startTestGateway(
      {
        functions: {
          small: fn("attacks.small"),
          fillsBuffers: fn("attacks.fillsBuffers"),
          reservesBuffers: fn("attacks.reservesBuffers"),
          oneHugeBuffer: fn("attacks.oneHugeBuffer"),
          leavesAllocating: fn("attacks.leavesAllocating"),
          returns: fn("attacks.returns"),
          crlfCookie: fn("attacks.crlfCookie"),
          trailer: fn("attacks.trailer"),
          noContent: fn("attacks.noContent"),
          textStatus: fn("attacks.textStatus"),
          forgesResult: fn("attacks.forgesResult"),
          hugeResult: fn("attacks.hugeResult"),
          remoteHuge: { remote: { endpoint, functionName: "huge" }, timeout: 30 },
        },
      },
      log,
    );
    rest = await gw.deployRest(REST, "prod");
    http = await gw.deployHttp(HTTP);
  });
  after(async () => {
    await gw.close();
    await new Promise((ok) => lambda.close(ok));
  });

  /** The status line and body as a client reads them off the wire. */
  const raw = async (apiId: string, path: string) => {
    const text = await rawExchange(
      gw.port,
      `GET ${path} HTTP/1.1\r\nHost: ${apiId}.execute-api.us-east-1.localhost\r\nConnection: close\r\n\r\n`,
    );
    return {
      statusLine: text.slice(0, text.indexOf("\r\n")),
      body: text.slice(text.indexOf("\r\n\r\n") + 4),
    };
  };

  const assertFailsAsAws = async (path: string) => {
    const r = await gw.call(rest, path);
    assert.equal(r.status, 502, `${path}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.text, INTERNAL_ERROR, path);
    assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException", path);
  };

  const assertServesNormally = async () => {
    const r = await gw.call(rest, "/prod/small");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, "fine");
  };

  describe("memory: memorySize bounds a function's Buffers, not only its JS heap", () => {
    test("a synchronous loop filling Buffers past memorySize: the invocation fails as out of memory (502), the gateway stays under 1 GB, the next call is served", {
      timeout: 120_000,
    }, async () => {
      await assertFailsAsAws("/prod/fills");
      assert.ok(peakRss() < RSS_BOUND, `peak RSS ${Math.round(peakRss() / 2 ** 20)} MB`);
      assert.ok(process.memoryUsage().rss < RSS_BOUND);
      await assertServesNormally();
      assert.equal((await gw.call(rest, "/prod/fills")).status, 502, "a fresh environment is bounded too");
    });

    test("Buffers allocated but never written count as the function's memory: 502", {
      timeout: 120_000,
    }, async () => {
      await assertFailsAsAws("/prod/reserves");
      assert.ok(peakRss() < RSS_BOUND, `peak RSS ${Math.round(peakRss() / 2 ** 20)} MB`);
      await assertServesNormally();
    });

    test("one Buffer larger than memorySize, filled in a single call: 502 before it is filled", {
      timeout: 120_000,
    }, async () => {
      await assertFailsAsAws("/prod/huge-buffer");
      assert.ok(peakRss() < RSS_BOUND, `peak RSS ${Math.round(peakRss() / 2 ** 20)} MB`);
      await assertServesNormally();
    });

    test("a timer that keeps allocating after the function returned: its idle environment is ended", {
      timeout: 120_000,
    }, async () => {
      const r = await gw.call(rest, "/prod/leaves");
      assert.equal(r.status, 200, r.text);
      const ended = () =>
        logLines.some((l) => {
          const line = JSON.parse(l) as { function?: string; msg?: string };
          return line.function === "leavesAllocating" && /out of memory/.test(line.msg ?? "");
        });
      while (!ended()) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(peakRss() < RSS_BOUND, `peak RSS ${Math.round(peakRss() / 2 ** 20)} MB`);
      assert.equal((await gw.call(rest, "/prod/leaves")).status, 200, "the function runs again, afresh");
    });

    test("out of memory is Lambda's Runtime.OutOfMemory for the invocation", {
      timeout: 120_000,
    }, async () => {
      const pool = new FunctionPool(
        {
          name: "fillsBuffers",
          file: join(FIXTURES, "attacks.mjs"),
          exportName: "fillsBuffers",
          timeoutMs: 30_000,
          memoryMb: 128,
          environment: {},
          concurrency: 1,
          identity: {
            functionName: "fillsBuffers",
            functionVersion: "$LATEST",
            invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fillsBuffers",
            memoryLimitInMB: "128",
            logGroupName: "/aws/lambda/fillsBuffers",
            logStreamName: "2026/01/01/[$LATEST]test",
          },
        },
        pino({ level: "silent" }),
      );
      try {
        const outcome = await pool.invoke("req-oom", {});
        assert.deepEqual(outcome, {
          ok: false,
          errorType: "Runtime.OutOfMemory",
          errorMessage: "RequestId: req-oom Error: Runtime exited with error: signal: killed",
        });
      } finally {
        await pool.close();
      }
    });
  });

  describe("results the gateway cannot write: AWS's 502 for a malformed response, never a broken one", () => {
    test("CR, LF or NUL in a header value, a value beyond Latin-1, a header name that is not a token: 502", async () => {
      for (const kind of [
        "crlf-value",
        "lf-value",
        "nul-value",
        "wide-value",
        "space-name",
        "colon-name",
        "empty-name",
        "crlf-name",
        "multi-crlf",
      ])
        await assertFailsAsAws(`/prod/returns/${kind}`);
      const wire = await raw(rest, "/prod/returns/crlf-value");
      assert.equal(wire.statusLine, "HTTP/1.1 502 Bad Gateway");
      assert.equal(wire.body, INTERNAL_ERROR);
      await assertServesNormally();
    });

    test("a status HTTP cannot end a response with (beyond 100–599, or an interim 1xx): 502", async () => {
      for (const kind of [
        "status-600",
        "status-99",
        "status-1000",
        "status-100",
        "status-101",
        "status-negative",
        "status-fraction",
        "status-text",
      ])
        await assertFailsAsAws(`/prod/returns/${kind}`);
      await assertServesNormally();
    });

    test("a 2.0 cookie with CR/LF: the HTTP API's integration failure, with a proper status line", async () => {
      const r = await gw.call(http, "/cookie");
      assert.equal(r.status, 500, r.text);
      assert.equal(r.text, '{"message":"Internal Server Error"}');
      assert.equal(r.headers["x-injected"], undefined);
      assert.equal((await raw(http, "/cookie")).statusLine, "HTTP/1.1 500 Internal Server Error");
    });

    test("a result posted on the runtime's port with a header Node refuses: 502", async () => {
      await assertFailsAsAws("/prod/forges");
      await assertServesNormally();
    });

    test("what AWS accepts is written correctly: a numeric-string status, a 204 without its body, no Trailer", async () => {
      const created = await gw.call(rest, "/prod/text-status");
      assert.equal(created.status, 201);
      assert.equal(created.text, "created");
      const empty = await gw.call(rest, "/prod/no-content");
      assert.equal(empty.status, 204);
      assert.equal(empty.text, "");
      assert.equal(empty.headers["content-length"], undefined);
      const trailer = await gw.call(rest, "/prod/trailer");
      assert.equal(trailer.status, 200, trailer.text);
      assert.equal(trailer.text, "kept");
      assert.equal(trailer.headers.trailer, undefined);
    });
  });

  describe(`results over Lambda's ${AWS_QUOTAS.lambdaResponseBytes}-byte response limit`, () => {
    test("a 20 MB body or header from AWS_PROXY: 502 (REST) and the HTTP API's integration failure", async () => {
      await assertFailsAsAws("/prod/returns/huge-body");
      await assertFailsAsAws("/prod/returns/huge-header");
      const r = await gw.call(http, "/huge/huge-body");
      assert.equal(r.status, 500, r.text.slice(0, 200));
      assert.equal(r.text, '{"message":"Internal Server Error"}');
      await assertServesNormally();
    });

    test("a 20 MB result from a remote function that does not enforce the limit: 502", async () => {
      await assertFailsAsAws("/prod/remote-huge");
    });

    test("a 20 MB result for a non-proxy integration: Lambda's function error, selected by its message", async () => {
      const r = await gw.call(rest, "/prod/non-proxy-huge");
      assert.equal(r.status, 502, r.text.slice(0, 200));
      assert.deepEqual(JSON.parse(r.text), {
        errorMessage: `Response payload size exceeded maximum allowed payload size (${AWS_QUOTAS.lambdaResponseBytes} bytes).`,
        errorType: "Function.ResponseSizeTooLarge",
        stackTrace: [],
      });
    });

    test("a 20 MB policy from a Lambda authorizer: the authorizer fails (500), the request does not pass", async () => {
      const r = await gw.call(rest, "/prod/guarded", { headers: { authorization: "token" } });
      assert.equal(r.status, 500, r.text.slice(0, 200));
      assert.ok(r.body.length < 1024);
    });
  });
});
