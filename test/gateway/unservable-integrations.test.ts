import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { importHttpApiDocument, importRestApiDocument } from "../../src/control/import-document.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// An integration Portico cannot call (an AWS service integration without a configured endpoint) is
// never a silent 500: the import warns naming the method, and each call answers AWS's 500 with a log
// line saying why.

const REST = `
openapi: 3.0.1
info: { title: Services, version: "1" }
paths:
  /s3:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: "arn:aws:apigateway:us-east-1:s3:path/my-bucket/{key}"
        credentials: "arn:aws:iam::000000000000:role/s3"
        responses: { default: { statusCode: "200" } }
  /ok:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
`;

describe("integrations Portico cannot serve", () => {
  let gw: TestGateway;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    gw = await startTestGateway({}, log);
  });
  after(() => gw.close());

  test("a REST AWS service integration: a warning naming the method, then 500 with a log line per call", async () => {
    const { definition, warnings } = await importRestApiDocument(gw.portico.control, REST);
    assert.ok(
      warnings.some((w) => w.includes("paths./s3.get") && w.includes("services.s3.endpoint")),
      warnings.join("\n"),
    );
    const id = definition.api.id;
    await gw.portico.control.deployRestApi(id, { stageName: "prod" });
    const r = await gw.call(id, "/prod/s3");
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    const logged = lines.filter((l) => l.requestId === r.headers["x-amzn-requestid"]);
    assert.equal(logged.length, 1, "one log line");
    assert.equal(logged[0]!.route, "GET /s3");
    assert.equal(logged[0]!.msg, `GET /s3 answered 500: ${logged[0]!.reason}`);
    assert.match(
      String(logged[0]!.reason),
      /^Execution failed due to configuration error: .*services\.s3\.endpoint/,
    );
    assert.equal((await gw.call(id, "/prod/ok")).status, 200, "the rest of the API is served");
  });

  test("an HTTP API integrationSubtype (AWS service direct integrations): imported with a warning, each route answers 500 and says why", async () => {
    const route = (path: string, subtype: string, parameters: string) => `
  /${path}:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: ${subtype}
        payloadFormatVersion: "1.0"
        credentials: arn:aws:iam::000000000000:role/direct
        requestParameters: { ${parameters} }`;
    const text = `openapi: 3.0.1
info: { title: Direct integrations, version: "1" }
paths:${route("sqs", "SQS-SendMessage", 'MessageBody: "$request.body.message", QueueUrl: "http://sqs.local/000000000000/q"')}${route("eb", "EventBridge-PutEvents", 'Detail: "$request.body", DetailType: "order", Source: "shop"')}${route("kinesis", "Kinesis-PutRecord", 'StreamName: "orders", Data: "$request.body", PartitionKey: "$request.body.id"')}
`;
    const { definition, warnings } = await importHttpApiDocument(gw.portico.control, text);
    for (const sub of ["SQS-SendMessage", "EventBridge-PutEvents", "Kinesis-PutRecord"])
      assert.ok(
        warnings.some((w) => w.includes(sub)),
        `${sub}: ${warnings.join("\n")}`,
      );
    const id = definition.api.apiId;
    await gw.portico.control.deployHttpApi(id, { stageName: "$default", autoDeploy: true });
    lines.length = 0;
    const r = await gw.call(id, "/sqs", { method: "POST", body: "{}" });
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message":"Internal Server Error"}');
    assert.match(String(lines.find((l) => l.reason !== undefined)?.reason), /services\.sqs\.endpoint/);
  });
});
