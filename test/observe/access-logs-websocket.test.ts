import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, until, type WsRouteSpec } from "../support/websocket-api.ts";

// AWS's example formats for WebSocket APIs, copied from "Configure logging for WebSocket APIs in API
// Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
// (the console's CLF and JSON presets; AWS breaks them over lines only as a visual aid).
const CLF =
  '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.eventType $context.routeKey $context.connectionId" $context.status $context.requestId';
const JSON_FORMAT =
  '{"requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "eventType":"$context.eventType", "routeKey":"$context.routeKey", "status":"$context.status", "connectionId":"$context.connectionId"}';
// The rest of AWS's list, `|`-separated; waf.status and a name AWS does not list print `-`.
const WIDE = [
  "requestId",
  "extendedRequestId",
  "apiId",
  "stage",
  "eventType",
  "routeKey",
  "connectionId",
  "connectedAt",
  "messageId",
  "messageDirection",
  "status",
  "error.message",
  "integration.status",
  "integrationLatency",
  "identity.userAgent",
  "domainName",
  "requestTimeEpoch",
  "waf.status",
  "nonsense",
];
const WIDE_FORMAT = WIDE.map((v) => `$context.${v}`).join("|");

const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const arn = (name: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;

/** A WebSocket API declared in the config file, with a fixed id: two gateways can both have it. */
const TWIN = {
  type: "WEBSOCKET" as const,
  name: "twin",
  id: "twinapi001",
  routeSelectionExpression: "$request.body.action",
  stage: "twin",
  routes: {
    $default: {
      integration: { integrationType: "MOCK", requestTemplates: { $default: '{"statusCode": 200}' } },
    },
  },
};

/** The gateway's error frame: `{message, connectionId, requestId}`. */
interface ErrorFrame {
  message: string;
  connectionId: string;
  requestId: string;
}

describe("WebSocket API access logs: a line per CONNECT, MESSAGE and DISCONNECT", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-ws-access-"));
  const file = (name: string) => join(dir, `${name}.log`);
  const read = (name: string) =>
    existsSync(file(name)) ? readFileSync(file(name), "utf8").split("\n").slice(0, -1) : [];
  /** Lines are batched and written within a second: waits for them. */
  const linesOf = async (name: string, count: number) => {
    await until(() => read(name).length >= count);
    return read(name);
  };
  let gw: TestGateway;
  let other: TestGateway;
  let backend: Server;
  let client: ApiGatewayV2Client;
  let apiId: string;
  /** Per logged stage: the refused upgrade's status, and the error frames its connection got. */
  const seen = new Map<string, { refused: number; frames: (string | ErrorFrame)[] }>();
  const final = new Map<string, string[]>();
  const stages: Record<string, string> = { json: JSON_FORMAT, clf: CLF, wide: WIDE_FORMAT };
  const names = [...Object.keys(stages), "toggled", "before", "after", "twin"];

  const open = (stage: string, query = "") =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/${stage}${query}`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost`, "user-agent": "ws-log-test/1" },
      });
      ws.once("open", () => resolve(ws));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });
  const connect = async (stage: string) => {
    const ws = await open(stage);
    assert.ok(ws instanceof WebSocket, `${stage}: connected`);
    return ws;
  };
  /** Sends a message and waits for the frame it gets back (every route here is two-way). */
  const exchange = (ws: WebSocket, action: string) =>
    new Promise<string | ErrorFrame>((resolve) => {
      ws.once("message", (data) => {
        const text = data.toString();
        resolve(text.startsWith("{") ? (JSON.parse(text) as ErrorFrame) : text);
      });
      ws.send(JSON.stringify({ action }));
    });
  const close = (ws: WebSocket) =>
    new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      ws.close();
    });
  const update = (StageName: string, AccessLogSettings: { DestinationArn: string; Format: string }) =>
    client.send(new UpdateStageCommand({ ApiId: apiId, StageName, AccessLogSettings }));

  before(async () => {
    backend = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url?.startsWith("/connect")) res.writeHead(req.url.includes("deny") ? 401 : 200).end();
        else if (req.url === "/fail") res.writeHead(500).end("backend failed");
        else res.end("ok");
      });
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    const base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    const proxy = (key: string, uri: string): WsRouteSpec => ({
      key,
      twoWay: true,
      integration: {
        create: { IntegrationType: "HTTP_PROXY", IntegrationMethod: "POST", IntegrationUri: uri },
      },
    });
    const routes = [
      proxy("$connect", `${base}/connect`),
      proxy("echo", `${base}/echo`),
      proxy("fail", `${base}/fail`),
      // Nothing listens on port 9 (discard): the integration cannot be called.
      proxy("broken", "http://127.0.0.1:9/never"),
      proxy("$disconnect", `${base}/disconnect`),
    ];
    gw = await startTestGateway({
      apis: [TWIN],
      accessLogs: {
        default: file("default"),
        destinations: Object.fromEntries(names.map((s) => [arn(s), file(s)])),
      },
    });
    // A second gateway in the same process, with the same declared API (same id and stage) logging
    // the same ARNs to its own files: it must write none of the first one's events.
    other = await startTestGateway({
      apis: [TWIN],
      accessLogs: {
        default: file("other-default"),
        destinations: Object.fromEntries(names.map((s) => [arn(s), file(`other-${s}`)])),
      },
    });
    const otherClient = new ApiGatewayV2Client(adminClientConfig(other));
    await otherClient.send(
      new UpdateStageCommand({
        ApiId: TWIN.id,
        StageName: TWIN.stage,
        AccessLogSettings: { DestinationArn: arn("twin"), Format: "$context.eventType $context.requestId" },
      }),
    );
    otherClient.destroy();

    client = new ApiGatewayV2Client(adminClientConfig(gw));
    // `prod`, without accessLogSettings.
    apiId = await deployWebSocketApi(gw, routes);
    for (const [stage, format] of Object.entries(stages))
      await client.send(
        new CreateStageCommand({
          ApiId: apiId,
          StageName: stage,
          AutoDeploy: true,
          AccessLogSettings: { DestinationArn: arn(stage), Format: format },
        }),
      );
    for (const stage of [...Object.keys(stages), "prod"]) {
      const refused = (await open(stage, "?deny=1")) as number;
      const ws = await connect(stage);
      const frames = [];
      for (const action of ["echo", "fail", "nowhere", "broken"]) frames.push(await exchange(ws, action));
      await close(ws);
      seen.set(stage, { refused, frames });
      // Each stage's DISCONNECT is written once its $disconnect integration answered.
      if (stage !== "prod") await linesOf(stage, 7);
    }

    // A stage gains accessLogSettings while a connection is open: its next events are logged; once
    // DeleteAccessLogSettings removes them, no event is, on open connections or new ones.
    await client.send(new CreateStageCommand({ ApiId: apiId, StageName: "toggled", AutoDeploy: true }));
    const early = await connect("toggled");
    await exchange(early, "echo");
    await update("toggled", {
      DestinationArn: arn("toggled"),
      Format: "$context.eventType $context.routeKey $context.connectionId $context.status $context.requestId",
    });
    const earlyFrame = (await exchange(early, "nowhere")) as ErrorFrame;
    const late = await connect("toggled");
    const lateFrame = (await exchange(late, "nowhere")) as ErrorFrame;
    await linesOf("toggled", 3);
    await client.send(new DeleteAccessLogSettingsCommand({ ApiId: apiId, StageName: "toggled" }));
    await exchange(late, "nowhere");
    await Promise.all([close(early), close(late)]);
    seen.set("toggled", { refused: 0, frames: [earlyFrame, lateFrame] });

    // UpdateStage moves a stage's lines to another destination, in its new format, at once.
    await client.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: "moved",
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: arn("before"), Format: "$context.eventType $context.requestId" },
      }),
    );
    const moving = await connect("moved");
    const beforeFrame = (await exchange(moving, "nowhere")) as ErrorFrame;
    await update("moved", {
      DestinationArn: arn("after"),
      Format: "after $context.eventType $context.status $context.requestId",
    });
    const afterFrame = (await exchange(moving, "nowhere")) as ErrorFrame;
    await close(moving);
    await linesOf("after", 2);
    seen.set("moved", { refused: 0, frames: [beforeFrame, afterFrame] });

    // The declared API both gateways have: this gateway's events are its own.
    const twinClient = new ApiGatewayV2Client(adminClientConfig(gw));
    await twinClient.send(
      new UpdateStageCommand({
        ApiId: TWIN.id,
        StageName: TWIN.stage,
        AccessLogSettings: { DestinationArn: arn("twin"), Format: "$context.eventType $context.requestId" },
      }),
    );
    twinClient.destroy();
    const twin = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/${TWIN.stage}`, {
        headers: { host: `${TWIN.id}.execute-api.us-east-1.localhost` },
      });
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
    twin.send("hello");
    await close(twin);
    await linesOf("twin", 3);

    // Closing writes out whatever is buffered.
    client.destroy();
    await Promise.all([gw.close(), other.close()]);
    for (const name of [...names, "default", "other-default", ...names.map((n) => `other-${n}`)])
      final.set(name, read(name));
  });
  after(async () => {
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  test("JSON: AWS's example members for each event, connectionId and status as the client saw them", () => {
    const lines = final.get("json")!.map((l) => JSON.parse(l) as Record<string, string>);
    const { refused, frames } = seen.get("json")!;
    assert.equal(refused, 401);
    const nowhere = frames[2] as ErrorFrame;
    const broken = frames[3] as ErrorFrame;
    assert.deepEqual(frames.slice(0, 2), ["ok", "backend failed"]);
    assert.equal(nowhere.message, "Forbidden");
    assert.equal(broken.message, "Internal server error");
    const id = nowhere.connectionId;
    assert.equal(broken.connectionId, id);
    assert.deepEqual(
      lines.map((l) => [l.eventType, l.routeKey, l.status, l.connectionId === id]),
      [
        ["CONNECT", "$connect", "401", false],
        ["CONNECT", "$connect", "200", true],
        ["MESSAGE", "echo", "200", true],
        ["MESSAGE", "fail", "500", true],
        ["MESSAGE", "-", "403", true],
        ["MESSAGE", "broken", "500", true],
        ["DISCONNECT", "$disconnect", "200", true],
      ],
    );
    assert.equal(lines[4]!.requestId, nowhere.requestId, "the error frame's requestId");
    assert.equal(lines[5]!.requestId, broken.requestId);
    assert.equal(new Set(lines.map((l) => l.requestId)).size, 7, "a request id per event");
    assert.notEqual(lines[0]!.connectionId, "-", "a refused upgrade has its connection id too");
    for (const l of lines) {
      assert.deepEqual(Object.keys(l), [
        "requestId",
        "ip",
        "caller",
        "user",
        "requestTime",
        "eventType",
        "routeKey",
        "status",
        "connectionId",
      ]);
      assert.equal(l.ip, "127.0.0.1");
      assert.equal(l.caller, "-", "no IAM caller");
      assert.equal(l.user, "-");
      assert.match(l.requestTime!, REQUEST_TIME);
    }
  });

  test('CLF: ip caller user [time] "eventType routeKey connectionId" status requestId', () => {
    const shape = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\S+)$/;
    const fields = final.get("clf")!.map((l) => shape.exec(l)?.slice(1) ?? assert.fail(`not CLF: ${l}`));
    const nowhere = seen.get("clf")!.frames[2] as ErrorFrame;
    const id = nowhere.connectionId;
    assert.deepEqual(
      fields.map((f) => [f[0], f[1], f[2], f[4], f[5], f[6] === id, f[7]]),
      [
        ["127.0.0.1", "-", "-", "CONNECT", "$connect", false, "401"],
        ["127.0.0.1", "-", "-", "CONNECT", "$connect", true, "200"],
        ["127.0.0.1", "-", "-", "MESSAGE", "echo", true, "200"],
        ["127.0.0.1", "-", "-", "MESSAGE", "fail", true, "500"],
        ["127.0.0.1", "-", "-", "MESSAGE", "-", true, "403"],
        ["127.0.0.1", "-", "-", "MESSAGE", "broken", true, "500"],
        ["127.0.0.1", "-", "-", "DISCONNECT", "$disconnect", true, "200"],
      ],
    );
    for (const f of fields) assert.match(f[3]!, REQUEST_TIME);
    assert.equal(fields[4]![8], nowhere.requestId);
  });

  test("the rest of AWS's variables: ids, times, messageId, the integration's part, the gateway's error", () => {
    const lines = final
      .get("wide")!
      .map((l) => Object.fromEntries(l.split("|").map((v, i) => [WIDE[i]!, v])) as Record<string, string>);
    const id = (seen.get("wide")!.frames[2] as ErrorFrame).connectionId;
    const [refused, connect, echo, fail, nowhere, broken, disconnect] = lines;
    for (const l of lines) {
      assert.equal(l.apiId, apiId);
      assert.equal(l.stage, "wide");
      assert.equal(l.messageDirection, "IN");
      assert.equal(l.domainName, `${apiId}.execute-api.us-east-1.localhost`);
      assert.equal(l["identity.userAgent"], "ws-log-test/1");
      assert.match(l.requestTimeEpoch!, /^\d{13}$/);
      assert.match(l.extendedRequestId!, /^\S+$/);
      assert.deepEqual([l["waf.status"], l.nonsense], ["-", "-"]);
    }
    // The connection's facts are the same on each of its events.
    for (const l of [connect, echo, fail, nowhere, broken, disconnect]) {
      assert.equal(l!.connectionId, id);
      assert.equal(l!.connectedAt, connect!.connectedAt);
    }
    assert.match(connect!.connectedAt!, /^\d{13}$/);
    // messageId: MESSAGE only, one per message.
    assert.deepEqual(
      [refused, connect, disconnect].map((l) => l!.messageId),
      ["-", "-", "-"],
    );
    const messageIds = [echo, fail, nowhere, broken].map((l) => l!.messageId!);
    assert.equal(new Set(messageIds).size, 4);
    for (const m of messageIds) assert.notEqual(m, "-");
    // The integration's status and latency where it answered; the gateway's message where it answered.
    assert.deepEqual(
      lines.map((l) => [l.eventType, l.status, l["integration.status"], l["error.message"]]),
      [
        ["CONNECT", "401", "401", "Refused"],
        ["CONNECT", "200", "200", "-"],
        ["MESSAGE", "200", "200", "-"],
        ["MESSAGE", "500", "500", "-"],
        ["MESSAGE", "403", "-", "Forbidden"],
        ["MESSAGE", "500", "-", "Internal server error"],
        ["DISCONNECT", "200", "200", "-"],
      ],
    );
    for (const l of [refused, connect, echo, fail, broken, disconnect])
      assert.match(l!.integrationLatency!, /^\d+$/, "called: its latency");
    assert.equal(nowhere!.integrationLatency, "-", "no route: nothing called");
  });

  test("a stage without accessLogSettings writes nothing; UpdateStage adding them applies to open connections", () => {
    const [early, late] = seen.get("toggled")!.frames as ErrorFrame[];
    const lines = final.get("toggled")!;
    assert.equal(lines.length, 3, "the first message and both DISCONNECTs went unlogged");
    assert.equal(lines[0], `MESSAGE - ${early!.connectionId} 403 ${early!.requestId}`);
    const [kind, route, id, status, requestId] = lines[1]!.split(" ");
    assert.deepEqual([kind, route, id, status], ["CONNECT", "$connect", late!.connectionId, "200"]);
    assert.match(
      requestId ?? "",
      /^\S+$/,
      "a connection id may hold regex characters (+, /): compared as text",
    );
    assert.equal(lines[2], `MESSAGE - ${late!.connectionId} 403 ${late!.requestId}`);
    assert.deepEqual(final.get("default"), [], "prod and the toggled-off events went nowhere");
  });

  test("UpdateStage moves a stage's lines to another destination, in its new format", () => {
    const [first, second] = seen.get("moved")!.frames as ErrorFrame[];
    const moving = final.get("before")!;
    assert.equal(moving.length, 2);
    assert.match(moving[0]!, /^CONNECT \S+$/);
    assert.equal(moving[1], `MESSAGE ${first!.requestId}`);
    const moved = final.get("after")!;
    assert.equal(moved.length, 2);
    assert.equal(moved[0], `after MESSAGE 403 ${second!.requestId}`);
    assert.match(moved[1]!, /^after DISCONNECT 200 \S+$/);
  });

  test("another gateway in the same process, with the same API and stage, writes none of these events", () => {
    assert.deepEqual(
      final.get("twin")!.map((l) => l.split(" ")[0]),
      ["CONNECT", "MESSAGE", "DISCONNECT"],
    );
    for (const name of ["other-default", ...names.map((n) => `other-${n}`)])
      assert.deepEqual(final.get(name), [], name);
  });
});

describe("WebSocket AccessLogSettings: checked as for HTTP APIs", () => {
  let gw: TestGateway;
  let client: ApiGatewayV2Client;
  let apiId: string;
  const good = { DestinationArn: arn("kept"), Format: "$context.requestId $context.eventType" };
  before(async () => {
    gw = await startTestGateway({ accessLogs: { default: "off" } });
    client = new ApiGatewayV2Client(adminClientConfig(gw));
    apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }]);
    await client.send(
      new CreateStageCommand({ ApiId: apiId, StageName: "kept", AccessLogSettings: good, AutoDeploy: true }),
    );
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  const refusals: [string, { DestinationArn?: string; Format?: string }, RegExp][] = [
    [
      "no-id",
      { DestinationArn: arn("x"), Format: "$context.eventType $context.status" },
      /\$context\.requestId/,
    ],
    ["two-lines", { DestinationArn: arn("x"), Format: "$context.requestId\n$context.status" }, /single line/],
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

  test("CreateStage with bad settings: BadRequestException, and no stage", async () => {
    for (const [name, settings, message] of refusals) {
      await assert.rejects(
        client.send(new CreateStageCommand({ ApiId: apiId, StageName: name, AccessLogSettings: settings })),
        (err: Error) => err.name === "BadRequestException" && message.test(err.message),
        name,
      );
      await assert.rejects(client.send(new GetStageCommand({ ApiId: apiId, StageName: name })), {
        name: "NotFoundException",
      });
    }
  });

  test("UpdateStage with bad settings: BadRequestException, and the stage keeps its own", async () => {
    for (const [name, settings, message] of refusals) {
      await assert.rejects(
        client.send(new UpdateStageCommand({ ApiId: apiId, StageName: "kept", AccessLogSettings: settings })),
        (err: Error) => err.name === "BadRequestException" && message.test(err.message),
        name,
      );
      const stage = await client.send(new GetStageCommand({ ApiId: apiId, StageName: "kept" }));
      assert.deepEqual(stage.AccessLogSettings, good, name);
    }
  });
});
