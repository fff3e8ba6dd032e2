import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, CreateDeploymentCommand, UpdateRestApiCommand } from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

/**
 * How a REST API (AWS_PROXY, payload 1.0) reads a Lambda function's result, and HTTP APIs' payload
 * 1.0 where it differs, with a real function that returns whatever JSON the client sends it.
 */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/wIAAgkBAyMAlYwAAAAASUVORK5CYII=";

const rest = (binaryTypes: readonly string[]) => `
openapi: 3.0.1
info: { title: Results, version: "1" }
${binaryTypes.length ? `x-amazon-apigateway-binary-media-types: ${JSON.stringify(binaryTypes)}` : ""}
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("result")}" }
`;

const HTTP = `
openapi: 3.0.1
info: { title: ResultsHttp, version: "1" }
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("result")}", payloadFormatVersion: "1.0" }
`;

interface RawResponse {
  status: number;
  /** As sent: names in their spelling, repeated headers repeated. */
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

describe("Lambda proxy results, read as AWS reads them", () => {
  let gw: TestGateway;
  let plain: string;
  let binary: string;
  let everything: string;
  let http: string;

  /** POSTs `result` as the function's result and reads the answer with its raw headers. */
  const returning = (
    apiId: string,
    result: unknown,
    headers: Record<string, string> = {},
    path = "/prod/r",
  ): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(result);
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: gw.port,
          method: "POST",
          path,
          headers: {
            host: `${apiId}.execute-api.us-east-1.localhost`,
            "content-type": "application/json",
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const bytes = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              rawHeaders: res.rawHeaders,
              body: bytes,
              text: bytes.toString("utf8"),
            });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  /** Every value sent under a name (case-insensitive), with the spelling of each. */
  const valuesOf = (r: RawResponse, name: string): [string, string][] => {
    const found: [string, string][] = [];
    for (let i = 0; i < r.rawHeaders.length; i += 2)
      if (r.rawHeaders[i]!.toLowerCase() === name.toLowerCase())
        found.push([r.rawHeaders[i]!, r.rawHeaders[i + 1]!]);
    return found;
  };
  const header = (r: RawResponse, name: string) => valuesOf(r, name).map(([, v]) => v);

  before(async () => {
    gw = await startTestGateway({
      functions: { result: { handler: join(FIXTURES, "handlers.resultFromBody"), timeout: 3 } },
    });
    plain = await gw.deployRest(rest([]), "prod");
    binary = await gw.deployRest(rest(["image/png", "*/test", "application/*"]), "prod");
    everything = await gw.deployRest(rest(["*/*"]), "prod");
    http = await gw.deployHttp(HTTP);
  });
  after(() => gw.close());

  test("a result that is not AWS's shape is the 502 of a malformed result", async () => {
    for (const result of [
      { statusCode: 200, wrongValue: "value" },
      { statusCode: 200, body: "x", cookies: ["a=1"] },
      "justAString",
      42,
      null,
      [{ statusCode: 200 }],
      { statusCode: "test" },
      { statusCode: 200.5 },
      { statusCode: 200, multiValueHeaders: { "test-multi-invalid": "value1" } },
      { statusCode: 200, headers: ["a", "b"] },
      { statusCode: 200, headers: { nested: { no: 1 } } },
      { statusCode: 200, body: { not: "a string" } },
    ]) {
      const r = await returning(plain, result);
      const what = JSON.stringify(result);
      assert.equal(r.status, 502, what);
      assert.equal(r.text, '{"message": "Internal server error"}', what);
      assert.deepEqual(header(r, "x-amzn-ErrorType"), ["InternalServerErrorException"], what);
      assert.deepEqual(header(r, "content-type"), ["application/json"], what);
      assert.equal(header(r, "x-amzn-RequestId").length, 1, what);
    }
  });

  test("statusCode is optional (200) and may be a string of digits; {} is an empty 200", async () => {
    const empty = await returning(plain, {});
    assert.equal(empty.status, 200);
    assert.equal(empty.text, "");
    assert.deepEqual(header(empty, "content-type"), ["application/json"]);
    assert.deepEqual(header(empty, "content-length"), ["0"]);
    const onlyHeaders = await returning(plain, { headers: { "test-header": "value" } });
    assert.equal(onlyHeaders.status, 200);
    assert.deepEqual(header(onlyHeaders, "test-header"), ["value"]);
    assert.equal((await returning(plain, { statusCode: "201", body: "made" })).status, 201);
    assert.equal((await returning(plain, { statusCode: null })).status, 200);
    const typed = await returning(plain, {
      statusCode: 418,
      headers: { "Content-Type": "text/plain" },
      body: "tea",
    });
    assert.equal(typed.status, 418);
    assert.equal(typed.text, "tea");
    assert.deepEqual(header(typed, "content-type"), ["text/plain"]);
  });

  test("headers may be null; scalar values are sent as text", async () => {
    const nulls = await returning(plain, {
      statusCode: 200,
      headers: null,
      multiValueHeaders: null,
      body: null,
    });
    assert.equal(nulls.status, 200);
    assert.equal(nulls.text, "");
    const scalars = await returning(plain, {
      statusCode: 200,
      headers: { "header-bool": true, "header-number": 7 },
      multiValueHeaders: { "x-list": [1, false] },
    });
    assert.deepEqual(header(scalars, "header-bool"), ["true"]);
    assert.deepEqual(header(scalars, "header-number"), ["7"]);
    assert.deepEqual(header(scalars, "x-list"), ["1", "false"]);
  });

  test("headers and multiValueHeaders merge: multi values first, one name spelled as in multiValueHeaders", async () => {
    const multi = await returning(plain, {
      statusCode: 200,
      multiValueHeaders: { "test-multi": ["value1", "value2"] },
    });
    assert.deepEqual(header(multi, "test-multi"), ["value1", "value2"]);

    const both = await returning(plain, {
      statusCode: 200,
      multiValueHeaders: { "test-multi": ["value-multi"] },
      headers: { "test-multi": "value-solo" },
    });
    assert.deepEqual(header(both, "test-multi"), ["value-multi", "value-solo"]);

    const casing = await returning(plain, {
      statusCode: 200,
      headers: { "test-multi": "value-solo", other: "o" },
      multiValueHeaders: { "tesT-Multi": ["value-multi"] },
    });
    assert.deepEqual(valuesOf(casing, "test-multi"), [
      ["tesT-Multi", "value-multi"],
      ["tesT-Multi", "value-solo"],
    ]);
    assert.deepEqual(header(casing, "other"), ["o"]);

    // The same name and value in both is sent once (the docs' "only the values from multiValueHeaders").
    const same = await returning(plain, {
      statusCode: 200,
      multiValueHeaders: { "x-same": ["a", "b"] },
      headers: { "X-Same": "a" },
    });
    assert.deepEqual(valuesOf(same, "x-same"), [
      ["x-same", "a"],
      ["x-same", "b"],
    ]);
  });

  const png = { statusCode: 200, body: PNG, isBase64Encoded: true, headers: { "Content-Type": "image/png" } };

  test("isBase64Encoded: decoded only when the request's first Accept type is a binary media type", async () => {
    const bytes = Buffer.from(PNG, "base64");
    for (const accept of [
      "image/png",
      "IMAGE/PNG",
      "image/png;q=0.9, text/html",
      "application/pdf",
      "application/*",
    ]) {
      const r = await returning(binary, png, { accept });
      assert.equal(r.status, 200, accept);
      assert.deepEqual(r.body, bytes, `Accept ${accept}: bytes`);
      assert.deepEqual(header(r, "content-length"), [String(bytes.length)], accept);
    }
    for (const accept of [
      "image/jpg", // the response's own Content-Type (image/png) does not count
      "image/*", // a wildcard Accept does not match a concrete type
      "*/*",
      "*/test", // a left-wildcard entry matches nothing, not even itself
      "random/test",
      "text/html, image/png", // only the first type counts
      "",
    ]) {
      const r = await returning(binary, png, { accept });
      assert.equal(r.status, 200, accept);
      assert.equal(r.text, PNG, `Accept ${accept}: the base64 text`);
    }
    const noAccept = await returning(binary, png);
    assert.equal(noAccept.text, PNG, "no Accept header: the base64 text");
    // Without binary media types nothing is decoded.
    assert.equal((await returning(plain, png, { accept: "image/png" })).text, PNG);
    // isBase64Encoded false: the body is text whatever the Accept header.
    assert.equal(
      (await returning(binary, { ...png, isBase64Encoded: false }, { accept: "image/png" })).text,
      PNG,
    );
  });

  test("a */* binary media type makes every base64 result binary, whatever the Accept header", async () => {
    const bytes = Buffer.from(PNG, "base64");
    const requests: Record<string, string>[] = [
      { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
      { accept: "*/*" },
      {},
    ];
    for (const headers of requests) {
      const r = await returning(everything, png, headers);
      assert.deepEqual(r.body, bytes, JSON.stringify(headers));
    }
  });

  test("binary media types take effect with the deployment that carries them", async () => {
    const client = new APIGatewayClient(adminClientConfig(gw));
    const apiId = await gw.deployRest(rest([]), "before");
    await client.send(
      new UpdateRestApiCommand({
        restApiId: apiId,
        patchOperations: [{ op: "add", path: "/binaryMediaTypes/image~1png" }],
      }),
    );
    const accept = { accept: "image/png" };
    assert.equal((await returning(apiId, png, accept, "/before/r")).text, PNG, "not yet deployed");
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "after" }));
    assert.deepEqual((await returning(apiId, png, accept, "/after/r")).body, Buffer.from(PNG, "base64"));
    assert.equal(
      (await returning(apiId, png, accept, "/before/r")).text,
      PNG,
      "the old stage keeps its deployment",
    );
    client.destroy();
  });

  test("HTTP API payload 1.0: base64 results are always decoded; statusCode is required; headers merge", async () => {
    const decoded = await returning(http, png, {}, "/r");
    assert.deepEqual(decoded.body, Buffer.from(PNG, "base64"));
    const missing = await returning(http, { body: "x" }, {}, "/r");
    assert.equal(missing.status, 500);
    assert.equal(missing.text, '{"message":"Internal Server Error"}');
    const both = await returning(
      http,
      { statusCode: 200, multiValueHeaders: { "x-m": ["one"] }, headers: { "x-m": "two" } },
      {},
      "/r",
    );
    assert.deepEqual(header(both, "x-m"), ["one", "two"]);
  });
});
