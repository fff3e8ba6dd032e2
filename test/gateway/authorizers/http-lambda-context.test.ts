import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { type Echo, type EchoBackend, startEchoBackend } from "../../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { invocationArn } from "../../support/lambda-arn.ts";
import { eventually } from "../../support/snippets.ts";

// AWS's "Control access to HTTP APIs with AWS Lambda authorizers": a payload 2.0 authorizer answers
// `{isAuthorized, context}` (simple responses) or an IAM policy with `context`; an HTTP API passes
// the context — maps and arrays included — to the integration as `requestContext.authorizer.lambda`,
// and parameter mappings read it as `$context.authorizer.key`. A REST API's authorizer may return
// only strings, numbers and booleans in its context; anything else is AuthorizerConfigurationException.

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");

/** What the fixture authorizers put in their context (test/fixtures/functions/handlers.mjs). */
const structured = (calls: number) => ({
  tier: "gold",
  count: 3,
  admin: false,
  nothing: null,
  roles: ["reader", "writer"],
  profile: { org: { name: "Acme", ids: [1, 2] }, tags: [] },
  note: "plain",
  calls,
});

const LOG_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:structured";
const logDir = mkdtempSync(join(tmpdir(), "portico-authorizer-context-"));
const logFile = join(logDir, "access.log");

let gw: TestGateway;
let backend: EchoBackend;
let httpId: string;
before(async () => {
  backend = await startEchoBackend();
  gw = await startTestGateway({
    accessLogs: { default: "off", destinations: { [LOG_ARN]: logFile } },
    functions: {
      structuredSimpleAuthorizer: { handler: join(FIXTURES, "handlers.structuredSimpleAuthorizer") },
      structuredPolicyAuthorizer: { handler: join(FIXTURES, "handlers.structuredPolicyAuthorizer") },
      echo: { handler: join(FIXTURES, "handlers.echo") },
    },
  });
  const client = new ApiGatewayV2Client(adminClientConfig(gw));
  try {
    httpId = (await client.send(new CreateApiCommand({ Name: "Structured", ProtocolType: "HTTP" }))).ApiId!;
    const echo = await client.send(
      new CreateIntegrationCommand({
        ApiId: httpId,
        IntegrationType: "AWS_PROXY",
        IntegrationUri: invocationArn("echo"),
        PayloadFormatVersion: "2.0",
      }),
    );
    const mapped = await client.send(
      new CreateIntegrationCommand({
        ApiId: httpId,
        IntegrationType: "HTTP_PROXY",
        IntegrationMethod: "GET",
        IntegrationUri: `${backend.url}/echo`,
        PayloadFormatVersion: "1.0",
        RequestParameters: {
          "overwrite:header.x-tier": "$context.authorizer.tier",
          "overwrite:header.x-roles": "$context.authorizer.roles",
          "overwrite:header.x-org": "org=${context.authorizer.profile.org.name}",
          "overwrite:header.x-note": "$context.authorizer.note",
          "overwrite:querystring.count": "$context.authorizer.count",
        },
      }),
    );
    const authorizer = async (name: string, format: "1.0" | "2.0", simple: boolean, ttl: number) =>
      (
        await client.send(
          new CreateAuthorizerCommand({
            ApiId: httpId,
            Name: `${name}-${format}`,
            AuthorizerType: "REQUEST",
            AuthorizerUri: invocationArn(name),
            AuthorizerPayloadFormatVersion: format,
            ...(simple ? { EnableSimpleResponses: true } : {}),
            IdentitySource: ["$request.header.Authorization"],
            AuthorizerResultTtlInSeconds: ttl,
          }),
        )
      ).AuthorizerId!;
    const simple = await authorizer("structuredSimpleAuthorizer", "2.0", true, 300);
    const policy2 = await authorizer("structuredPolicyAuthorizer", "2.0", false, 0);
    const policy1 = await authorizer("structuredPolicyAuthorizer", "1.0", false, 0);
    const routes: [string, string, string][] = [
      ["GET /simple", echo.IntegrationId!, simple],
      ["GET /policy", echo.IntegrationId!, policy2],
      ["GET /policy-v1", echo.IntegrationId!, policy1],
      ["GET /mapped", mapped.IntegrationId!, policy2],
    ];
    for (const [routeKey, integrationId, authorizerId] of routes)
      await client.send(
        new CreateRouteCommand({
          ApiId: httpId,
          RouteKey: routeKey,
          Target: `integrations/${integrationId}`,
          AuthorizationType: "CUSTOM",
          AuthorizerId: authorizerId,
        }),
      );
    await client.send(new CreateStageCommand({ ApiId: httpId, StageName: "$default", AutoDeploy: true }));
    await client.send(
      new CreateStageCommand({
        ApiId: httpId,
        StageName: "logged",
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: LOG_ARN,
          Format:
            "$context.requestId $context.authorizer.tier $context.authorizer.roles $context.authorizer.profile.org.name",
        },
      }),
    );
  } finally {
    client.destroy();
  }
});
after(async () => {
  await gw.close();
  await backend.close();
  rmSync(logDir, { recursive: true, force: true });
});

const lambdaContext = async (path: string, headers: Record<string, string>) => {
  const r = await gw.call(httpId, path, { headers });
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text).event.requestContext.authorizer.lambda as Record<string, unknown>;
};

describe("HTTP API Lambda authorizer context with maps and arrays", () => {
  test("simple responses: the integration receives the context intact, and so does a cached result", async () => {
    const first = await lambdaContext("/simple", { authorization: "simple-1" });
    assert.deepEqual(first, structured(first.calls as number));
    const again = await lambdaContext("/simple", { authorization: "simple-1" });
    assert.deepEqual(again, first, "the cached result, maps and arrays included");
  });

  test("IAM policy responses, payload 2.0 and 1.0: the context intact", async () => {
    for (const path of ["/policy", "/policy-v1"]) {
      const context = await lambdaContext(path, { authorization: "policy" });
      assert.deepEqual(context, structured(context.calls as number), path);
    }
  });

  test("parameter mappings read context keys: text as it is, arrays as JSON, a path walks into a map", async () => {
    const r = await gw.call(httpId, "/mapped", { headers: { authorization: "mapped" } });
    assert.equal(r.status, 200, r.text);
    const echo = JSON.parse(r.text) as Echo;
    assert.equal(echo.headers["x-tier"], "gold");
    assert.equal(echo.headers["x-roles"], '["reader","writer"]');
    assert.equal(echo.headers["x-org"], "org=Acme");
    assert.equal(echo.headers["x-note"], "plain");
    assert.match(echo.url, /[?&]count=3(&|$)/);
  });

  test("a CR/LF in a context value never becomes a header of its own; the gateway stays healthy", async () => {
    const r = await gw.call(httpId, "/mapped", { headers: { authorization: "inject", "x-note": "inject" } });
    assert.doesNotMatch(r.text, /x-injected/i);
    assert.ok(r.status >= 500, `refused, got ${r.status}: ${r.text}`);
    const again = await gw.call(httpId, "/mapped", { headers: { authorization: "mapped" } });
    assert.equal(again.status, 200);
    assert.equal((JSON.parse(again.text) as Echo).headers["x-injected"], undefined);
  });

  test("access logs print context keys by the same names, maps and arrays as JSON", async () => {
    let r = await gw.call(httpId, "/logged/simple", { headers: { authorization: "logged" } });
    // AutoDeploy: the stage serves once its first deployment is compiled.
    for (let i = 0; i < 40 && r.status === 404; i++) {
      await new Promise((res) => setTimeout(res, 25));
      r = await gw.call(httpId, "/logged/simple", { headers: { authorization: "logged" } });
    }
    assert.equal(r.status, 200, r.text);
    // A line escapes values as a JSON string does (access-log-format.ts), so a JSON array's quotes too.
    const line = `${r.headers["x-amzn-requestid"]} gold [\\"reader\\",\\"writer\\"] Acme`;
    assert.ok(
      await eventually(
        async () => existsSync(logFile) && readFileSync(logFile, "utf8").split("\n").includes(line),
        10_000,
      ),
      existsSync(logFile) ? readFileSync(logFile, "utf8") : "no log file",
    );
  });

  test("a context that is not a map fails the authorizer: 500, as HTTP APIs word it", async () => {
    for (const path of ["/simple", "/policy"]) {
      const r = await gw.call(httpId, path, {
        headers: { authorization: `list-${path}`, "x-shape": "list" },
      });
      assert.equal(r.status, 500, path);
      assert.equal(r.text, '{"message":"Internal Server Error"}');
    }
    assert.equal((await gw.call(httpId, "/policy", { headers: { authorization: "after" } })).status, 200);
  });
});

describe("REST API Lambda authorizer context with maps and arrays", () => {
  test("AWS refuses it: 500 AuthorizerConfigurationException, nothing reaches the integration", async () => {
    const id = await gw.deployRest(
      `openapi: 3.0.1
info: { title: StructuredRest, version: "1" }
components:
  securitySchemes:
    structured:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${invocationArn("structuredPolicyAuthorizer")}"
        identitySource: method.request.header.Authorization
        authorizerResultTtlInSeconds: 300
paths:
  /me:
    get:
      security: [{ structured: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}" }
`,
      "prod",
    );
    for (let i = 0; i < 2; i++) {
      const r = await gw.call(id, "/prod/me", { headers: { authorization: "rest" } });
      assert.equal(r.status, 500);
      assert.deepEqual(JSON.parse(r.text), { message: null });
      assert.equal(r.headers["x-amzn-errortype"], "AuthorizerConfigurationException");
    }
  });
});
