import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { type RunningPortico, spawnPortico } from "../support/process.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

// Two Portico nodes, each its own process, sharing a real Redis. A client is connected to node A;
// node A is killed with SIGKILL, so it says goodbye to nobody. Its connections stay in the shared
// registry until their heartbeat TTL (`websocket.heartbeatTtlMs`) lapses; from then on node B's
// @connections API answers 410 GoneException for them, as AWS does for a connection that is gone.

const API_ID = "deathapi01";
const HEARTBEAT_TTL_MS = 1500;
/** Generous: the TTL is 1.5 s; this only turns a hang into a clear failure. */
const DEADLINE_MS = 60_000;

let redis: RedisServer;
let dir: string;
let a: RunningPortico | undefined;
let b: RunningPortico | undefined;

before(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), "portico-node-death-"));
  const config = join(dir, "portico.yaml");
  writeFileSync(
    config,
    `websocket:
  heartbeatTtlMs: ${HEARTBEAT_TTL_MS}
apis:
  - type: WEBSOCKET
    name: death
    id: ${API_ID}
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default: # answers the sender with its connection id
        integration: { integrationType: MOCK }
        integrationResponses:
          $default: { responseTemplates: { $default: '{"connectionId": "$context.connectionId"}' } }
        routeResponseSelectionExpression: $default
`,
  );
  const args = ["--config", config, "--redis", redis.url];
  // One after the other: B finds the API A stored, unchanged.
  a = await spawnPortico(args);
  b = await spawnPortico(args);
});

after(async () => {
  for (const node of [a, b]) {
    if (node === undefined) continue;
    node.child.kill("SIGKILL");
    await node.exited;
  }
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `err.name` of a failed call, or "ok". */
const outcome = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => "ok",
    (err: Error & { $metadata?: { httpStatusCode?: number } }) =>
      `${err.name} ${err.$metadata?.httpStatusCode ?? "?"}`,
  );

test("a connection held by a node killed with SIGKILL is 410 GoneException on another node once its heartbeat lapses", async () => {
  const nodeA = a!;
  const nodeB = b!;
  const ws = new WebSocket(`ws://127.0.0.1:${nodeA.port}/prod`, {
    headers: { host: `${API_ID}.execute-api.us-east-1.localhost` },
  });
  const received: string[] = [];
  ws.on("message", (d) => received.push(d.toString()));
  ws.on("error", () => undefined); // the socket is cut when node A dies
  await new Promise((ok, fail) => {
    ws.once("open", ok);
    ws.once("unexpected-response", (_req, res) => fail(new Error(`refused: ${res.statusCode}`)));
  });
  ws.send("{}");
  while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
  const { connectionId } = JSON.parse(received[0]!) as { connectionId: string };
  assert.match(connectionId, /^[A-Za-z0-9+/=_-]+$/);

  const management = new ApiGatewayManagementApiClient({
    endpoint: `http://127.0.0.1:${nodeB.port}/restapis/${API_ID}/prod/_user_request_`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  try {
    // Alive: node B describes the connection and reaches it through node A.
    assert.equal(
      await outcome(management.send(new GetConnectionCommand({ ConnectionId: connectionId }))),
      "ok",
    );
    const posted = await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: "before" }),
    );
    assert.equal(posted.$metadata.httpStatusCode, 200);
    while (!received.includes("before")) await new Promise((r) => setTimeout(r, 10));

    // The config file's TTL is the one node A gives the connection's key in the shared registry.
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    const ttl = await client.pttl(`portico:{ws}:conn:${connectionId}`).finally(() => client.disconnect());
    assert.ok(ttl > 0 && ttl <= HEARTBEAT_TTL_MS, `the connection's key expires in ${ttl} ms`);

    nodeA.child.kill("SIGKILL");
    assert.equal(await nodeA.exited, "SIGKILL");

    // Node B keeps reporting the connection until its TTL lapses; then it is gone.
    const deadline = Date.now() + DEADLINE_MS;
    let last = "";
    for (;;) {
      last = await outcome(management.send(new GetConnectionCommand({ ConnectionId: connectionId })));
      if (last === "GoneException 410") break;
      if (Date.now() > deadline)
        assert.fail(`GetConnection still answers "${last}" ${DEADLINE_MS} ms after node A died`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(
      await outcome(
        management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "after" })),
      ),
      "GoneException 410",
    );
    assert.ok(!received.includes("after"));
  } finally {
    management.destroy();
    ws.terminate();
  }
});
