import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { importHttpApiDocument } from "../../src/control/import-document.ts";
import {
  type ServiceCall,
  type ServiceReply,
  type ServiceServer,
  startServiceServer,
} from "../support/aws-service-server.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// HTTP API first-class integrations (integrationSubtype), following the SAM "HTTP API direct
// integrations" example of sessions-with-aws-sam (shared/real-inputs/
// sessions-with-aws-sam-http-api-direct-integration-api.yaml), its Ref/GetAtt replaced by values.

const QUEUE_URL = "http://sqs.us-east-1.localhost/000000000000/MyQueue";
const DIRECT_API = `openapi: "3.0.1"
info:
  title: "DI All Integrations"
paths:
  /sqs:
    post:
      responses:
        default:
          description: "SQS response"
      x-amazon-apigateway-integration:
        integrationSubtype: "SQS-SendMessage"
        credentials: arn:aws:iam::000000000000:role/MyHttpApiRole
        requestParameters:
          MessageBody: "$request.body.MessageBody"
          QueueUrl: ${QUEUE_URL}
        payloadFormatVersion: "1.0"
        type: "aws_proxy"
        connectionType: "INTERNET"
  /eb:
    post:
      responses:
        default:
          description: "EventBridge response"
      x-amazon-apigateway-integration:
        integrationSubtype: "EventBridge-PutEvents"
        credentials: arn:aws:iam::000000000000:role/MyHttpApiRole
        requestParameters:
          Detail: "$request.body.Detail"
          DetailType: MyDetailType
          Source: WebApp
        payloadFormatVersion: "1.0"
        type: "aws_proxy"
        connectionType: "INTERNET"
  /kinesis:
    post:
      responses:
        default:
          description: "Kinesis response"
      x-amazon-apigateway-integration:
        integrationSubtype: "Kinesis-PutRecord"
        credentials: arn:aws:iam::000000000000:role/MyHttpApiRole
        requestParameters:
          StreamName: MyStream
          Data: "$request.body.Data"
          PartitionKey: MyPartition
        payloadFormatVersion: "1.0"
        type: "aws_proxy"
        connectionType: "INTERNET"
x-amazon-apigateway-importexport-version: "1.0"
`;

const KEY = { accessKeyId: "AKIDDIRECT", secretAccessKey: "direct-secret" };

/** Plays SQS (Query), EventBridge and Kinesis (JSON 1.1), telling them apart by the signed service. */
function answer(call: ServiceCall): ServiceReply {
  if (call.service === "sqs") {
    const form = new URLSearchParams(call.body.toString());
    if (form.get("Action") !== "SendMessage" || form.get("Version") !== "2012-11-05")
      return { status: 400, body: "bad action" };
    return {
      status: 200,
      headers: { "content-type": "application/json", "x-amzn-requestid": "sqs-1" },
      body: JSON.stringify({
        SendMessageResponse: {
          ResponseMetadata: { RequestId: "sqs-1" },
          SendMessageResult: { MessageId: "m-1", MD5OfMessageBody: "d41d8cd98f00b204e9800998ecf8427e" },
        },
      }),
    };
  }
  const target = call.headers["x-amz-target"];
  if (call.service === "events" && target === "AWSEvents.PutEvents")
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 }),
    };
  if (call.service === "kinesis" && target === "Kinesis_20131202.PutRecord") {
    const sent = JSON.parse(call.body.toString());
    if (sent.StreamName !== "MyStream")
      return {
        status: 400,
        headers: { "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ __type: "ResourceNotFoundException", message: "Stream not found" }),
      };
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ SequenceNumber: "49590", ShardId: "shardId-000000000000" }),
    };
  }
  return { status: 400, body: `unexpected ${call.service} ${String(target)}` };
}

describe("HTTP API integration subtypes: SQS-SendMessage, EventBridge-PutEvents, Kinesis-PutRecord", () => {
  let gw: TestGateway;
  let aws: ServiceServer;
  let id: string;
  before(async () => {
    aws = await startServiceServer({ [KEY.accessKeyId]: KEY.secretAccessKey }, answer);
    const endpoint = { endpoint: aws.url, credentials: KEY };
    gw = await startTestGateway({ services: { sqs: endpoint, events: endpoint, kinesis: endpoint } });
    id = await gw.deployHttp(DIRECT_API);
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

  test("SQS-SendMessage: a Query-protocol SendMessage of $request.body.MessageBody, SQS's answer passed on", async () => {
    const r = await post("/sqs", { MessageBody: "hello queue" });
    assert.deepEqual(aws.refused, []);
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse(r.text).SendMessageResponse.SendMessageResult.MessageId, "m-1");
    const call = aws.calls.at(-1)!;
    assert.equal(call.service, "sqs");
    assert.equal(call.region, "us-east-1", "the gateway's region");
    assert.equal(call.method, "POST");
    assert.equal(call.url, "/");
    assert.equal(call.headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(call.body.toString())), {
      Action: "SendMessage",
      Version: "2012-11-05",
      QueueUrl: QUEUE_URL,
      MessageBody: "hello queue",
    });
    assert.ok(r.headers["apigw-requestid"], "HTTP API's request id header");
  });

  test("EventBridge-PutEvents: one entry, Detail as JSON text, with X-Amz-Target", async () => {
    const r = await post("/eb", { Detail: { order: 42, items: ["tea"] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 });
    const call = aws.calls.at(-1)!;
    assert.equal(call.service, "events");
    assert.equal(call.headers["content-type"], "application/x-amz-json-1.1");
    assert.ok(call.signedHeaders.includes("x-amz-target"));
    const sent = JSON.parse(call.body.toString());
    assert.deepEqual(sent, {
      Entries: [{ Detail: '{"order":42,"items":["tea"]}', DetailType: "MyDetailType", Source: "WebApp" }],
    });
  });

  test("Kinesis-PutRecord: Data goes base64-encoded, as Kinesis's JSON wire carries a blob", async () => {
    const r = await post("/kinesis", { Data: "a record" });
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse(r.text).ShardId, "shardId-000000000000");
    const sent = JSON.parse(aws.calls.at(-1)!.body.toString());
    assert.deepEqual(sent, {
      StreamName: "MyStream",
      Data: Buffer.from("a record").toString("base64"),
      PartitionKey: "MyPartition",
    });
  });
});

describe("HTTP API integration subtypes: the service's error status and body come back as they are", () => {
  test("a Kinesis 400 ResourceNotFoundException is the client's 400", async () => {
    const aws = await startServiceServer({ test: "test" }, answer);
    const gw = await startTestGateway({ services: { kinesis: { endpoint: aws.url } } });
    try {
      const id = await gw.deployHttp(DIRECT_API.replace("StreamName: MyStream", "StreamName: Missing"));
      const r = await gw.call(id, "/kinesis", { method: "POST", body: '{"Data":"x"}' });
      assert.equal(r.status, 400);
      assert.equal(r.headers["content-type"], "application/x-amz-json-1.1");
      assert.equal(JSON.parse(r.text).__type, "ResourceNotFoundException");
      assert.equal(aws.calls[0]!.accessKeyId, "test", "the gateway's own credentials sign by default");
    } finally {
      await gw.close();
      await aws.close();
    }
  });
});

describe("HTTP API integration subtypes: bad input", () => {
  let gw: TestGateway;
  const logged = capturingLog("warn");
  before(async () => {
    gw = await startTestGateway({}, logged.log);
  });
  after(() => gw.close());

  const refusal = async (text: string) => {
    try {
      await importHttpApiDocument(gw.portico.control, text);
    } catch (err) {
      return (err as Error).message;
    }
    assert.fail("the import was accepted");
  };

  test("an unknown subtype is refused at import, naming the place", async () => {
    const message = await refusal(DIRECT_API.replace('"Kinesis-PutRecord"', '"Kinesis-PutRecords"'));
    assert.match(message, /paths\.\/kinesis\.post\.x-amazon-apigateway-integration/);
    assert.match(message, /Unsupported integration subtype Kinesis-PutRecords/);
  });

  test("a missing required parameter is refused at import", async () => {
    const message = await refusal(DIRECT_API.replace("          PartitionKey: MyPartition\n", ""));
    assert.match(message, /paths\.\/kinesis\.post/);
    assert.match(message, /Kinesis-PutRecord requires the request parameter PartitionKey/);
  });

  test("a CloudFormation intrinsic left in a parameter is refused with what to do", async () => {
    const message = await refusal(DIRECT_API.replace(`QueueUrl: ${QUEUE_URL}`, "QueueUrl: { Ref: MyQueue }"));
    assert.match(message, /requestParameters\.QueueUrl: Ref is a CloudFormation intrinsic/);
  });

  test("no endpoint configured: the import says which setting, deploy warns once per route, calls answer 500", async () => {
    const { definition, warnings } = await importHttpApiDocument(gw.portico.control, DIRECT_API);
    assert.ok(
      warnings.some((w) => w.includes("services.sqs.endpoint")),
      warnings.join("\n"),
    );
    await gw.portico.control.deployHttpApi(definition.api.apiId, { stageName: "$default", autoDeploy: true });
    const warned = logged.lines.filter((l) => l.includes('"level":40'));
    for (const setting of ["services.sqs.endpoint", "services.events.endpoint", "services.kinesis.endpoint"])
      assert.equal(warned.filter((l) => l.includes(setting)).length, 1, `${setting}: ${warned.join("\n")}`);
    const r = await gw.call(definition.api.apiId, "/sqs", { method: "POST", body: "{}" });
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message":"Internal Server Error"}');
  });
});

describe("HTTP API integration subtypes through the admin API", () => {
  test("CreateIntegration with a subtype serves it; one missing a required parameter is refused", async () => {
    const aws = await startServiceServer({ test: "test" }, (call) => ({
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({
        executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:1",
        echo: call.body.toString(),
      }),
    }));
    const gw = await startTestGateway({ services: { states: { endpoint: aws.url } } });
    try {
      const client = new ApiGatewayV2Client(adminClientConfig(gw));
      const api = await client.send(new CreateApiCommand({ Name: "sfn", ProtocolType: "HTTP" }));
      await assert.rejects(
        client.send(
          new CreateIntegrationCommand({
            ApiId: api.ApiId,
            IntegrationType: "AWS_PROXY",
            IntegrationSubtype: "StepFunctions-StartExecution",
            PayloadFormatVersion: "1.0",
            RequestParameters: { Input: "$request.body" },
          }),
        ),
        /requires the request parameter StateMachineArn/,
      );
      const integration = await client.send(
        new CreateIntegrationCommand({
          ApiId: api.ApiId,
          IntegrationType: "AWS_PROXY",
          IntegrationSubtype: "StepFunctions-StartExecution",
          PayloadFormatVersion: "1.0",
          CredentialsArn: "arn:aws:iam::000000000000:role/sfn",
          RequestParameters: {
            StateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m",
            Input: "$request.body",
          },
        }),
      );
      assert.equal(integration.IntegrationSubtype, "StepFunctions-StartExecution");
      await client.send(
        new CreateRouteCommand({
          ApiId: api.ApiId,
          RouteKey: "POST /start",
          Target: `integrations/${integration.IntegrationId}`,
        }),
      );
      await client.send(
        new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true }),
      );
      const r = await gw.call(api.ApiId!, "/start", { method: "POST", body: '{"order":7}' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(aws.refused, []);
      const call = aws.calls[0]!;
      assert.equal(call.headers["x-amz-target"], "AWSStepFunctions.StartExecution");
      assert.deepEqual(JSON.parse(call.body.toString()), {
        stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m",
        input: '{"order":7}',
      });
    } finally {
      await gw.close();
      await aws.close();
    }
  });
});
