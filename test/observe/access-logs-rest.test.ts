import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, GetStageCommand, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { XMLParser } from "fast-xml-parser";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// AWS's example access-log formats, copied verbatim from "Set up CloudWatch logging for REST APIs in
// API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
// (§ CloudWatch log formats for API Gateway). Each, set on a stage with UpdateStage's
// /accessLogSettings/* patch operations, writes one line per request of the shape it shows.
const CLF =
  '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime]"$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId';
const JSON_FORMAT =
  '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId","ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }';
const XML =
  '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>';
const CSV =
  "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId";

const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const arn = (name: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;

const API = (backend: string) => `openapi: 3.0.1
info: { title: Logged, version: "1" }
paths:
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backend}/pets/{id}
        requestParameters: { integration.request.path.id: method.request.path.id }
  /mock:
    get:${mockIntegration('{"ok":true}')}
`;

interface Answer {
  requestId: string;
  extendedRequestId: string;
  status: number;
  length: number;
}

describe("REST access logs: AWS's CLF, JSON, XML and CSV examples, set with UpdateStage", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-access-"));
  const file = (name: string) => join(dir, `${name}.log`);
  let gw: TestGateway;
  let backend: EchoBackend;
  let client: APIGatewayClient;
  let apiId: string;
  const answers = new Map<string, Answer[]>();
  const lines = new Map<string, string[]>();

  const call = async (stage: string, path: string, headers: Record<string, string> = {}) => {
    const r = await gw.call(apiId, `/${stage}${path}`, { headers });
    const answer = {
      requestId: String(r.headers["x-amzn-requestid"]),
      extendedRequestId: String(r.headers["x-amz-apigw-id"]),
      status: r.status,
      length: r.body.length,
    };
    answers.set(stage, [...(answers.get(stage) ?? []), answer]);
    return answer;
  };

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({
      accessLogs: {
        default: "off",
        destinations: {
          [arn("clf")]: file("clf"),
          [arn("json")]: file("json"),
          // By log-group name: a stage naming the ARN of group "xml" in any region or account.
          xml: file("xml"),
          [arn("csv")]: file("csv"),
          [arn("custom")]: file("custom"),
        },
      },
    });
    client = new APIGatewayClient(adminClientConfig(gw));
    apiId = await gw.deployRest(API(backend.url), "clf");
    for (const stage of ["json", "xml", "csv", "custom", "silent"])
      await gw.portico.control.deployRestApi(apiId, { stageName: stage });
    const formats: Record<string, string> = {
      clf: CLF,
      json: JSON_FORMAT,
      xml: XML,
      csv: CSV,
      custom:
        '{"requestId":"$context.requestId","ua":"$context.identity.userAgent","status":$context.status}',
    };
    for (const [stage, format] of Object.entries(formats)) {
      await client.send(
        new UpdateStageCommand({
          restApiId: apiId,
          stageName: stage,
          patchOperations: [
            {
              op: "replace",
              path: "/accessLogSettings/destinationArn",
              value: stage === "xml" ? "arn:aws:logs:eu-west-1:123456789012:log-group:xml" : arn(stage),
            },
            { op: "replace", path: "/accessLogSettings/format", value: format },
          ],
        }),
      );
    }
    for (const stage of ["clf", "json", "xml", "csv"]) {
      await call(stage, "/pets/7");
      await call(stage, "/mock");
      await call(stage, "/nowhere");
    }
    await call("custom", "/mock", { "user-agent": 'curl/8 "quoted" \\ back' });
    await call("silent", "/mock");
    // Closing writes out what is buffered: nothing is lost on shutdown.
    await gw.close();
    for (const stage of ["clf", "json", "xml", "csv", "custom"])
      lines.set(stage, readFileSync(file(stage), "utf8").split("\n").slice(0, -1));
  });
  after(async () => {
    client.destroy();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("one line per request, in the order they were answered, each naming its request", () => {
    for (const stage of ["clf", "json", "xml", "csv"]) {
      const written = lines.get(stage)!;
      const served = answers.get(stage)!;
      assert.equal(written.length, served.length, stage);
      for (const [i, a] of served.entries())
        assert.ok(written[i]!.includes(a.requestId), `${stage} line ${i}`);
    }
  });

  test('CLF: ip caller user [time]"method resource protocol" status length requestId extendedRequestId', () => {
    const shape = /^(\S+) (\S+) (\S+) \[([^\]]+)\]"(\S+) (\S+) (\S+)" (\d{3}) (\d+) (\S+) (\S+)$/;
    const [pets, mock, nowhere] = lines.get("clf")!;
    const fields = (line: string) => shape.exec(line)?.slice(1) ?? assert.fail(`not CLF: ${line}`);
    const [ip, caller, user, time, method, resource, protocol, status, length, id, extended] = fields(pets!);
    const answer = answers.get("clf")![0]!;
    assert.equal(ip, "127.0.0.1");
    assert.equal(caller, "-");
    assert.equal(user, "-");
    assert.match(time!, REQUEST_TIME);
    assert.deepEqual([method, resource, protocol], ["GET", "/pets/{id}", "HTTP/1.1"]);
    assert.equal(Number(status), answer.status);
    assert.equal(Number(length), answer.length);
    assert.equal(id, answer.requestId);
    assert.match(id!, UUID);
    assert.equal(extended, answer.extendedRequestId);
    assert.equal(fields(mock!)[5], "/mock");
    // A path with no resource: the gateway's 403, no resource path.
    const missing = fields(nowhere!);
    assert.equal(missing[5], "-");
    assert.equal(missing[7], "403");
  });

  test("JSON: one object per line, every value as AWS's example quotes it", () => {
    const [pets, , nowhere] = lines.get("json")!.map((l) => JSON.parse(l) as Record<string, string>);
    const answer = answers.get("json")![0]!;
    assert.deepEqual(Object.keys(pets!), [
      "requestId",
      "extendedRequestId",
      "ip",
      "caller",
      "user",
      "requestTime",
      "httpMethod",
      "resourcePath",
      "status",
      "protocol",
      "responseLength",
    ]);
    assert.equal(pets!.requestId, answer.requestId);
    assert.equal(pets!.extendedRequestId, answer.extendedRequestId);
    assert.equal(pets!.ip, "127.0.0.1");
    assert.equal(pets!.caller, "-");
    assert.match(pets!.requestTime!, REQUEST_TIME);
    assert.equal(pets!.httpMethod, "GET");
    assert.equal(pets!.resourcePath, "/pets/{id}");
    assert.equal(pets!.status, String(answer.status));
    assert.equal(pets!.protocol, "HTTP/1.1");
    assert.equal(pets!.responseLength, String(answer.length));
    assert.equal(nowhere!.status, "403");
  });

  test("XML: a <request id> element per line with AWS's children", () => {
    const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
    const answer = answers.get("xml")![0]!;
    const doc = parser.parse(lines.get("xml")![0]!) as { request: Record<string, string> };
    const r = doc.request;
    assert.equal(r["@_id"], answer.requestId);
    assert.equal(r.extendedRequestId, answer.extendedRequestId);
    assert.equal(r.ip, "127.0.0.1");
    assert.equal(r.caller, "-");
    assert.equal(r.user, "-");
    assert.match(r.requestTime!, REQUEST_TIME);
    assert.equal(r.httpMethod, "GET");
    assert.equal(r.resourcePath, "/pets/{id}");
    assert.equal(r.status, String(answer.status));
    assert.equal(r.protocol, "HTTP/1.1");
    assert.equal(r.responseLength, String(answer.length));
  });

  test("CSV: eleven comma-separated fields in AWS's order", () => {
    const answer = answers.get("csv")![0]!;
    const fields = lines.get("csv")![0]!.split(",");
    assert.equal(fields.length, 11);
    const [ip, caller, user, time, method, resource, protocol, status, length, id, extended] = fields;
    assert.deepEqual([ip, caller, user], ["127.0.0.1", "-", "-"]);
    assert.match(time!, REQUEST_TIME);
    assert.deepEqual([method, resource, protocol], ["GET", "/pets/{id}", "HTTP/1.1"]);
    assert.deepEqual([status, length], [String(answer.status), String(answer.length)]);
    assert.deepEqual([id, extended], [answer.requestId, answer.extendedRequestId]);
  });

  test("a value with quotes and backslashes keeps a JSON line valid; a number stays unquoted", () => {
    const [line] = lines.get("custom")!;
    const parsed = JSON.parse(line!) as { ua: string; status: number; requestId: string };
    assert.equal(parsed.ua, 'curl/8 "quoted" \\ back');
    assert.equal(parsed.status, 200);
    assert.equal(parsed.requestId, answers.get("custom")![0]!.requestId);
  });

  test("a stage without accessLogSettings writes nothing", () => {
    const all = [...lines.values()].flat().join("\n");
    assert.ok(!all.includes(answers.get("silent")![0]!.requestId));
  });
});

describe("REST UpdateStage /accessLogSettings: AWS's checks", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let apiId: string;
  before(async () => {
    gw = await startTestGateway({ accessLogs: { default: "off" } });
    client = new APIGatewayClient(adminClientConfig(gw));
    apiId = await gw.deployRest(
      `openapi: 3.0.1\ninfo: { title: Checked, version: "1" }\npaths:\n  /mock:\n    get:${mockIntegration("{}")}\n`,
      "prod",
    );
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  const patch = (...patchOperations: { op: "replace" | "remove"; path: string; value?: string }[]) =>
    client.send(new UpdateStageCommand({ restApiId: apiId, stageName: "prod", patchOperations }));

  test("destination and format are stored, returned by GetStage, and removed with remove /accessLogSettings", async () => {
    const updated = await patch(
      { op: "replace", path: "/accessLogSettings/destinationArn", value: arn("mine") },
      { op: "replace", path: "/accessLogSettings/format", value: "$context.requestId $context.status" },
    );
    assert.deepEqual(updated.accessLogSettings, {
      destinationArn: arn("mine"),
      format: "$context.requestId $context.status",
    });
    const got = await client.send(new GetStageCommand({ restApiId: apiId, stageName: "prod" }));
    assert.equal(got.accessLogSettings?.format, "$context.requestId $context.status");
    const removed = await patch({ op: "remove", path: "/accessLogSettings" });
    assert.equal(removed.accessLogSettings, undefined);
  });

  test("a format naming neither $context.requestId nor $context.extendedRequestId is refused", async () => {
    await assert.rejects(
      patch({
        op: "replace",
        path: "/accessLogSettings/format",
        value: "$context.status $context.requestIdx",
      }),
      (err: Error) => err.name === "BadRequestException" && /\$context\.requestId/.test(err.message),
    );
  });

  test("a format with a line break is refused", async () => {
    await assert.rejects(
      patch({
        op: "replace",
        path: "/accessLogSettings/format",
        value: "$context.requestId\n$context.status",
      }),
      { name: "BadRequestException" },
    );
  });

  test("a destination that is not a log group (or amazon-apigateway- Firehose stream) ARN is refused", async () => {
    for (const value of [
      "my-log-group",
      "arn:aws:s3:::bucket",
      `${arn("with-star")}:*`,
      "arn:aws:firehose:us-east-1:000000000000:deliverystream/other-stream",
    ]) {
      await assert.rejects(
        patch({ op: "replace", path: "/accessLogSettings/destinationArn", value }),
        (err: Error) => err.name === "BadRequestException" && err.message.includes("ARN"),
        value,
      );
    }
    const firehose = "arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-logs";
    const ok = await patch({ op: "replace", path: "/accessLogSettings/destinationArn", value: firehose });
    assert.equal(ok.accessLogSettings?.destinationArn, firehose);
  });

  test("an unknown /accessLogSettings path is refused", async () => {
    await assert.rejects(patch({ op: "replace", path: "/accessLogSettings/level", value: "x" }), {
      name: "BadRequestException",
    });
  });
});
