import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { type CapturedLog, capturingLog } from "../support/capturing-log.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

// The same cause reaches a stage's execution log (loggingLevel ERROR) in AWS's words, and the
// gateway's other 5xx — a Lambda authorizer that throws, a MOCK template that fails, a non-proxy
// Lambda error no integration response matches — each log one operational line saying why.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

const API = `openapi: 3.0.1
info: { title: FailureStages, version: "1" }
components:
  securitySchemes:
    broken:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${invocationArn("throwingAuthorizer")}"
        authorizerResultTtlInSeconds: 0
paths:
  /throws:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("throws")}" }
  /guarded:
    get:
      security: [{ broken: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
  /mock-template:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '#set($s = "a")$s.replaceAll("(", "x")' }
  /custom:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${invocationArn("throws")}"
        responses: { "NotFound.*": { statusCode: "404" } }
`;

type Line = Record<string, unknown> & {
  function?: Record<string, unknown>;
  failure?: Record<string, unknown>;
};

describe("failures on an execution-logged stage, authorizers and templates", () => {
  let gw: TestGateway;
  let captured: CapturedLog;
  let dir: string;
  let apiId: string;
  const ids = new Map<string, string>();
  const answers = new Map<string, { status: number; text: string }>();
  let execution: Line[];

  const operational = (label: string) =>
    captured.lines.map((l) => JSON.parse(l) as Line).filter((l) => l.requestId === ids.get(label));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-failure-stages-"));
    captured = capturingLog("info");
    gw = await startTestGateway(
      {
        executionLogs: { destination: join(dir, "execution.log") },
        functions: {
          throws: { handler: join(FIXTURES, "handlers.throws"), timeout: 10 },
          throwingAuthorizer: { handler: join(FIXTURES, "handlers.throws"), timeout: 10 },
        },
      },
      captured.log,
    );
    apiId = await gw.deployRest(API, "dev");
    const client = new APIGatewayClient(adminClientConfig(gw));
    await client.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "dev",
        patchOperations: [{ op: "replace", path: "/*/*/logging/loglevel", value: "ERROR" }],
      }),
    );
    client.destroy();
    for (const [label, path, headers] of [
      ["throws", "/dev/throws", {}],
      ["guarded", "/dev/guarded", { authorization: "Bearer token-secret-xyz" }],
      ["mock", "/dev/mock-template", {}],
      ["custom", "/dev/custom", {}],
    ] as const) {
      const r = await gw.call(apiId, path, { headers });
      ids.set(label, String(r.headers["x-amzn-requestid"]));
      answers.set(label, { status: r.status, text: r.text });
    }
    await gw.close();
    execution = readFileSync(join(dir, "execution.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Line);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("loggingLevel ERROR: the execution log's line is AWS's, with the function's error", () => {
    const line = execution.find((l) => l.requestId === ids.get("throws"));
    assert.ok(line, JSON.stringify(execution));
    assert.equal(line.level, 50);
    assert.equal(line.status, 502);
    assert.equal(
      line.msg,
      `Lambda execution failed with status 200 due to customer function error: something broke. Lambda request id: ${ids.get("throws")}`,
    );
    assert.equal((line.failure?.function as { errorMessage?: string })?.errorMessage, "something broke");
    assert.equal(operational("throws").length, 1, "and one operational line");
  });

  test("a Lambda authorizer that throws: 500, and the authorizer's error; the token never logged", () => {
    assert.deepEqual(answers.get("guarded"), { status: 500, text: '{"message": null}' });
    const lines = operational("guarded");
    assert.equal(lines.length, 1);
    assert.equal(
      lines[0]!.reason,
      "Execution failed due to configuration error: Authorizer error: the function throwingAuthorizer failed: something broke",
    );
    assert.equal(lines[0]!.function?.errorType, "Error");
    const all = `${captured.lines.join("\n")}\n${JSON.stringify(execution)}`;
    assert.ok(!all.includes("token-secret-xyz"), "the authorization token is in no log");
  });

  test("a MOCK response template that fails: 500, Unable to transform response", () => {
    assert.equal(answers.get("mock")?.status, 500);
    const lines = operational("mock");
    assert.equal(lines.length, 1);
    assert.match(
      String(lines[0]!.reason),
      /^Execution failed due to configuration error: Unable to transform response: /,
    );
    const logged = execution.find((l) => l.requestId === ids.get("mock"));
    assert.match(String(logged?.msg), /Unable to transform response/);
  });

  test("a non-proxy Lambda error that no integration response matches: 500, AWS's no-match line and the error", () => {
    assert.deepEqual(answers.get("custom"), { status: 500, text: '{"message": "Internal server error"}' });
    const lines = operational("custom");
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]!.reason), /customer function error: something broke/);
    assert.equal(lines[0]!.function?.name, "throws");
  });
});
