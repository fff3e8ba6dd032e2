import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetUsagePlanCommand,
  GetUsagePlansCommand,
  type PatchOperation,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import { awsCli } from "../support/aws-cli.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration as mock } from "../support/snippets.ts";

/**
 * Per-method throttles in usage plans, set the way AWS's tutorials set them — UpdateUsagePlan's
 * `/apiStages/{apiId}:{stage}/throttle/{resourcePath}/{httpMethod}/…` paths, from the SDK and the AWS
 * CLI — and enforced by the data plane for requests with the plan's key. Rates are tiny (a token per
 * thousand seconds), so what is refused depends on the burst only, not on how fast the test runs.
 */
const REST = `
openapi: 3.0.1
info: { title: MethodThrottles, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /:
    get:
      security: [{ api_key: [] }]${mock('{"route":"root"}')}
  /limited:
    get:
      security: [{ api_key: [] }]${mock('{"route":"limited"}')}
    post:
      security: [{ api_key: [] }]${mock('{"route":"limited-post"}')}
  /pets/{id}:
    get:
      security: [{ api_key: [] }]${mock('{"route":"pet"}')}
  /other:
    get:
      security: [{ api_key: [] }]${mock('{"route":"other"}')}
`;

describe("usage plans: per-method throttles", () => {
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

  /** A plan with a generous plan-wide throttle, and a fresh key in it. */
  async function planWithKey(name: string) {
    const plan = await client.send(
      new CreateUsagePlanCommand({
        name,
        apiStages: [{ apiId: id, stage: "prod" }],
        throttle: { rateLimit: 1000, burstLimit: 1000 },
      }),
    );
    const key = await client.send(new CreateApiKeyCommand({ name: `${name}-key`, enabled: true }));
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
    );
    return { planId: plan.id!, headers: { "x-api-key": key.value! } };
  }

  const update = (usagePlanId: string, patchOperations: PatchOperation[]) =>
    client.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations }));

  async function statuses(path: string, n: number, headers: Record<string, string>, method = "GET") {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await gw.call(id, path, { method, headers })).status);
    return out;
  }

  test("rateLimit and burstLimit patches on one method: 429s there, not on its other methods or other resources", async () => {
    const { planId, headers } = await planWithKey("per-method");
    const updated = await update(planId, [
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1limited/GET/rateLimit`, value: "0.001" },
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1limited/GET/burstLimit`, value: "2" },
    ]);
    assert.deepEqual(updated.apiStages, [
      { apiId: id, stage: "prod", throttle: { "/limited/GET": { rateLimit: 0.001, burstLimit: 2 } } },
    ]);
    assert.deepEqual(await statuses("/prod/limited", 4, headers), [200, 200, 429, 429]);
    const refused = await gw.call(id, "/prod/limited", { headers });
    assert.equal(refused.status, 429);
    assert.equal(refused.text, '{"message":"Too Many Requests"}');
    assert.equal(refused.headers["x-amzn-errortype"], "TooManyRequestsException");
    assert.deepEqual(await statuses("/prod/other", 6, headers), Array(6).fill(200), "another resource");
    assert.deepEqual(
      await statuses("/prod/limited", 4, headers, "POST"),
      Array(4).fill(200),
      "another method",
    );
    // Another key of the same plan has buckets of its own.
    const other = await client.send(new CreateApiKeyCommand({ name: "per-method-2", enabled: true }));
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: other.id, keyType: "API_KEY" }),
    );
    assert.deepEqual(await statuses("/prod/limited", 3, { "x-api-key": other.value! }), [200, 200, 429]);

    // Removing the method's entry lifts its limit (the plan's own throttle applies again).
    await update(planId, [{ op: "remove", path: `/apiStages/${id}:prod/throttle/~1limited/GET` }]);
    assert.equal(
      (await client.send(new GetUsagePlanCommand({ usagePlanId: planId }))).apiStages?.[0]?.throttle,
      undefined,
    );
    assert.deepEqual(await statuses("/prod/limited", 3, headers), [200, 200, 200]);
  });

  test("resource paths with their slashes (as Terraform sends them), path parameters and the root", async () => {
    const { planId, headers } = await planWithKey("slashes");
    await update(planId, [
      { op: "add", path: `/apiStages/${id}:prod/throttle//pets/{id}/GET/rateLimit`, value: "0.001" },
      { op: "add", path: `/apiStages/${id}:prod/throttle//pets/{id}/GET/burstLimit`, value: "1" },
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1/GET/rateLimit`, value: "0.001" },
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1/GET/burstLimit`, value: "3" },
    ]);
    const plan = await client.send(new GetUsagePlanCommand({ usagePlanId: planId }));
    assert.deepEqual(plan.apiStages?.[0]?.throttle, {
      "/pets/{id}/GET": { rateLimit: 0.001, burstLimit: 1 },
      "//GET": { rateLimit: 0.001, burstLimit: 3 },
    });
    // One bucket for the method, whichever pet is asked for.
    assert.deepEqual(
      [...(await statuses("/prod/pets/1", 1, headers)), ...(await statuses("/prod/pets/2", 2, headers))],
      [200, 429, 429],
    );
    assert.deepEqual(await statuses("/prod/", 4, headers), [200, 200, 200, 429]);
    assert.deepEqual(await statuses("/prod/other", 3, headers), [200, 200, 200]);
  });

  test("the AWS CLI: the whole map as AWS's example writes it, then remove it", async () => {
    const { planId, headers } = await planWithKey("cli");
    const map = JSON.stringify({ "/other/GET": { rateLimit: 0.001, burstLimit: 1 } });
    const set = await awsCli(gw.adminPort, [
      "update-usage-plan",
      "--usage-plan-id",
      planId,
      "--patch-operations",
      `op=replace,path=/apiStages/${id}:prod/throttle,value='${map}'`,
    ]);
    assert.equal(set.status, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout).apiStages[0].throttle, {
      "/other/GET": { rateLimit: 0.001, burstLimit: 1 },
    });
    assert.deepEqual(await statuses("/prod/other", 2, headers), [200, 429]);
    assert.deepEqual(await statuses("/prod/limited", 2, headers), [200, 200]);
    const removed = await awsCli(gw.adminPort, [
      "update-usage-plan",
      "--usage-plan-id",
      planId,
      "--patch-operations",
      `op=remove,path=/apiStages/${id}:prod/throttle`,
    ]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal(JSON.parse(removed.stdout).apiStages[0].throttle, undefined);
    assert.deepEqual(await statuses("/prod/other", 2, headers), [200, 200]);
    const bad = await awsCli(gw.adminPort, [
      "update-usage-plan",
      "--usage-plan-id",
      planId,
      "--patch-operations",
      `op=replace,path=/apiStages/${id}:prod/throttle/~1other/GET/burstLimit,value=-1`,
    ]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /BadRequestException/);
  });

  test("bad patches are refused with AWS's exception types and change nothing", async () => {
    const { planId } = await planWithKey("refusals");
    await update(planId, [
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1limited/GET/rateLimit`, value: "5" },
      { op: "replace", path: `/apiStages/${id}:prod/throttle/~1limited/GET/burstLimit`, value: "5" },
    ]);
    const before = await client.send(new GetUsagePlanCommand({ usagePlanId: planId }));
    const stage = `/apiStages/${id}:prod/throttle`;
    const cases: [PatchOperation[], string][] = [
      [[{ op: "replace", path: `${stage}/~1limited/GET/rateLimit`, value: "-1" }], "BadRequestException"],
      [[{ op: "replace", path: `${stage}/~1limited/GET/burstLimit`, value: "-2" }], "BadRequestException"],
      [[{ op: "replace", path: `${stage}/~1limited/GET/burstLimit`, value: "1.5" }], "BadRequestException"],
      [[{ op: "replace", path: `${stage}/~1limited/GET/rateLimit`, value: "fast" }], "BadRequestException"],
      [[{ op: "replace", path: `${stage}/~1limited/FETCH/rateLimit`, value: "1" }], "BadRequestException"],
      [[{ op: "replace", path: `${stage}/~1limited/GET/speed`, value: "1" }], "BadRequestException"],
      [
        [{ op: "copy", path: `${stage}/~1limited/GET/rateLimit`, from: "/throttle/rateLimit" }],
        "BadRequestException",
      ],
      [[{ op: "replace", path: `/apiStages/${id}:prod/quota`, value: "1" }], "BadRequestException"],
      [
        [{ op: "replace", path: `/apiStages/${id}:nope/throttle/~1limited/GET/rateLimit`, value: "1" }],
        "NotFoundException",
      ],
      [[{ op: "replace", path: stage, value: "{not json" }], "BadRequestException"],
      [[{ op: "replace", path: stage, value: '{"/limited/GET": {"rateLimit": -3}}' }], "BadRequestException"],
      [[{ op: "replace", path: stage, value: '{"limited": {"rateLimit": 3}}' }], "BadRequestException"],
      // Method throttles need the plan's own throttle, as AWS says.
      [[{ op: "remove", path: "/throttle" }], "BadRequestException"],
      // A good operation before a bad one is not kept either.
      [
        [
          { op: "replace", path: `${stage}/~1other/GET/rateLimit`, value: "1" },
          { op: "replace", path: `${stage}/~1other/GET/burstLimit`, value: "-1" },
        ],
        "BadRequestException",
      ],
      // At most 20 method throttles per stage.
      [
        Array.from({ length: 20 }, (_, i) => ({
          op: "replace" as const,
          path: `${stage}/~1r${i}/GET/rateLimit`,
          value: "1",
        })),
        "LimitExceededException",
      ],
    ];
    for (const [patchOperations, name] of cases) {
      await assert.rejects(update(planId, patchOperations), (e: Error) => {
        assert.equal(e.name, name, `${JSON.stringify(patchOperations[0])}: ${e.message}`);
        return true;
      });
    }
    const afterwards = await client.send(new GetUsagePlanCommand({ usagePlanId: planId }));
    assert.deepEqual(afterwards.apiStages, before.apiStages);
    assert.deepEqual(afterwards.throttle, before.throttle);
  });

  test("CreateUsagePlan checks per-method throttles the same way and creates nothing when refused", async () => {
    const count = async () => (await client.send(new GetUsagePlansCommand({}))).items?.length ?? 0;
    const n = await count();
    const bad = [
      {
        apiStages: [{ apiId: id, stage: "prod", throttle: { "/limited/GET": { rateLimit: -1 } } }],
        throttle: { rateLimit: 1 },
      },
      {
        apiStages: [{ apiId: id, stage: "prod", throttle: { "/limited/NOPE": { rateLimit: 1 } } }],
        throttle: { rateLimit: 1 },
      },
      { apiStages: [{ apiId: id, stage: "prod", throttle: { "/limited/GET": { rateLimit: 1 } } }] },
    ];
    for (const [i, input] of bad.entries())
      await assert.rejects(
        client.send(new CreateUsagePlanCommand({ name: `bad-${i}`, ...input })),
        (e: Error) => e.name === "BadRequestException",
      );
    assert.equal(await count(), n);
  });
});
