import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetStageCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { rawExchange } from "../support/raw-http.ts";

/**
 * The Lambda proxy event (REST, payload 1.0) as AWS builds it (AWS-BEHAVIOUR.md §12.1, §12.4, §12.7,
 * §12.10): which headers it carries and how they are spelt, what the gateway adds, requestContext,
 * and the path as routing sees it. The function is a real one in a worker thread, echoing its event.
 */

const ECHO = join(import.meta.dirname, "..", "fixtures", "functions", "handlers.echo");
const proxy = (extra = "") =>
  `{ type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}"${extra} }`;

const rest = (endpoint: string) => `
openapi: 3.0.1
info: { title: Events ${endpoint}, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [${endpoint}] }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: ${proxy()}
  /hardcoded:
    get:
      x-amazon-apigateway-integration: ${proxy()}
  /keyed:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: ${proxy()}
  /mapped/{pathVariable}:
    post:
      parameters:
        - { name: pathVariable, in: path, required: true, schema: { type: string } }
        - { name: foobar, in: header, schema: { type: string } }
        - { name: testQueryString, in: query, schema: { type: string } }
      x-amazon-apigateway-integration: ${proxy(`, requestParameters: { integration.request.header.headerVar: method.request.header.foobar, integration.request.querystring.mappedQs: method.request.querystring.testQueryString, integration.request.path.other: method.request.path.pathVariable }`)}
  /by-get:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: GET, uri: "${invocationArn("echo")}" }
  /custom-by-get:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: "${invocationArn("echo")}"
        responses: { default: { statusCode: "200" } }
`;

const HTTP_API = `
openapi: 3.0.1
info: { title: EventsHttp, version: "1" }
paths:
  /v2:
    post:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}", payloadFormatVersion: "2.0" }
  /v1:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}", payloadFormatVersion: "1.0" }
`;

type Event = {
  resource: string;
  path: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  pathParameters: Record<string, string> | null;
  body: string | null;
  isBase64Encoded: boolean;
  requestContext: Record<string, unknown> & { path: string; identity: Record<string, unknown> };
};

const CLIENT_TRACE = "Root=1-5f2330a4-6a0de1cd0e17c0508d386a64;Parent=53995c3f42cd8ad8;Sampled=1";
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/;

describe("the Lambda proxy event AWS builds (REST, payload 1.0)", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let edge: string;
  let regional: string;
  let http: string;
  before(async () => {
    gw = await startTestGateway({ functions: { echo: { handler: ECHO, timeout: 3 } } });
    client = new APIGatewayClient(adminClientConfig(gw));
    edge = await gw.deployRest(rest("EDGE"), "prod");
    regional = await gw.deployRest(rest("REGIONAL"), "prod");
    http = await gw.deployHttp(HTTP_API);
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  const eventOf = async (
    api: string,
    path: string,
    init: Parameters<TestGateway["call"]>[2] = {},
  ): Promise<{ event: Event; headers: Record<string, string | string[] | undefined> }> => {
    const r = await gw.call(api, path, init);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return { event: (JSON.parse(r.text) as { event: Event }).event, headers: r.headers };
  };

  const lowerNames = (headers: Record<string, unknown>) => Object.keys(headers).map((n) => n.toLowerCase());

  test("every client header, Authorization included, minus the restricted ones; well-known names re-cased", async () => {
    // A raw request: a well-behaved client will not send most of the restricted headers.
    const head = [
      "GET /prod/anything HTTP/1.1",
      `Host: ${regional}.execute-api.us-east-1.localhost`,
      "authorization: random-value",
      "user-Agent: test/integration",
      "tEsT-HEADeR: aValUE",
      "Accept: */*",
      "Content-MD5: request_Content-MD5",
      "Max-Forwards: 2",
      "Proxy-Authenticate: Basic",
      "Server: https://example.com/",
      "TE: deflate",
      "Trailer: Expires",
      "WWW-Authenticate: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
      "Keep-Alive: timeout=5",
      "Transfer-Encoding: chunked",
      "Connection: close",
      "",
      "0",
      "",
      "",
    ].join("\r\n");
    const answer = await rawExchange(gw.port, head);
    assert.match(answer, /^HTTP\/1\.1 200 /, answer);
    const event = (JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { event: Event }).event;
    assert.equal(event.headers.Authorization, "random-value");
    assert.equal(event.headers["User-Agent"], "test/integration");
    assert.equal(event.headers["tEsT-HEADeR"], "aValUE", "other names keep the client's spelling");
    assert.equal(event.headers.Accept, "*/*");
    assert.ok(event.headers.Host?.startsWith(regional));
    assert.deepEqual(event.multiValueHeaders.Authorization, ["random-value"]);
    for (const name of [
      "authorization",
      "user-Agent",
      "connection",
      "content-md5",
      "max-forwards",
      "proxy-authenticate",
      "server",
      "te",
      "trailer",
      "www-authenticate",
      "keep-alive",
      "transfer-encoding",
      "content-length",
    ]) {
      const spelt = name === "authorization" || name === "user-Agent";
      const where = spelt ? Object.keys(event.headers) : lowerNames(event.headers);
      assert.ok(!where.includes(name), `${name} is not in the event's headers`);
      assert.ok(
        !(spelt ? Object.keys(event.multiValueHeaders) : lowerNames(event.multiValueHeaders)).includes(name),
      );
    }
    assert.equal(event.body, null, "an empty body is no body");
    assert.equal(event.isBase64Encoded, false);
  });

  test("the gateway's X-Forwarded-For/-Port/-Proto and X-Amzn-Trace-Id; the response returns that trace id", async () => {
    const { event, headers } = await eventOf(regional, "/prod/anything", {
      headers: { "x-forwarded-for": "203.0.113.9", "x-amzn-trace-id": CLIENT_TRACE },
    });
    assert.equal(event.headers["X-Forwarded-For"], "203.0.113.9, 127.0.0.1");
    assert.equal(event.headers["X-Forwarded-Port"], String(gw.port));
    assert.equal(event.headers["X-Forwarded-Proto"], "http");
    assert.equal(event.headers["X-Amzn-Trace-Id"], CLIENT_TRACE, "the client's trace goes on");
    assert.deepEqual(event.multiValueHeaders["X-Amzn-Trace-Id"], [CLIENT_TRACE]);
    for (const name of ["x-forwarded-for", "x-amzn-trace-id"])
      assert.equal(lowerNames(event.headers).filter((n) => n === name).length, 1, `one ${name}`);
    assert.equal(headers["x-amzn-trace-id"], CLIENT_TRACE);

    const fresh = await eventOf(regional, "/prod/anything");
    assert.equal(fresh.event.headers["X-Forwarded-For"], "127.0.0.1");
    assert.match(fresh.event.headers["X-Amzn-Trace-Id"]!, TRACE);
    assert.equal(fresh.headers["x-amzn-trace-id"], fresh.event.headers["X-Amzn-Trace-Id"]);
  });

  test("EDGE: CloudFront's headers as AWS's edge sends them, https and one Via per request", async () => {
    const first = (await eventOf(edge, "/prod/anything")).event;
    const second = (await eventOf(edge, "/prod/anything")).event;
    assert.equal(first.headers["CloudFront-Forwarded-Proto"], "https");
    assert.deepEqual(first.multiValueHeaders["CloudFront-Forwarded-Proto"], ["https"]);
    assert.equal(first.headers["CloudFront-Is-Desktop-Viewer"], "true");
    assert.equal(first.headers["CloudFront-Is-Mobile-Viewer"], "false");
    assert.match(first.headers.Via!, /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    assert.notEqual(first.headers.Via, second.headers.Via);
    assert.match(first.headers["X-Amz-Cf-Id"]!, /^[A-Za-z0-9_-]{56}$/);
    assert.notEqual(first.headers["X-Amz-Cf-Id"], second.headers["X-Amz-Cf-Id"]);

    const plain = (await eventOf(regional, "/prod/anything", { headers: { via: "p.example.net" } })).event;
    assert.deepEqual(
      lowerNames(plain.headers).filter((n) => n.startsWith("cloudfront-") || n === "x-amz-cf-id"),
      [],
    );
    assert.equal(plain.headers.via, "p.example.net", "a REGIONAL API passes the client's Via on");
  });

  test("requestContext: the stage's deployment, the path with the stage, AWS's identity fields", async () => {
    const stage = await client.send(new GetStageCommand({ restApiId: regional, stageName: "prod" }));
    const { event } = await eventOf(regional, "/prod/some/where", { headers: { "user-agent": "tests" } });
    const rc = event.requestContext;
    assert.equal(rc.deploymentId, stage.deploymentId);
    assert.equal(rc.path, "/prod/some/where");
    assert.equal(rc.resourcePath, "/{proxy+}");
    assert.equal(rc.stage, "prod");
    assert.equal(rc.protocol, "HTTP/1.1");
    assert.deepEqual(Object.keys(rc.identity).sort(), [
      "accessKey",
      "accountId",
      "caller",
      "cognitoAuthenticationProvider",
      "cognitoAuthenticationType",
      "cognitoIdentityId",
      "cognitoIdentityPoolId",
      "principalOrgId",
      "sourceIp",
      "user",
      "userAgent",
      "userArn",
    ]);
    assert.equal(rc.identity.sourceIp, "127.0.0.1");
    assert.equal(rc.identity.userAgent, "tests");
    assert.equal(rc.identity.caller, null);
  });

  test("requestContext.identity names the API key of a method that requires one", async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: "event-key", enabled: true }));
    const plan = await client.send(
      new CreateUsagePlanCommand({ name: "event-plan", apiStages: [{ apiId: regional, stage: "prod" }] }),
    );
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
    );
    const { event } = await eventOf(regional, "/prod/keyed", { headers: { "x-api-key": key.value! } });
    assert.equal(event.requestContext.identity.apiKey, key.value);
    assert.equal(event.requestContext.identity.apiKeyId, key.id);
    assert.equal(event.headers["x-api-key"], key.value);
  });

  test("paths: leading empty segments ignored, inner ones kept, a trailing slash kept but not in {proxy+}", async () => {
    const cases: [string, string, string, Record<string, string> | null, string][] = [
      // request path, event.path, requestContext.path, pathParameters, resource
      ["/prod/proxy-value/", "/proxy-value/", "/prod/proxy-value/", { proxy: "proxy-value" }, "/{proxy+}"],
      ["/prod/a//b", "/a//b", "/prod/a//b", { proxy: "a//b" }, "/{proxy+}"],
      ["/prod/a//b/", "/a//b/", "/prod/a//b/", { proxy: "a//b" }, "/{proxy+}"],
      ["//prod/proxy-value", "/proxy-value", "/prod/proxy-value", { proxy: "proxy-value" }, "/{proxy+}"],
      ["/prod//proxy-value", "/proxy-value", "/prod//proxy-value", { proxy: "proxy-value" }, "/{proxy+}"],
      ["/prod//hardcoded", "/hardcoded", "/prod//hardcoded", null, "/hardcoded"],
    ];
    for (const [path, eventPath, contextPath, params, resource] of cases) {
      const { event } = await eventOf(regional, path);
      assert.equal(event.path, eventPath, path);
      assert.equal(event.requestContext.path, contextPath, path);
      assert.deepEqual(event.pathParameters, params, path);
      assert.equal(event.resource, resource, path);
    }
  });

  test("paths: encoded characters stay as sent in path and pathParameters", async () => {
    const raw = "/x/test%2Balias@gmail.com/plus/test+alias@gmail.com";
    const { event } = await eventOf(regional, `/prod${raw}`);
    assert.equal(event.path, raw);
    assert.equal(event.requestContext.path, `/prod${raw}`);
    assert.deepEqual(event.pathParameters, { proxy: raw.slice(1) });
  });

  test("a proxy integration ignores its requestParameters", async () => {
    const { event } = await eventOf(regional, "/prod/mapped/foobar?testQueryString=foo&testVar=bar", {
      method: "POST",
      headers: { foobar: "mapped-value", headerVar: "request-value", "content-type": "application/json" },
      body: '{"message": "hello world"}',
    });
    assert.equal(event.headers.headerVar, "request-value", "the client's value, not the mapped one");
    assert.deepEqual(event.queryStringParameters, { testQueryString: "foo", testVar: "bar" });
    assert.deepEqual(event.pathParameters, { pathVariable: "foobar" });
    assert.equal(event.body, '{"message": "hello world"}');
  });

  test("a Lambda integration not invoked with POST answers AWS's 500 on every call", async () => {
    for (const path of ["/prod/by-get", "/prod/custom-by-get"]) {
      const r = await gw.call(regional, path);
      assert.equal(r.status, 500, `${path}: ${r.text}`);
      assert.equal(r.text, '{"message": "Internal server error"}');
      assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
    }
  });

  test("HTTP API events carry the gateway's forwarding headers and trace id too", async () => {
    const v2 = (
      await eventOf(http, "/v2", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" })
    ).event;
    assert.equal(v2.headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(v2.headers["x-forwarded-proto"], "http");
    assert.match(v2.headers["x-amzn-trace-id"]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(v2.headers["content-length"], "2", "HTTP APIs have no restricted request headers");
    const v1 = (await eventOf(http, "/v1", { headers: { "user-agent": "tests" } })).event;
    assert.equal(v1.headers["X-Forwarded-For"], "127.0.0.1");
    assert.equal(v1.headers["User-Agent"], "tests");
    assert.equal(v1.requestContext.deploymentId, undefined, "HTTP API events name no deployment");
  });
});
