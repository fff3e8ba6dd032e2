import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetResourcesCommand,
  ImportRestApiCommand,
  TestInvokeMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { type CapturedLog, capturingLog } from "../support/capturing-log.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { freePort } from "../support/redis-server.ts";

// TestInvokeMethod's log says why an invocation failed, in the words of AWS's execution log
// ("Lambda execution failed with status 200 due to customer function error: …", "Execution failed
// due to configuration error: Invalid endpoint address"), and never "Successfully completed
// execution" for one that failed; a backend's own 500 is a completed execution.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

describe("test-invoke-method tells why an invocation failed", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: APIGatewayClient;
  let captured: CapturedLog;
  let apiId: string;
  let closedPort: number;
  const resourceIds = new Map<string, string>();

  before(async () => {
    closedPort = await freePort();
    backend = await startEchoBackend();
    captured = capturingLog("info");
    gw = await startTestGateway(
      { functions: { throws: { handler: join(FIXTURES, "handlers.throws"), timeout: 10 } } },
      captured.log,
    );
    client = new APIGatewayClient(adminClientConfig(gw));
    const doc = `openapi: 3.0.1
info: { title: InvokeFailures, version: "1" }
paths:
  /throws:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("throws")}" }
  /refused:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:${closedPort}/x" }
  /ghost:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("ghost")}" }
  /backend500:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend.url}/status/500" }
`;
    apiId = (await client.send(new ImportRestApiCommand({ body: Buffer.from(doc) }))).id!;
    for (const r of (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items ?? [])
      resourceIds.set(r.path!, r.id!);
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  const invoke = (path: string) =>
    client.send(
      new TestInvokeMethodCommand({ restApiId: apiId, resourceId: resourceIds.get(path), httpMethod: "GET" }),
    );

  test("a function that throws: Lambda's error body, AWS's customer-function-error line, status 502", async () => {
    const result = await invoke("/throws");
    assert.equal(result.status, 502);
    assert.equal(result.body, '{"message": "Internal server error"}');
    const log = result.log!;
    const requestId = result.headers!["x-amzn-requestid"]!;
    assert.match(
      log,
      /Endpoint response body before transformations: \{"errorType":"Error","errorMessage":"something broke","trace":\["Error: something broke/,
    );
    assert.ok(
      log.includes(
        ` : Lambda execution failed with status 200 due to customer function error: something broke. Lambda request id: ${requestId}\n`,
      ),
      log,
    );
    assert.match(log, / : Method completed with status: 502\n$/);
    assert.doesNotMatch(log, /Successfully completed execution/);
    // Each line opens with the time as AWS's execution logs write it (Java's Date#toString).
    for (const line of log
      .trimEnd()
      .split("\n")
      .filter((l) => / : /.test(l.slice(0, 40))))
      assert.match(line, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : /, line);
  });

  test("an unreachable backend: Invalid endpoint address", async () => {
    const result = await invoke("/refused");
    assert.equal(result.status, 500);
    const log = result.log!;
    assert.match(log, new RegExp(` : Sending request to http://127\\.0\\.0\\.1:${closedPort}/x\\n`));
    assert.match(log, / : Execution failed due to configuration error: Invalid endpoint address\n/);
    assert.match(log, / : Method completed with status: 500\n$/);
    assert.doesNotMatch(log, /Successfully completed execution/);
  });

  test("a function that is not declared: the configuration error names it", async () => {
    const result = await invoke("/ghost");
    assert.equal(result.status, 502);
    assert.match(
      result.log!,
      / : Execution failed due to configuration error: The function ghost is not declared/,
    );
    assert.doesNotMatch(result.log!, /Successfully completed execution/);
  });

  test("a backend's own 500 is a completed execution, and a test invocation is not on the gateway's log", async () => {
    const result = await invoke("/backend500");
    assert.equal(result.status, 500);
    assert.match(
      result.log!,
      / : Successfully completed execution\n.* : Method completed with status: 500\n$/,
    );
    assert.doesNotMatch(result.log!, /Execution failed/);
    // AWS keeps test invocations out of the stage's logs; Portico's own log likewise.
    assert.ok(!captured.lines.some((l) => l.includes('"level":50')), captured.lines.join("\n"));
  });
});
