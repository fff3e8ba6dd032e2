import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateStageCommand,
  DeleteAccessLogSettingsCommand,
  GetStageCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { XMLParser } from "fast-xml-parser";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// AWS's example formats for HTTP APIs, copied verbatim from "Configure logging for HTTP APIs in API
// Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
// (§ Example log formats).
const CLF =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId';
const JSON_FORMAT =
  '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength", "extendedRequestId": "$context.extendedRequestId" }';
const XML =
  '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <routeKey>$context.routeKey</routeKey> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> <extendedRequestId>$context.extendedRequestId</extendedRequestId> </request>';
const CSV =
  "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId";

const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const arn = (name: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;

const API = (backend: string) => `
openapi: "3.0.1"
info: { title: HttpLogged, version: "1" }
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/pets/{id}", payloadFormatVersion: "1.0" }
`;

interface Answer {
  requestId: string;
  extendedRequestId: string;
  status: number;
  length: number;
}

describe("HTTP API access logs: AWS's examples, set with the apigatewayv2 SDK", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-http-access-"));
  const file = (name: string) => join(dir, `${name}.log`);
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: ApiGatewayV2Client;
  let apiId: string;
  const answers = new Map<string, Answer[]>();
  const lines = new Map<string, string[]>();
  const formats: Record<string, string> = { clf: CLF, json: JSON_FORMAT, xml: XML, csv: CSV };

  const call = async (stage: string, path: string) => {
    const r = await gw.call(apiId, `/${stage}${path}`);
    const answer = {
      requestId: String(r.headers["x-amzn-requestid"]),
      extendedRequestId: String(r.headers["apigw-requestid"]),
      status: r.status,
      length: r.body.length,
    };
    answers.set(stage, [...(answers.get(stage) ?? []), answer]);
  };

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({
      accessLogs: {
        default: "off",
        destinations: Object.fromEntries(
          [...Object.keys(formats), "toggled", "updated"].map((s) => [arn(s), file(s)]),
        ),
      },
    });
    client = new ApiGatewayV2Client(adminClientConfig(gw));
    apiId = await gw.deployHttp(API(backend.url));
    for (const [stage, format] of Object.entries(formats)) {
      await client.send(
        new CreateStageCommand({
          ApiId: apiId,
          StageName: stage,
          AutoDeploy: true,
          AccessLogSettings: { DestinationArn: arn(stage), Format: format },
        }),
      );
      await call(stage, "/pets/7");
      await call(stage, "/nowhere");
    }
    // DeleteAccessLogSettings stops the lines; no redeploy needed.
    await client.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: "toggled",
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: arn("toggled"), Format: "$context.requestId" },
      }),
    );
    await call("toggled", "/pets/1");
    await client.send(new DeleteAccessLogSettingsCommand({ ApiId: apiId, StageName: "toggled" }));
    await call("toggled", "/pets/2");
    // UpdateStage moves a stage's lines to another destination and format.
    await client.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "toggled",
        AccessLogSettings: { DestinationArn: arn("updated"), Format: "$context.requestId $context.status" },
      }),
    );
    await call("toggled", "/pets/3");
    await gw.close();
    for (const stage of [...Object.keys(formats), "toggled", "updated"])
      lines.set(stage, readFileSync(file(stage), "utf8").split("\n").slice(0, -1));
  });
  after(async () => {
    client.destroy();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('CLF: ip - - [time] "method routeKey protocol" status length requestId extendedRequestId', () => {
    const shape = /^(\S+) - - \[([^\]]+)\] "(\S+) (.+) (\S+)" (\d{3}) (\d+) (\S+) (\S+)$/;
    const [ok, missing] = lines
      .get("clf")!
      .map((l) => shape.exec(l)?.slice(1) ?? assert.fail(`not CLF: ${l}`));
    const [answer, notFound] = answers.get("clf")!;
    assert.equal(ok![0], "127.0.0.1");
    assert.match(ok![1]!, REQUEST_TIME);
    assert.deepEqual(ok!.slice(2, 5), ["GET", "GET /pets/{id}", "HTTP/1.1"]);
    assert.deepEqual(ok!.slice(5), [
      String(answer!.status),
      String(answer!.length),
      answer!.requestId,
      answer!.extendedRequestId,
    ]);
    // No route: AWS's 404, no route key.
    assert.equal(notFound!.status, 404);
    assert.deepEqual([missing![3], missing![5]], ["-", "404"]);
  });

  test("JSON: an object per line with the example's members", () => {
    const [ok] = lines.get("json")!.map((l) => JSON.parse(l) as Record<string, string>);
    const answer = answers.get("json")![0]!;
    assert.deepEqual(ok, {
      requestId: answer.requestId,
      ip: "127.0.0.1",
      requestTime: ok!.requestTime,
      httpMethod: "GET",
      routeKey: "GET /pets/{id}",
      status: String(answer.status),
      protocol: "HTTP/1.1",
      responseLength: String(answer.length),
      extendedRequestId: answer.extendedRequestId,
    });
    assert.match(ok!.requestTime!, REQUEST_TIME);
  });

  test("XML: a <request id> element with the example's children", () => {
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(
      lines.get("xml")![0]!,
    ) as {
      request: Record<string, string>;
    };
    const answer = answers.get("xml")![0]!;
    assert.equal(doc.request["@_id"], answer.requestId);
    assert.equal(doc.request.routeKey, "GET /pets/{id}");
    assert.equal(doc.request.status, String(answer.status));
    assert.equal(doc.request.responseLength, String(answer.length));
    assert.equal(doc.request.extendedRequestId, answer.extendedRequestId);
  });

  test("CSV: nine fields in the example's order", () => {
    const fields = lines.get("csv")![0]!.split(",");
    const answer = answers.get("csv")![0]!;
    assert.equal(fields.length, 9);
    assert.equal(fields[0], "127.0.0.1");
    assert.match(fields[1]!, REQUEST_TIME);
    assert.deepEqual(fields.slice(2), [
      "GET",
      "GET /pets/{id}",
      "HTTP/1.1",
      String(answer.status),
      String(answer.length),
      answer.requestId,
      answer.extendedRequestId,
    ]);
  });

  test("DeleteAccessLogSettings stops a stage's lines; UpdateStage sends them elsewhere, in the new format", () => {
    const [first, , third] = answers.get("toggled")!;
    assert.deepEqual(lines.get("toggled"), [first!.requestId]);
    assert.deepEqual(lines.get("updated"), [`${third!.requestId} ${third!.status}`]);
  });
});

describe("apigatewayv2 AccessLogSettings: stored, returned, deleted, checked", () => {
  let gw: TestGateway;
  let client: ApiGatewayV2Client;
  let apiId: string;
  before(async () => {
    gw = await startTestGateway({ accessLogs: { default: "off" } });
    client = new ApiGatewayV2Client(adminClientConfig(gw));
    apiId = await gw.deployHttp(API("http://127.0.0.1:9"));
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  const create = (StageName: string, AccessLogSettings: { DestinationArn?: string; Format?: string }) =>
    client.send(new CreateStageCommand({ ApiId: apiId, StageName, AccessLogSettings }));

  test("CreateStage stores them, GetStage returns them, DeleteAccessLogSettings removes them", async () => {
    const settings = { DestinationArn: arn("kept"), Format: "$context.extendedRequestId $context.status" };
    const created = await create("kept", settings);
    assert.deepEqual(created.AccessLogSettings, settings);
    const got = await client.send(new GetStageCommand({ ApiId: apiId, StageName: "kept" }));
    assert.deepEqual(got.AccessLogSettings, settings);
    await client.send(new DeleteAccessLogSettingsCommand({ ApiId: apiId, StageName: "kept" }));
    const after = await client.send(new GetStageCommand({ ApiId: apiId, StageName: "kept" }));
    assert.equal(after.AccessLogSettings, undefined);
  });

  test("bad settings are refused with BadRequestException, and no stage is created", async () => {
    const refusals: [string, { DestinationArn?: string; Format?: string }, RegExp][] = [
      ["no-id", { DestinationArn: arn("x"), Format: "$context.status" }, /\$context\.requestId/],
      ["no-format", { DestinationArn: arn("x") }, /format/],
      ["no-arn", { Format: "$context.requestId" }, /destinationArn/],
      ["not-arn", { DestinationArn: "my-group", Format: "$context.requestId" }, /ARN/],
      [
        "firehose",
        {
          DestinationArn: "arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-x",
          Format: "$context.requestId",
        },
        /ARN/,
      ],
      [
        "too-long",
        { DestinationArn: arn("x"), Format: `$context.requestId ${"x".repeat(3072)}` },
        /3072 bytes/,
      ],
    ];
    for (const [name, settings, message] of refusals) {
      await assert.rejects(
        create(name, settings),
        (err: Error) => err.name === "BadRequestException" && message.test(err.message),
        name,
      );
      await assert.rejects(client.send(new GetStageCommand({ ApiId: apiId, StageName: name })), {
        name: "NotFoundException",
      });
    }
  });

  test("DeleteAccessLogSettings on a stage that does not exist: NotFoundException", async () => {
    await assert.rejects(
      client.send(new DeleteAccessLogSettingsCommand({ ApiId: apiId, StageName: "absent" })),
      { name: "NotFoundException" },
    );
  });
});
