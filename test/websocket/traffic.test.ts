import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, UpdateStageCommand } from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { keyWithQuota } from "../support/usage-plans.ts";
import { deployWebSocketApi, openWebSocket } from "../support/websocket-api.ts";

// Throttling and API keys on WebSocket APIs: stage route settings throttle `$connect` (the handshake
// is refused with 429) and messages (an error frame); `apiKeyRequired` on `$connect` takes the key by
// the API's apiKeySelectionExpression, and the key's usage plan then counts the connection's messages.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

/** Opens a client; resolves with the refusal's status instead when the handshake is refused. */
function attempt(gw: TestGateway, apiId: string, query = "", headers: Record<string, string> = {}) {
  return new Promise<WebSocket | number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
      headers: { host: `${apiId}.execute-api.us-east-1.localhost`, ...headers },
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", reject);
  });
}

/** Sends a message and waits for the next frame back. */
function ask(ws: WebSocket, body: string): Promise<string> {
  const reply = new Promise<string>((ok) => ws.once("message", (d) => ok(d.toString())));
  ws.send(body);
  return reply;
}

describe("WebSocket throttling and API keys", () => {
  let gw: TestGateway;
  let v2: ApiGatewayV2Client;
  let v1: APIGatewayClient;
  before(async () => {
    gw = await startTestGateway({
      functions: {
        echo: { handler: join(FIXTURES, "websocket.echo") },
        keyAuthorizer: { handler: join(FIXTURES, "websocket.keyAuthorizer") },
      },
    });
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    v1 = new APIGatewayClient(adminClientConfig(gw));
  });
  after(async () => {
    v2.destroy();
    v1.destroy();
    await gw.close();
  });

  test("a route's throttle (routeSettings) refuses the message past its burst with a Too Many Requests frame", async () => {
    const apiId = await deployWebSocketApi(gw, [
      { key: "$default", integration: { lambda: "echo" }, twoWay: true },
    ]);
    await v2.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        RouteSettings: { $default: { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.001 } },
      }),
    );
    const ws = await openWebSocket(gw, apiId);
    assert.equal(await ask(ws, "one"), "echo one");
    const refused = JSON.parse(await ask(ws, "two")) as Record<string, unknown>;
    assert.equal(refused.message, "Too Many Requests");
    assert.equal(typeof refused.connectionId, "string");
    assert.equal(typeof refused.requestId, "string");
    assert.equal(ws.readyState, WebSocket.OPEN, "a throttled message does not end the connection");
    ws.close();
  });

  test("the stage's defaultRouteSettings throttle $connect: the handshake past the burst is refused with 429", async () => {
    const apiId = await deployWebSocketApi(gw, [
      { key: "$connect", integration: "MOCK" },
      { key: "$default", integration: { lambda: "echo" }, twoWay: true },
    ]);
    await v2.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        DefaultRouteSettings: { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.001 },
      }),
    );
    const first = await attempt(gw, apiId);
    assert.ok(first instanceof WebSocket, "the first connection is let in");
    assert.equal(await attempt(gw, apiId), 429);
    first.close();
  });

  test("apiKeyRequired on $connect: no key or an unknown key is 403; a key in a plan for the stage connects", async () => {
    const apiId = await deployWebSocketApi(gw, [
      { key: "$connect", integration: "MOCK", apiKeyRequired: true },
      { key: "$default", integration: { lambda: "echo" }, twoWay: true },
    ]);
    const { headers } = await keyWithQuota(v1, {
      name: `ws-${apiId}`,
      apiId,
      stage: "prod",
      quota: { limit: 3, period: "DAY" },
    });
    assert.equal(await attempt(gw, apiId), 403);
    assert.equal(await attempt(gw, apiId, "", { "x-api-key": "not-a-key-of-ours-at-all-0000" }), 403);
    const ws = await attempt(gw, apiId, "", headers);
    assert.ok(ws instanceof WebSocket);
    // The plan's quota (3 a day) counts the $connect and then each message of the connection.
    assert.equal(await ask(ws, "a"), "echo a");
    assert.equal(await ask(ws, "b"), "echo b");
    assert.equal((JSON.parse(await ask(ws, "c")) as { message: string }).message, "Limit Exceeded");
    ws.close();
    assert.equal(await attempt(gw, apiId, "", headers), 429, "the used-up quota refuses the next $connect");
  });

  test("apiKeySelectionExpression $context.authorizer.usageIdentifierKey takes the key the authorizer names", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: "MOCK", apiKeyRequired: true, authorizationType: "CUSTOM" },
        { key: "$default", integration: { lambda: "echo" }, twoWay: true },
      ],
      {
        authorizer: { lambda: "keyAuthorizer", identitySource: ["route.request.querystring.key"] },
        apiKeySelectionExpression: "$context.authorizer.usageIdentifierKey",
      },
    );
    const { headers } = await keyWithQuota(v1, {
      name: `wsa-${apiId}`,
      apiId,
      stage: "prod",
      quota: { limit: 100, period: "DAY" },
    });
    const value = headers["x-api-key"]!;
    // The header is not where this API looks: the authorizer's usageIdentifierKey is.
    assert.equal(await attempt(gw, apiId, "?key=wrong", headers), 403);
    const ws = await attempt(gw, apiId, `?key=${encodeURIComponent(value)}`);
    assert.ok(ws instanceof WebSocket);
    assert.equal(await ask(ws, "hi"), "echo hi");
    ws.close();
  });
});
