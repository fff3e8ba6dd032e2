import assert from "node:assert/strict";
import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from "node:http";
import { Socket } from "node:net";
import { test } from "node:test";
import fc from "fast-check";
import {
  type ProxyResponse,
  proxyResponse,
  type ResultRules,
  responseBytes,
  responseV2,
} from "../../src/functions/lambda-result.ts";
import { responseFromWire, responseToWire } from "../../src/functions/proxy-wire.ts";
import { resultTooLarge, textTooLarge } from "../../src/functions/response-limit.ts";
import { AWS_QUOTAS } from "../../src/model/aws-quotas.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/**
 * The Lambda proxy result reader (proxyResponse, for REST and HTTP API payloads 1.0 and 2.0) takes whatever a handler
 * returned, as JSON. Whatever that is, it must not throw, and must give either undefined (the 502 of
 * a malformed result) or a response Node writes as it is: a final status, headers Node's own checks
 * accept, a body.
 */

/** Strings with what breaks headers mixed in: CR, LF, NUL, controls, wide characters. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "a\r\nSet-Cookie: x=1",
    "\n",
    "\r",
    "\u0000",
    "\u007f",
    "\u00ff",
    "\u0100",
    "\u2603",
    "\ud800",
    " ",
    "",
  ),
  fc.tuple(fc.string(), fc.constantFrom("\r\n", "\n", "\u0000", "\t"), fc.string()).map((p) => p.join("")),
);

/** Long strings, some past a megabyte. */
const huge = fc
  .tuple(fc.string({ minLength: 1, maxLength: 3, unit: "binary" }), fc.nat({ max: 400_000 }))
  .map(([s, n]) => s.repeat(n));

const headerName = fc.oneof(
  fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/),
  nasty,
  fc.constantFrom(
    "Content-Length",
    "content-type",
    "Trailer",
    "Transfer-Encoding",
    "Connection",
    "Set-Cookie",
    "__proto__",
    "x-amzn-RequestId",
  ),
);

const scalarish = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), huge);
/** Mostly what a handler writes (strings, numbers), now and then anything. */
const headerValue = fc.oneof(
  { arbitrary: nasty, weight: 6 },
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), huge), weight: 2 },
  { arbitrary: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })), weight: 1 },
);

const status = fc.oneof(
  { arbitrary: fc.integer({ min: 200, max: 599 }), weight: 6 },
  {
    arbitrary: fc.oneof(
      fc.integer({ min: -1000, max: 2000 }),
      fc.constantFrom(100, 101, 199, 204, 304, 599, 600, 0),
      fc.integer({ min: 100, max: 999 }).map(String),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer({ min: 100, max: 599 }), { maxLength: 2 }),
    ),
    weight: 2,
  },
);

const body = fc.oneof(
  { arbitrary: fc.oneof(nasty, huge, fc.base64String()), weight: 6 },
  { arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), weight: 1 },
);

const sometimes = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: odd, weight: 1 });

const shaped = fc.record(
  {
    statusCode: status,
    headers: sometimes(
      fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
      fc.oneof(scalarish, fc.array(nasty)),
    ),
    multiValueHeaders: sometimes(
      fc.dictionary(headerName, fc.array(headerValue, { maxLength: 4 }), { maxKeys: 4 }),
      fc.oneof(scalarish, fc.dictionary(headerName, scalarish, { maxKeys: 2 })),
    ),
    body,
    isBase64Encoded: sometimes(fc.boolean(), fc.constantFrom("true", 1, null)),
    cookies: sometimes(
      fc.array(nasty, { maxLength: 4 }),
      fc.oneof(scalarish, fc.array(fc.jsonValue({ maxDepth: 1 }))),
    ),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

/** What a handler may return, as the JSON Lambda sends (the reader is only ever given that). */
const result = fc
  .oneof({ arbitrary: shaped, weight: 8 }, fc.jsonValue({ maxDepth: 4 }), nasty, huge)
  .map((v) => JSON.parse(JSON.stringify(v) ?? "null") as unknown);

/** Writes the response's head as the AWS_PROXY integration does, on a response with no socket. */
function writeHead(response: ProxyResponse): void {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  const bytes = responseBytes(response, true);
  res.writeHead(response.statusCode, [
    ...response.headers,
    "Content-Type",
    "application/json",
    "Content-Length",
    String(typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length),
  ]);
}

function assertWritable(response: ProxyResponse): void {
  assert.ok(Number.isInteger(response.statusCode), `status ${response.statusCode}`);
  assert.ok(response.statusCode >= 200 && response.statusCode <= 599, `status ${response.statusCode}`);
  assert.equal(response.headers.length % 2, 0);
  for (let i = 0; i < response.headers.length; i += 2) {
    const name = response.headers[i]!;
    validateHeaderName(name);
    validateHeaderValue(name, response.headers[i + 1]!);
    assert.ok(
      !["content-length", "transfer-encoding", "connection", "trailer"].includes(name.toLowerCase()),
      `the gateway's own header ${name}`,
    );
  }
  assert.equal(typeof response.body, "string");
  assert.equal(typeof response.isBase64Encoded, "boolean");
  writeHead(response);
}

const REST_KEYS = ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"];

const RULES: readonly ResultRules[] = [
  { apiType: "REST", format: "1.0" },
  { apiType: "HTTP", format: "1.0" },
  { apiType: "HTTP", format: "2.0" },
];

for (const rules of RULES) {
  test(`${rules.apiType} payload ${rules.format}: any result is a writable response or the malformed-result 502, never a throw`, () => {
    fc.assert(
      fc.property(result, (value) => {
        const response = proxyResponse(rules, value);
        if (response === undefined) return;
        if (rules.apiType === "REST") {
          // A REST result AWS accepts is an object with only AWS's keys.
          assert.ok(value !== null && typeof value === "object" && !Array.isArray(value));
          for (const key of Object.keys(value)) assert.ok(REST_KEYS.includes(key), `key ${key}`);
        }
        assertWritable(response);
        // What a worker sends for it is what the gateway accepts back, unless it is over Lambda's limit.
        const back = responseFromWire(responseToWire(response));
        if (!textTooLarge(response.body)) assert.deepEqual(back, response);
        else assert.equal(back, undefined);
      }),
      fuzzParameters(),
    );
  });
}

test("the response limit is decided as Lambda measures it: the UTF-8 bytes of the result's JSON", () => {
  const LIMIT = AWS_QUOTAS.lambdaResponseBytes;
  // Near the limit: a body of about 1–6.5 MB (ASCII, escapes, multi-byte text) and small parts around it.
  const nearLimit = fc
    .tuple(
      fc.constantFrom("x", "é", "\u2603", '"', "\n", "\u0001", "\ud83d\ude00"),
      fc.integer({ min: 1024 * 1024, max: LIMIT + 1024 * 1024 }),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([unit, bytes, rest]) => ({
      statusCode: 200,
      body: unit.repeat(Math.ceil(bytes / Buffer.byteLength(JSON.stringify(unit).slice(1, -1)))),
      rest,
    }));
  fc.assert(
    fc.property(fc.oneof(nearLimit, result), (value) => {
      const exact = Buffer.byteLength(JSON.stringify(value) ?? "null") > LIMIT;
      assert.equal(resultTooLarge(value), exact);
    }),
    { ...fuzzParameters(), numRuns: Math.ceil(fuzzParameters().numRuns / 3) },
  );
});

test("found by this harness: a 2.0 cookie that is not text (an object, a list) is a malformed result, not a throw", () => {
  for (const cookie of [{ toString: false }, {}, ["a=1"], null])
    assert.equal(responseV2({ statusCode: 200, cookies: [cookie] }), undefined, JSON.stringify(cookie));
  assert.ok(responseV2({ statusCode: 200, cookies: ["a=1", 7] }), "strings and numbers are cookies");
});
