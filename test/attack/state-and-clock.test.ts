import assert from "node:assert/strict";
import { describe, mock, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { LocalTraffic } from "../../src/traffic/local-traffic.ts";
import { adminClientConfig, startTestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("attack: the system clock is stepped back", () => {
  test("local token buckets refill by the monotonic clock: a wall clock going back an hour changes nothing", () => {
    let monotonicMs = 5_000;
    let wallMs = Date.UTC(2030, 0, 15, 12);
    const traffic = new LocalTraffic({ clock: () => monotonicMs, wallClock: () => wallMs });
    const route = [{ key: "GET /limited", rate: 10, burst: 2 }];
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "throttled", "the burst is spent");
    for (let step = 0; step < 5; step++) {
      wallMs -= 3_600_000;
      monotonicMs += 100; // one token at 10 rps
      assert.equal(traffic.admit(route, undefined), "admitted", `refilled after step ${step}`);
      assert.equal(traffic.admit(route, undefined), "throttled", `and only one token, step ${step}`);
    }
    monotonicMs += 60_000;
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "admitted");
    assert.equal(traffic.admit(route, undefined), "throttled", "refill stops at the burst");
  });

  test("a throttled route is admitted again as refill allows after Date.now() jumps an hour back", {
    timeout: 30_000,
  }, async () => {
    const gw = await startTestGateway();
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      const id = await gw.deployRest(
        `
openapi: 3.0.1
info: { title: Clock, version: "1" }
paths:
  /limited:
    get:${mockIntegration('{"route":"limited"}')}
`,
        "prod",
      );
      await client.send(
        new UpdateStageCommand({
          restApiId: id,
          stageName: "prod",
          patchOperations: [
            { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "5" },
            { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "1" },
          ],
        }),
      );
      let status = 0;
      for (let i = 0; i < 200 && status !== 429; i++) status = (await gw.call(id, "/prod/limited")).status;
      assert.equal(status, 429, "the bucket is empty");
      // The wall clock now stands an hour in the past (and stays there).
      mock.timers.enable({ apis: ["Date"], now: Date.now() - 3_600_000 });
      try {
        let admitted = false;
        // Polled by attempts, not by Date.now(), which no longer moves.
        for (let i = 0; i < 100 && !admitted; i++) {
          admitted = (await gw.call(id, "/prod/limited")).status === 200;
          if (!admitted) await pause(50);
        }
        assert.ok(admitted, "a token came back at 5 rps although the wall clock went back");
      } finally {
        mock.timers.reset();
      }
    } finally {
      client.destroy();
      await gw.close();
    }
  });
});
