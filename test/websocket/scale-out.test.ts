import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { deployWebSocketApi, until as eventually } from "../support/websocket-api.ts";

// Two Portico nodes sharing a real Redis: a client connected to node A receives what a backend posts
// through node B's @connections API, as behind one API Gateway endpoint.

let redis: RedisServer;
let a: TestGateway;
let b: TestGateway;
before(async () => {
  redis = await startRedisServer();
  a = await startTestGateway({ redis: redis.url });
  b = await startTestGateway({ redis: redis.url });
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
  await redis.stop();
});

test("a message posted to @connections on node B reaches the client connected to node A", async () => {
  const apiId = await deployWebSocketApi(a, [{ key: "$default", integration: "MOCK" }], { name: "fanout" });
  const management = (gw: TestGateway) =>
    new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
  const onB = management(b);
  // Node B follows the deployment through Redis: until then it does not know the API (404, not 410).
  await eventually(async () =>
    onB.send(new GetConnectionCommand({ ConnectionId: "bm90LXlldA==" })).then(
      () => false,
      (err: Error) => err.name === "GoneException",
    ),
  );

  const received: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${a.port}/prod`, {
    headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
  });
  ws.on("message", (d) => received.push(d.toString()));
  await new Promise((ok, fail) => {
    ws.once("open", ok);
    ws.once("error", fail);
  });
  // The id, as a backend learns it from its $connect event: here from the shared registry.
  const ids = await connectionIds();
  assert.equal(ids.length, 1);
  const id = ids[0]!;

  const described = await onB.send(new GetConnectionCommand({ ConnectionId: id }));
  assert.equal(described.Identity?.SourceIp, "127.0.0.1");
  await onB.send(new PostToConnectionCommand({ ConnectionId: id, Data: "via node B" }));
  await eventually(() => received.includes("via node B"));

  ws.close();
  await new Promise((ok) => ws.once("close", ok));
  await eventually(async () =>
    onB.send(new GetConnectionCommand({ ConnectionId: id })).then(
      () => false,
      (err: Error) => err.name === "GoneException",
    ),
  );
  onB.destroy();
});

/** The connections in the shared registry, read from its Redis keys (what `$connect` events would carry). */
async function connectionIds(): Promise<string[]> {
  const { Redis } = await import("ioredis");
  const client = new Redis(redis.url);
  try {
    const keys = await client.keys("portico:{ws}:conn:*");
    return keys.map((k) => k.slice("portico:{ws}:conn:".length));
  } finally {
    client.disconnect();
  }
}
