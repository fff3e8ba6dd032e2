import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, UpdateStageCommand } from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { keyWithQuota } from "../support/usage-plans.ts";
import { deployWebSocketApi, until } from "../support/websocket-api.ts";

// WebSocket access logs' $context.authorizer.* (what the $connect Lambda authorizer returned, on every
// event of the connection; its own status, latency and error on CONNECT), $context.identity.apiKeyId
// (the key $connect required), and refusals' status and message: the authorizer's, the usage plan's.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const VARIABLES = [
  "eventType",
  "status",
  "authorizer.principalId",
  "authorizer.tier",
  "authorizer.status",
  "authorizer.latency",
  "authorizer.error",
  "error.message",
  "identity.apiKeyId",
  "identity.apiKey",
];
const FORMAT = `$context.requestId|${VARIABLES.map((v) => `$context.${v}`).join("|")}`;
const arn = (name: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;

describe("WebSocket access logs: the authorizer's part, the API key, refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-ws-access-id-"));
  const file = (name: string) => join(dir, `${name}.log`);
  const read = (name: string) =>
    (existsSync(file(name)) ? readFileSync(file(name), "utf8").split("\n").slice(0, -1) : []).map(
      (l) =>
        Object.fromEntries(
          l
            .split("|")
            .slice(1)
            .map((v, i) => [VARIABLES[i]!, v]),
        ) as Record<string, string>,
    );
  let gw: TestGateway;
  let v1: APIGatewayClient;
  let v2: ApiGatewayV2Client;

  const attempt = (apiId: string, query = "", headers: Record<string, string> = {}) =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost`, ...headers },
      });
      ws.once("open", () => resolve(ws));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });
  const ask = (ws: WebSocket, body: string) => {
    const reply = new Promise<string>((ok) => ws.once("message", (d) => ok(d.toString())));
    ws.send(body);
    return reply;
  };
  const close = (ws: WebSocket) =>
    new Promise<void>((ok) => {
      ws.once("close", () => ok());
      ws.close();
    });
  const logTo = (apiId: string, name: string) =>
    v2.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        AccessLogSettings: { DestinationArn: arn(name), Format: FORMAT },
      }),
    );

  before(async () => {
    gw = await startTestGateway({
      functions: {
        echo: { handler: join(FIXTURES, "websocket.echo") },
        wsAuthorizer: { handler: join(FIXTURES, "websocket.wsAuthorizer") },
      },
      accessLogs: {
        default: "off",
        destinations: { [arn("authorized")]: file("authorized"), [arn("keyed")]: file("keyed") },
      },
    });
    v1 = new APIGatewayClient(adminClientConfig(gw));
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
  });
  after(async () => {
    v1.destroy();
    v2.destroy();
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a Lambda authorizer: its refusals on CONNECT; what it allowed on every event", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: "MOCK", authorizationType: "CUSTOM" },
        { key: "$default", integration: { lambda: "echo" }, twoWay: true },
      ],
      { authorizer: { lambda: "wsAuthorizer", identitySource: ["route.request.querystring.token"] } },
    );
    await logTo(apiId, "authorized");
    assert.equal(await attempt(apiId), 401, "no token: not invoked");
    assert.equal(await attempt(apiId, "?token=bad"), 403, "a Deny");
    assert.equal(await attempt(apiId, "?token=boom"), 500, "the authorizer failed");
    const ws = await attempt(apiId, "?token=good");
    assert.ok(ws instanceof WebSocket);
    assert.equal(await ask(ws, "hi"), "echo hi");
    await close(ws);
    await until(() => read("authorized").length === 6);
    const lines = read("authorized");
    const pick = (l: Record<string, string>) =>
      [
        "eventType",
        "status",
        "authorizer.principalId",
        "authorizer.tier",
        "authorizer.status",
        "authorizer.error",
        "error.message",
      ].map((k) => l[k]);
    assert.deepEqual(lines.map(pick), [
      ["CONNECT", "401", "-", "-", "401", "Unauthorized", "Unauthorized"],
      ["CONNECT", "403", "-", "-", "403", "Forbidden", "Forbidden"],
      ["CONNECT", "500", "-", "-", "500", "Internal Server Error", "Internal Server Error"],
      ["CONNECT", "200", "user-7", "gold", "200", "-", "-"],
      ["MESSAGE", "200", "user-7", "gold", "-", "-", "-"],
      ["DISCONNECT", "200", "user-7", "gold", "-", "-", "-"],
    ]);
    for (const l of lines.slice(0, 4))
      assert.match(l["authorizer.latency"]!, /^\d+$/, "CONNECT: the authorizer's latency");
    for (const l of lines.slice(4)) assert.equal(l["authorizer.latency"], "-");
  });

  test("apiKeyRequired: the key's id and value on every event; no key, or a used-up quota, refused", async () => {
    const apiId = await deployWebSocketApi(gw, [
      { key: "$connect", integration: "MOCK", apiKeyRequired: true },
      { key: "$default", integration: { lambda: "echo" }, twoWay: true },
    ]);
    await logTo(apiId, "keyed");
    const { keyId, headers } = await keyWithQuota(v1, {
      name: `wslog-${apiId}`,
      apiId,
      stage: "prod",
      quota: { limit: 2, period: "DAY" },
    });
    const value = headers["x-api-key"]!;
    assert.equal(await attempt(apiId), 403, "no key");
    const ws = await attempt(apiId, "", headers);
    assert.ok(ws instanceof WebSocket);
    // The plan's quota (2 a day) counts the $connect and then each message.
    assert.equal(await ask(ws, "a"), "echo a");
    assert.equal((JSON.parse(await ask(ws, "b")) as { message: string }).message, "Limit Exceeded");
    await close(ws);
    await until(() => read("keyed").length === 5);
    assert.deepEqual(
      read("keyed").map((l) => [
        l.eventType,
        l.status,
        l["error.message"],
        l["identity.apiKeyId"],
        l["identity.apiKey"],
      ]),
      [
        ["CONNECT", "403", "Forbidden", "-", "-"],
        ["CONNECT", "200", "-", keyId, value],
        ["MESSAGE", "200", "-", keyId, value],
        ["MESSAGE", "429", "Limit Exceeded", keyId, value],
        ["DISCONNECT", "200", "-", keyId, value],
      ],
    );
  });
});
