import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ServiceCall, type ServiceServer, startServiceServer } from "../support/aws-service-server.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { projectDir, REAL, readReal } from "./real-inputs-support.ts";

// Two small apps as their repositories publish them (test/fixtures/real-inputs/ORIGINS.md): a
// Serverless Framework HTTP API and AWS's SAM sample of HTTP API first-class service integrations.

async function httpApiNamed(gw: TestGateway, name: string): Promise<string> {
  const found = (await gw.portico.control.listRoutes()).find((r) => r.apiName === name);
  assert.ok(found, `no API named ${name}`);
  return found.apiId;
}

describe("serverless-examples-aws-node-http-api-serverless.yml: serverless/examples aws-node-http-api", () => {
  test("alone (the fixture has no handler.js beside it): refused, naming the handler file", async () => {
    await assert.rejects(
      startTestGateway({
        templates: [{ template: join(REAL, "serverless-examples-aws-node-http-api-serverless.yml") }],
      }),
      (err: Error) =>
        err.message.includes("Resources.HelloLambdaFunction.Properties.Handler") &&
        err.message.includes(
          `no handler file ${join(REAL, "handler")}.{js,mjs,cjs,ts} for Handler handler.hello`,
        ),
    );
  });

  test("with the example's handler.js (CommonJS, as in the repository): GET / answers 200 with its body", async () => {
    const dir = projectDir({
      "serverless.yml": readReal("serverless-examples-aws-node-http-api-serverless.yml"),
      // The example project's handler, as serverless/examples has it; its folder has no package.json,
      // so Node reads it as CommonJS (this temp folder is outside the repository's "type": "module").
      "handler.js": `module.exports.hello = async (event) => {
  return {
    statusCode: 200,
    body: JSON.stringify({ message: "Go Serverless v3.0! Your function executed successfully!", input: event }, null, 2),
  };
};\n`,
    });
    const gw = await startTestGateway({ templates: [{ template: join(dir, "serverless.yml") }] });
    try {
      const id = await httpApiNamed(gw, "dev-serverless-http-api");
      const r = await gw.call(id, "/?greeting=hi");
      assert.equal(r.status, 200, r.text);
      const body = JSON.parse(r.text) as { message: string; input: Record<string, unknown> };
      assert.equal(body.message, "Go Serverless v3.0! Your function executed successfully!");
      // The HTTP API's payload 2.0 event, as serverless's httpApi events get.
      assert.equal(body.input.version, "2.0");
      assert.equal(body.input.routeKey, "GET /");
      assert.equal(body.input.rawQueryString, "greeting=hi");
      assert.equal((await gw.call(id, "/other")).status, 404, "no route: the HTTP API's 404");
    } finally {
      await gw.close();
    }
  });
});

/** The sample's project folder: the template and the api.yaml it includes, under the names it uses. */
const directIntegrationProject = () =>
  projectDir({
    "template.yaml": readReal("sessions-with-aws-sam-http-api-direct-integration-template.yaml"),
    "api.yaml": readReal("sessions-with-aws-sam-http-api-direct-integration-api.yaml"),
    "src/app.js": "exports.lambdaHandler = async () => ({});\n",
  });

/** Plays SQS (Query protocol), EventBridge and Kinesis (JSON 1.1) for requests that verify. */
function playServices(call: ServiceCall) {
  if (call.service === "sqs")
    return {
      status: 200,
      headers: { "content-type": "text/xml" },
      body: "<SendMessageResponse><SendMessageResult><MessageId>m-1</MessageId></SendMessageResult></SendMessageResponse>",
    };
  const json = { "content-type": "application/x-amz-json-1.1" };
  if (call.service === "events")
    return {
      status: 200,
      headers: json,
      body: JSON.stringify({ Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 }),
    };
  return {
    status: 200,
    headers: json,
    body: JSON.stringify({ SequenceNumber: "1", ShardId: "shardId-000000000000" }),
  };
}

describe("sessions-with-aws-sam-http-api-direct-integration-template.yaml + -api.yaml: SQS, EventBridge, Kinesis", () => {
  let gw: TestGateway;
  let aws: ServiceServer;
  let id: string;
  before(async () => {
    aws = await startServiceServer({ AKIDSERVICES: "services-secret" }, playServices);
    const endpoint = {
      endpoint: aws.url,
      credentials: { accessKeyId: "AKIDSERVICES", secretAccessKey: "services-secret" },
    };
    gw = await startTestGateway({
      templates: [{ template: join(directIntegrationProject(), "template.yaml"), stackName: "di" }],
      services: { sqs: endpoint, events: endpoint, kinesis: endpoint },
    });
    id = await httpApiNamed(gw, "DI All Integrations");
  });
  after(async () => {
    await gw.close();
    await aws.close();
  });

  const post = (path: string, body: unknown) =>
    gw.call(id, path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  // Ref of a queue is its URL, of a stream its name; Portico names them {stack}-{logicalId} (stable
  // across restarts) where CloudFormation adds a random suffix.
  test("POST /sqs: SendMessage of the body's MessageBody to the queue Ref MyQueue names", async () => {
    const r = await post("/sqs", { MessageBody: "hello queue" });
    assert.deepEqual(aws.refused, []);
    assert.equal(r.status, 200, r.text);
    const call = aws.calls.at(-1)!;
    assert.equal(call.service, "sqs");
    assert.equal(call.region, "us-east-1");
    const form = new URLSearchParams(call.body.toString());
    assert.equal(form.get("Action"), "SendMessage");
    assert.equal(form.get("MessageBody"), "hello queue");
    assert.match(
      form.get("QueueUrl")!,
      /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/000000000000\/di-MyQueue(-[A-Za-z0-9]+)?$/,
    );
  });

  test("POST /eb: PutEvents with the body's Detail, DetailType MyDetailType and Source WebApp", async () => {
    const r = await post("/eb", { Detail: { orderId: 7 } });
    assert.equal(r.status, 200, r.text);
    const call = aws.calls.at(-1)!;
    assert.equal(call.service, "events");
    assert.equal(call.headers["x-amz-target"], "AWSEvents.PutEvents");
    const { Entries } = JSON.parse(call.body.toString()) as { Entries: Record<string, unknown>[] };
    assert.equal(Entries.length, 1);
    assert.equal(Entries[0]!.DetailType, "MyDetailType");
    assert.equal(Entries[0]!.Source, "WebApp");
    assert.deepEqual(JSON.parse(Entries[0]!.Detail as string), { orderId: 7 });
  });

  test("POST /kinesis: PutRecord of the body's Data to the stream Ref MyStream names, partition MyPartition", async () => {
    const r = await post("/kinesis", { Data: "a record" });
    assert.equal(r.status, 200, r.text);
    const call = aws.calls.at(-1)!;
    assert.equal(call.service, "kinesis");
    assert.equal(call.headers["x-amz-target"], "Kinesis_20131202.PutRecord");
    const sent = JSON.parse(call.body.toString()) as Record<string, string>;
    // Kinesis's JSON wire carries the blob as base64: API Gateway encodes the parameter's bytes.
    assert.equal(Buffer.from(sent.Data!, "base64").toString(), "a record");
    assert.equal(sent.PartitionKey, "MyPartition");
    assert.match(sent.StreamName!, /^di-MyStream(-[A-Za-z0-9]+)?$/);
  });
});

describe("the same sample with no services: configured", () => {
  test("each route answers AWS's 500, and the log names the services.<name>.endpoint to set", async () => {
    const logged = capturingLog("warn");
    const gw = await startTestGateway(
      { templates: [{ template: join(directIntegrationProject(), "template.yaml"), stackName: "di" }] },
      logged.log,
    );
    try {
      const id = await httpApiNamed(gw, "DI All Integrations");
      for (const [path, service] of [
        ["/sqs", "sqs"],
        ["/eb", "events"],
        ["/kinesis", "kinesis"],
      ]) {
        const r = await gw.call(id, path!, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(r.status, 500, `${path}: ${r.text}`);
        assert.deepEqual(JSON.parse(r.text), { message: "Internal Server Error" });
        assert.ok(
          logged.lines.some((l) => l.includes(`services.${service}.endpoint`)),
          `no log line names services.${service}.endpoint`,
        );
      }
    } finally {
      await gw.close();
    }
  });
});
