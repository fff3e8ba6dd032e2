import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { mockIntegration } from "../support/snippets.ts";

// Execution logs (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html):
// per stage or method `loggingLevel` OFF / ERROR / INFO and `dataTraceEnabled`, set with UpdateStage's
// method-settings paths; written as JSON lines with the request id, and with every secret redacted.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

/** Every kind of secret the logs must never show, each a distinct value to search the output for. */
const SECRETS = {
  authorization: "Bearer secret-authorization-1",
  apiKey: "secret-api-key-2",
  securityToken: "secret-security-token-3",
  cookie: "secret-cookie-4",
  setCookie: "secret-set-cookie-5",
  token: "secret-query-token-6",
  accessToken: "secret-access-token-7",
  signature: "secret-amz-signature-8",
  password: "secret-json-password-9",
  clientSecret: "secret-form-client-secret-10",
  authorizerKey: "secret-authorizer-identity-11",
  responseToken: "secret-response-token-12",
};

const API = (backend: string) => `openapi: 3.0.1
info: { title: Executed, version: "1" }
components:
  securitySchemes:
    request:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${invocationArn("requestAuthorizer")}"
        identitySource: method.request.header.X-Key, method.request.querystring.tenant
        authorizerResultTtlInSeconds: 0
paths:
  /ok:
    get:${mockIntegration('{"ok":true}')}
  /broken:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/nothing" }
  /backend:
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: "${backend}/answer" }
  /orders:
    get:
      security: [{ request: [] }]${mockIntegration('{"orders":[]}')}
`;

interface LogLine {
  level: number;
  msg: string;
  logGroup: string;
  requestId: string;
  extendedRequestId: string;
  stage: string;
  resourcePath: string;
  httpMethod: string;
  status: number;
  latencyMs: number;
  integration?: { status?: number; latencyMs?: number; error?: string };
  request?: { query: Record<string, unknown>; headers: Record<string, unknown>; body?: string };
  response?: { headers: Record<string, unknown>; body?: string };
}

describe("execution logs: INFO, ERROR, OFF, data traces, redaction", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-exec-"));
  const file = join(dir, "execution.log");
  let gw: TestGateway;
  let backend: Server;
  let client: APIGatewayClient;
  let apiId: string;
  let output = "";
  let lines: LogLine[] = [];
  const ids = new Map<string, string>();

  const call = async (label: string, stage: string, path: string, init = {}) => {
    const r = await gw.call(apiId, `/${stage}${path}`, init);
    ids.set(label, String(r.headers["x-amzn-requestid"]));
    return r;
  };
  const lineOf = (label: string) => lines.find((l) => l.requestId === ids.get(label));

  before(async () => {
    backend = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(201, { "Content-Type": "application/json", "Set-Cookie": `sid=${SECRETS.setCookie}` });
        res.end(JSON.stringify({ created: true, token: SECRETS.responseToken }));
      });
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    gw = await startTestGateway({
      accessLogs: { default: "off" },
      executionLogs: { destination: file },
      functions: { requestAuthorizer: { handler: join(FIXTURES, "handlers.requestAuthorizer") } },
    });
    client = new APIGatewayClient(adminClientConfig(gw));
    apiId = await gw.deployRest(API(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`), "info");
    for (const stage of ["error", "off", "trace", "mixed"])
      await gw.portico.control.deployRestApi(apiId, { stageName: stage });
    const settings = (stageName: string, ops: [string, string][]) =>
      client.send(
        new UpdateStageCommand({
          restApiId: apiId,
          stageName,
          patchOperations: ops.map(([path, value]) => ({ op: "replace", path, value })),
        }),
      );
    await settings("info", [["/*/*/logging/loglevel", "INFO"]]);
    await settings("error", [["/*/*/logging/loglevel", "ERROR"]]);
    await settings("trace", [
      ["/*/*/logging/loglevel", "INFO"],
      ["/*/*/logging/dataTrace", "true"],
    ]);
    // Method settings win over the stage's: only GET /ok logs on this stage.
    await settings("mixed", [
      ["/*/*/logging/loglevel", "OFF"],
      ["/~1ok/GET/logging/loglevel", "INFO"],
    ]);

    await call("info ok", "info", "/ok");
    await call("info broken", "info", "/broken");
    await call("error ok", "error", "/ok");
    await call("error broken", "error", "/broken");
    await call("off ok", "off", "/ok");
    await call("off broken", "off", "/broken");
    await call("mixed ok", "mixed", "/ok");
    await call("mixed broken", "mixed", "/broken");
    const query = `token=${SECRETS.token}&access_token=${SECRETS.accessToken}&X-Amz-Signature=${SECRETS.signature}&page=2`;
    await call("trace json", "trace", `/backend?${query}`, {
      method: "POST",
      headers: {
        authorization: SECRETS.authorization,
        "x-api-key": SECRETS.apiKey,
        "X-Amz-Security-Token": SECRETS.securityToken,
        cookie: `session=${SECRETS.cookie}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "rex", password: SECRETS.password }),
    });
    await call("trace form", "trace", "/backend", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_secret=${SECRETS.clientSecret}`,
    });
    await call("trace authorizer", "trace", "/orders?tenant=acme", {
      headers: { "X-Key": SECRETS.authorizerKey },
    });
    await call("trace large", "trace", "/backend", { method: "POST", body: "x".repeat(5000) });
    await gw.close();
    output = readFileSync(file, "utf8");
    lines = output
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as LogLine);
  });
  after(async () => {
    client.destroy();
    await new Promise((ok) => backend.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  test("INFO: a line per request with its ids, stage, resource, method, status, latency and integration", () => {
    const ok = lineOf("info ok")!;
    assert.equal(ok.level, 30);
    assert.equal(ok.logGroup, `API-Gateway-Execution-Logs_${apiId}/info`);
    assert.deepEqual([ok.stage, ok.resourcePath, ok.httpMethod, ok.status], ["info", "/ok", "GET", 200]);
    assert.ok(ok.extendedRequestId.length > 0);
    assert.ok(ok.latencyMs >= 0);
    assert.match(ok.msg, /status: 200/);
    const broken = lineOf("info broken")!;
    assert.equal(broken.level, 50, "a failed integration is logged as an error");
    assert.ok(broken.status >= 500);
    assert.ok(broken.integration?.error, "the integration's error is named");
  });

  test("ERROR: only the failures", () => {
    assert.equal(lineOf("error ok"), undefined);
    assert.equal(lineOf("error broken")?.level, 50);
  });

  test("OFF (the default): nothing", () => {
    assert.equal(lineOf("off ok"), undefined);
    assert.equal(lineOf("off broken"), undefined);
  });

  test("a method's own setting overrides the stage's", () => {
    assert.equal(lineOf("mixed ok")?.status, 200);
    assert.equal(lineOf("mixed broken"), undefined);
  });

  test("only methods with data tracing show the request and response", () => {
    assert.equal(lineOf("info ok")!.request, undefined);
    const traced = lineOf("trace json")!;
    assert.equal(traced.status, 201);
    assert.equal(traced.request?.query.page, "2");
    assert.equal(traced.request?.headers["content-type"], "application/json");
    assert.match(traced.request?.body ?? "", /"name":"rex"/);
    assert.match(traced.response?.body ?? "", /"created":true/);
    assert.equal(traced.response?.headers["content-type"], "application/json");
  });

  test("every secret is redacted: headers, query, JSON and form bodies, Set-Cookie, the authorizer's identity", () => {
    for (const [kind, value] of Object.entries(SECRETS))
      assert.ok(!output.includes(value), `${kind} leaked into the execution log`);
    const traced = lineOf("trace json")!;
    for (const name of ["authorization", "x-api-key", "x-amz-security-token", "cookie"])
      assert.equal(traced.request?.headers[name], "[redacted]", name);
    assert.equal(traced.request?.query.token, "[redacted]");
    assert.equal(traced.request?.query["X-Amz-Signature"], "[redacted]");
    assert.equal(traced.response?.headers["set-cookie"], "[redacted]");
    assert.match(lineOf("trace form")!.request?.body ?? "", /grant_type=client_credentials/);
    const authorized = lineOf("trace authorizer")!;
    assert.equal(authorized.status, 200);
    assert.equal(authorized.request?.headers["x-key"], "[redacted]");
    assert.equal(authorized.request?.query.tenant, "[redacted]");
  });

  test("bodies are cut at 1024 bytes, as AWS truncates execution-log events", () => {
    const large = lineOf("trace large")! as LogLine & { request: { bodyTruncated?: boolean } };
    assert.equal(large.request.body?.length, 1024);
    assert.equal(large.request.bodyTruncated, true);
  });
});
