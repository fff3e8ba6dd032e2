import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FinishedRequest } from "../../src/gateway/context.ts";
import { REST_RESPONSES } from "../../src/gateway/responses/catalogue.ts";
import {
  compileAccessLogFormat,
  namesTheRequest,
  parseAccessLogFormat,
} from "../../src/mapping/access-log-format.ts";

// The access-log format compiler on its own: how references are found, how values are escaped, what
// a variable that does not apply prints. The formats' shapes on real requests: test/observe/.

const STAGE = {
  apiId: "abc123defg",
  apiType: "REST" as const,
  stageName: "prod",
  deploymentId: "dep1",
  accountId: "000000000000",
  responses: REST_RESPONSES,
};

function finished(overrides: Partial<FinishedRequest> = {}, userAgent = "curl/8"): FinishedRequest {
  return {
    requestId: "11111111-2222-3333-4444-555555555555",
    extendedRequestId: "AbCdEfGhIjKlMnO=",
    req: {
      method: "GET",
      url: "/prod/nowhere?x=1",
      httpVersion: "1.1",
      rawHeaders: ["Host", "abc123defg.execute-api.us-east-1.localhost:8080", "User-Agent", userAgent],
      socket: { remoteAddress: "::ffff:10.1.2.3" },
    } as unknown as FinishedRequest["req"],
    startMs: Date.UTC(2026, 11, 7, 10, 15, 2),
    latencyMs: 12.6,
    statusCode: 403,
    responseBytes: 42,
    gatewayResponse: REST_RESPONSES.MISSING_AUTHENTICATION_TOKEN,
    ...overrides,
  };
}

describe("access-log formats", () => {
  test("references are `$context.` and a dotted name; a trailing dot is text", () => {
    const { literals, names } = parseAccessLogFormat(
      "id=$context.requestId. ip=$context.identity.sourceIp$context.x",
    );
    assert.deepEqual(names, ["requestId", "identity.sourceIp", "x"]);
    assert.deepEqual(literals, ["id=", ". ip=", "", ""]);
  });

  test("a format must name $context.requestId or $context.extendedRequestId, not a longer name", () => {
    assert.equal(namesTheRequest("$context.requestId"), true);
    assert.equal(namesTheRequest("x $context.extendedRequestId y"), true);
    assert.equal(namesTheRequest("$context.requestIdentity $context.status"), false);
    assert.equal(namesTheRequest("$requestId"), false);
  });

  test("values of a request no route matched: the connection's address, `-` for the rest, the gateway's error", () => {
    const line = compileAccessLogFormat(
      "$context.identity.sourceIp|$context.resourcePath|$context.path|$context.domainName|$context.domainPrefix|$context.requestTime|$context.responseLatency|$context.error.responseType|$context.error.message|$context.error.messageString|$context.waf.status|$context.stage|$context.apiId",
      STAGE,
    );
    assert.equal(
      line(finished()),
      '10.1.2.3|-|/prod/nowhere|abc123defg.execute-api.us-east-1.localhost|abc123defg|07/Dec/2026:10:15:02 +0000|13|MISSING_AUTHENTICATION_TOKEN|Missing Authentication Token|"Missing Authentication Token"|-|prod|abc123defg',
    );
  });

  test("outside XML, quotes, backslashes and control characters are escaped as in a JSON string", () => {
    const line = compileAccessLogFormat(
      '{"ua":"$context.identity.userAgent","id":"$context.requestId"}',
      STAGE,
    );
    const text = line(finished({}, 'a "b" \\ c\td'));
    assert.equal(JSON.parse(text).ua, 'a "b" \\ c\td');
    assert.ok(!text.includes("\t"));
  });

  test("$context.error.messageString is a JSON string literal, written as it is: the line stays JSON", () => {
    const line = compileAccessLogFormat(
      '{"id":"$context.requestId","error":$context.error.messageString}',
      STAGE,
    );
    const quoted = REST_RESPONSES.MISSING_AUTHENTICATION_TOKEN;
    assert.deepEqual(
      JSON.parse(
        line(
          finished({ gatewayResponse: { ...quoted, body: JSON.stringify({ message: 'say "no" \\ then' }) } }),
        ),
      ),
      {
        id: "11111111-2222-3333-4444-555555555555",
        error: 'say "no" \\ then',
      },
    );
  });

  test("in XML formats, values are XML-escaped", () => {
    const line = compileAccessLogFormat(
      '<r id="$context.requestId"><ua>$context.identity.userAgent</ua></r>',
      STAGE,
    );
    assert.equal(
      line(finished({}, `<x> & "y" 'z'`)),
      '<r id="11111111-2222-3333-4444-555555555555"><ua>&lt;x&gt; &amp; &quot;y&quot; &apos;z&apos;</ua></r>',
    );
  });

  test("numbers are written as numbers: status, lengths, latencies, epoch", () => {
    const line = compileAccessLogFormat(
      '{"s":$context.status,"n":$context.responseLength,"t":$context.requestTimeEpoch,"id":"$context.requestId"}',
      STAGE,
    );
    assert.deepEqual(JSON.parse(line(finished())), {
      s: 403,
      n: 42,
      t: Date.UTC(2026, 11, 7, 10, 15, 2),
      id: "11111111-2222-3333-4444-555555555555",
    });
  });
});
