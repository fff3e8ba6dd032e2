import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetAccountCommand,
  GetUsageCommand,
  PutGatewayResponseCommand,
  UpdateApiKeyCommand,
  UpdateStageCommand,
  UpdateUsageCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  UpdateStageCommand as UpdateHttpStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { clearOfPeriodEnd, today as todayUtc } from "../support/quota-clock.ts";
import { mockIntegration } from "../support/snippets.ts";
import { keyWithQuota } from "../support/usage-plans.ts";

const mock = mockIntegration;

const REST = `
openapi: 3.0.1
info: { title: Throttled, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /limited:
    get:${mock('{"route":"limited"}')}
  /free:
    get:${mock('{"route":"free"}')}
  /a:
    get:${mock('{"route":"a"}')}
  /b:
    get:${mock('{"route":"b"}')}
  /keyed:
    get:
      security: [{ api_key: [] }]${mock('{"route":"keyed"}')}
  /keyed-fast:
    get:
      security: [{ api_key: [] }]${mock('{"route":"keyed-fast"}')}
`;

const HTTP = `
openapi: 3.0.1
info: { title: ThrottledHttp, version: "1" }
paths:
  /h:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/never", payloadFormatVersion: "1.0" }
`;

/** Sends `n` requests one after another and returns their statuses. */
async function burst(
  gw: TestGateway,
  id: string,
  path: string,
  n: number,
  headers: Record<string, string> = {},
) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await gw.call(id, path, { headers })).status);
  return statuses;
}

const count = (xs: number[], v: number) => xs.filter((x) => x === v).length;

describe("throttling and quotas (embedded)", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let id: string;
  before(async () => {
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(REST, "prod");
  });
  after(async () => {
    client.destroy();
    await gw.close();
  });

  test("a method's throttle: burst admitted, then 429 Too Many Requests; other methods unaffected; tokens refill", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/~1limited/GET/throttling/rateLimit", value: "2" },
          { op: "replace", path: "/~1limited/GET/throttling/burstLimit", value: "3" },
        ],
      }),
    );
    const limited = await burst(gw, id, "/prod/limited", 8);
    assert.ok(count(limited, 200) >= 3 && count(limited, 200) <= 4, String(limited));
    assert.ok(count(limited, 429) >= 4, String(limited));
    const refused = await gw.call(id, "/prod/limited");
    assert.equal(refused.status, 429);
    assert.equal(refused.text, '{"message":"Too Many Requests"}');
    assert.equal(refused.headers["x-amzn-errortype"], "TooManyRequestsException");
    assert.ok(refused.headers["x-amzn-requestid"]);
    assert.deepEqual(await burst(gw, id, "/prod/free", 8), Array(8).fill(200));
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await gw.call(id, "/prod/limited")).status, 200, "two tokens a second come back");
  });

  test("the stage default (*/*) gives every method its own bucket; a method's own setting overrides it", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/*/*/throttling/rateLimit", value: "0.5" },
          { op: "replace", path: "/*/*/throttling/burstLimit", value: "2" },
        ],
      }),
    );
    assert.deepEqual(await burst(gw, id, "/prod/a", 4), [200, 200, 429, 429]);
    assert.deepEqual(await burst(gw, id, "/prod/b", 4), [200, 200, 429, 429], "b has a bucket of its own");
    assert.equal((await gw.call(id, "/prod/limited")).status, 200, "its own setting (rate 2) wins");
  });

  test("THROTTLED is a customisable gateway response", async () => {
    await client.send(
      new PutGatewayResponseCommand({
        restApiId: id,
        responseType: "THROTTLED",
        statusCode: "429",
        responseTemplates: { "application/json": '{"error":"slow down"}' },
        responseParameters: { "gatewayresponse.header.Retry-After": "'1'" },
      }),
    );
    await gw.portico.control.deployRestApi(id, { stageName: "prod" });
    let r = await gw.call(id, "/prod/a");
    for (let i = 0; i < 3 && r.status === 200; i++) r = await gw.call(id, "/prod/a");
    assert.equal(r.status, 429);
    assert.equal(r.text, '{"error":"slow down"}');
    assert.equal(r.headers["retry-after"], "1");
  });

  test("removing the stage default lifts its limits", async () => {
    await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: "prod",
        patchOperations: [{ op: "remove", path: "/*/*" }],
      }),
    );
    assert.deepEqual(await burst(gw, id, "/prod/free", 4), [200, 200, 200, 200]);
  });

  test("usage plans: per-key throttle, per-method override, quota → 429 Limit Exceeded, GetUsage", async () => {
    await clearOfPeriodEnd({ period: "DAY" });
    const plan = await client.send(
      new CreateUsagePlanCommand({
        name: "gold",
        apiStages: [
          {
            apiId: id,
            stage: "prod",
            throttle: { "/keyed-fast/GET": { rateLimit: 100, burstLimit: 100 } },
          },
        ],
        throttle: { rateLimit: 0.5, burstLimit: 2 },
        quota: { limit: 5, period: "DAY" },
      }),
    );
    const keys: { id: string; value: string }[] = [];
    for (const name of ["k1", "k2"]) {
      const k = await client.send(new CreateApiKeyCommand({ name, enabled: true }));
      await client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: k.id, keyType: "API_KEY" }),
      );
      keys.push({ id: k.id!, value: k.value! });
    }
    const [k1, k2] = keys as [{ id: string; value: string }, { id: string; value: string }];
    const as = (k: { value: string }) => ({ "x-api-key": k.value });
    // The plan's per-key bucket (burst 2) applies to /keyed; /keyed-fast has its own larger one.
    assert.deepEqual(await burst(gw, id, "/prod/keyed", 3, as(k1)), [200, 200, 429]);
    assert.deepEqual(await burst(gw, id, "/prod/keyed", 2, as(k2)), [200, 200], "each key its own bucket");
    // Quota: 5 a day for k1 — 2 used, 3 more through the fast method, then Limit Exceeded.
    assert.deepEqual(await burst(gw, id, "/prod/keyed-fast", 4, as(k1)), [200, 200, 200, 429]);
    const over = await gw.call(id, "/prod/keyed-fast", { headers: as(k1) });
    assert.equal(over.status, 429);
    assert.equal(over.text, '{"message":"Limit Exceeded"}');
    assert.equal(over.headers["x-amzn-errortype"], "LimitExceededException");
    assert.equal((await gw.call(id, "/prod/keyed-fast", { headers: as(k2) })).status, 200);
    // Disabling a key takes effect at once.
    await client.send(
      new UpdateApiKeyCommand({
        apiKey: k2.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    assert.equal((await gw.call(id, "/prod/keyed-fast", { headers: as(k2) })).status, 403);
    const today = todayUtc();
    const usage = await client.send(
      new GetUsageCommand({ usagePlanId: plan.id, startDate: today, endDate: today }),
    );
    assert.deepEqual(usage.items?.[k1.id], [[5, 0]]);
    assert.deepEqual(usage.items?.[k2.id], [[3, 2]]);
    await assert.rejects(
      client.send(new GetUsageCommand({ usagePlanId: plan.id, startDate: "yesterday", endDate: today })),
      (e: Error) => e.name === "BadRequestException",
    );
  });

  test("UpdateUsage grants a key more of its quota at once; bad operations are refused", async () => {
    const { planId, keyId, headers } = await keyWithQuota(client, {
      name: "extend",
      apiId: id,
      stage: "prod",
      quota: { limit: 2, period: "DAY" },
    });
    assert.deepEqual(await burst(gw, id, "/prod/keyed-fast", 3, headers), [200, 200, 429]);
    const updated = await client.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{ op: "replace", path: "/remaining", value: "2" }],
      }),
    );
    assert.deepEqual(updated.items?.[keyId], [[2, 2]]);
    assert.deepEqual(await burst(gw, id, "/prod/keyed-fast", 3, headers), [200, 200, 429]);
    const today = todayUtc();
    const usage = await client.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: today, endDate: today }),
    );
    assert.deepEqual(usage.items?.[keyId], [[4, 0]]);
    for (const [patch, name] of [
      [{ op: "replace", path: "/remaining", value: "-1" }, "BadRequestException"],
      [{ op: "remove", path: "/remaining" }, "BadRequestException"],
      [{ op: "replace", path: "/used", value: "1" }, "BadRequestException"],
    ] as const) {
      await assert.rejects(
        client.send(new UpdateUsageCommand({ usagePlanId: planId, keyId, patchOperations: [patch] })),
        (e: Error) => e.name === name,
      );
    }
    await assert.rejects(
      client.send(
        new UpdateUsageCommand({
          usagePlanId: planId,
          keyId: "nosuchkey",
          patchOperations: [{ op: "replace", path: "/remaining", value: "1" }],
        }),
      ),
      (e: Error) => e.name === "NotFoundException",
    );
  });

  test("invalid throttle settings are refused and change nothing", async () => {
    await assert.rejects(
      client.send(
        new UpdateStageCommand({
          restApiId: id,
          stageName: "prod",
          patchOperations: [{ op: "replace", path: "/~1free/GET/throttling/rateLimit", value: "-5" }],
        }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
    assert.deepEqual(await burst(gw, id, "/prod/free", 3), [200, 200, 200]);
  });

  test("HTTP APIs: the stage's default route throttle", async () => {
    const httpId = await gw.deployHttp(HTTP);
    const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    try {
      await v2.send(
        new UpdateHttpStageCommand({
          ApiId: httpId,
          StageName: "$default",
          DefaultRouteSettings: { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.1 },
        }),
      );
      const first = await gw.call(httpId, "/h");
      assert.notEqual(first.status, 429, "the first request has a token (its backend is down: 5xx)");
      const second = await gw.call(httpId, "/h");
      assert.equal(second.status, 429);
      assert.equal(second.text, '{"message":"Too Many Requests"}');
    } finally {
      v2.destroy();
    }
  });
});

describe("the account-level throttle", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ accountThrottle: { rateLimit: 0.1, burstLimit: 4 } });
  });
  after(() => gw.close());

  test("is shared by every API and reported by GetAccount", async () => {
    const one = await gw.deployRest(REST.replace("title: Throttled", "title: One"), "prod");
    const two = await gw.deployRest(REST.replace("title: Throttled", "title: Two"), "prod");
    const statuses = [
      ...(await burst(gw, one, "/prod/free", 2)),
      ...(await burst(gw, two, "/prod/free", 2)),
      ...(await burst(gw, two, "/prod/a", 1)),
    ];
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      const account = await client.send(new GetAccountCommand({}));
      assert.deepEqual(account.throttleSettings, { burstLimit: 4, rateLimit: 0.1 });
    } finally {
      client.destroy();
    }
  });
});

describe("usage counts with --data-dir", () => {
  test("a quota's count survives a restart, as AWS's does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portico-usage-"));
    try {
      let gw = await startTestGateway({ dataDir: dir });
      let client = new APIGatewayClient(adminClientConfig(gw));
      const id = await gw.deployRest(REST.replace("title: Throttled", "title: Durable"), "prod");
      const { planId, keyId, headers } = await keyWithQuota(client, {
        name: "durable",
        apiId: id,
        stage: "prod",
        quota: { limit: 3, period: "WEEK", offset: 1 },
      });
      assert.deepEqual(await burst(gw, id, "/prod/keyed-fast", 2, headers), [200, 200]);
      client.destroy();
      await gw.close();
      gw = await startTestGateway({ dataDir: dir });
      client = new APIGatewayClient(adminClientConfig(gw));
      try {
        assert.deepEqual(await burst(gw, id, "/prod/keyed-fast", 2, headers), [200, 429], "1 of 3 was left");
        const today = todayUtc();
        const usage = await client.send(
          new GetUsageCommand({ usagePlanId: planId, startDate: today, endDate: today }),
        );
        assert.deepEqual(usage.items?.[keyId], [[3, 0]]);
      } finally {
        client.destroy();
        await gw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
