import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { startRedisCluster, startRedisSentinel } from "../support/redis-server.ts";
import { eventually, mockIntegration } from "../support/snippets.ts";

const API = `
openapi: 3.0.1
info: { title: OnCluster, version: "1" }
paths:
  /limited:
    get:${mockIntegration('{"ok":true}')}
`;

// Every key carries the {portico} hash tag, so the store's commit script and the traffic scripts run
// on Redis Cluster, where a script may only touch keys of one slot.
describe("two nodes on a three-master Redis Cluster (redis-cluster://)", () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  let a: TestGateway;
  let b: TestGateway;
  before(async () => {
    cluster = await startRedisCluster();
    a = await startTestGateway({ redis: cluster.url });
    b = await startTestGateway({ redis: cluster.url });
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await cluster?.stop();
  });

  test("deploys propagate, and a throttle is enforced cluster-wide", async () => {
    const id = await a.deployRest(API, "prod");
    assert.ok(
      await eventually(async () => (await b.call(id, "/prod/limited")).status === 200, 3000),
      "B serves it",
    );
    const client = new APIGatewayClient(adminClientConfig(a));
    try {
      await client.send(
        new UpdateStageCommand({
          restApiId: id,
          stageName: "prod",
          patchOperations: [
            { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "0.01" },
            { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "3" },
          ],
        }),
      );
    } finally {
      client.destroy();
    }
    assert.ok(
      await eventually(async () => (await b.call(id, "/prod/limited")).status === 429, 3000),
      "B applies A's throttle",
    );
    // Both nodes draw on the one bucket: it is empty for A too.
    assert.equal((await a.call(id, "/prod/limited")).status, 429);
  });
});

describe("a node through Redis Sentinel (redis-sentinel://)", () => {
  let sentinel: Awaited<ReturnType<typeof startRedisSentinel>>;
  let gw: TestGateway;
  before(async () => {
    sentinel = await startRedisSentinel();
    gw = await startTestGateway({ redis: sentinel.url });
  });
  after(async () => {
    await gw?.close();
    await sentinel?.stop();
  });

  test("finds the master through the sentinel; a second node shares the store", async () => {
    const id = await gw.deployRest(API, "prod");
    assert.equal((await gw.call(id, "/prod/limited")).status, 200);
    const second = await startTestGateway({ redis: sentinel.url });
    try {
      assert.equal(
        (await second.call(id, "/prod/limited")).status,
        200,
        "loaded from the shared store at start",
      );
    } finally {
      await second.close();
    }
  });
});
