import assert from "node:assert/strict";
import { test } from "node:test";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import { folder, options, ref, res, template } from "./cfn-plan-support.ts";

const REST = "AWS::ApiGateway::RestApi";
const api = ref("ShopApi", REST);

const keyed = () =>
  template([
    res("ShopApi", REST, { Name: "shop", Body: { openapi: "3.0.1", info: { title: "shop" }, paths: {} } }),
    res("ShopDeployment", "AWS::ApiGateway::Deployment", { RestApiId: api, StageName: "prod" }),
    res("PartnerKey", "AWS::ApiGateway::ApiKey", {
      Name: "partner",
      Value: "partner-key-0123456789",
      StageKeys: [{ RestApiId: api, StageName: "prod" }],
    }),
    res("DisabledKey", "AWS::ApiGateway::ApiKey", { Enabled: "false" }),
    res("Gold", "AWS::ApiGateway::UsagePlan", {
      UsagePlanName: "gold",
      Description: "partners",
      ApiStages: [{ ApiId: api, Stage: "prod", Throttle: { "/pets/GET": { BurstLimit: 5, RateLimit: 2 } } }],
      Throttle: { BurstLimit: 100, RateLimit: 50 },
      Quota: { Limit: 1000, Period: "MONTH", Offset: 0 },
    }),
    res("GoldPartner", "AWS::ApiGateway::UsagePlanKey", {
      KeyId: ref("PartnerKey", "AWS::ApiGateway::ApiKey"),
      KeyType: "API_KEY",
      UsagePlanId: ref("Gold", "AWS::ApiGateway::UsagePlan"),
    }),
  ]);

test("API keys, a usage plan and its key are planned by logical id", () => {
  const plan = planFromCloudFormation(keyed(), options(folder({})));
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.apiKeys, [
    {
      logicalId: "PartnerKey",
      name: "partner",
      value: "partner-key-0123456789",
      enabled: true,
      stageKeys: [{ apiLogicalId: "ShopApi", stage: "prod" }],
    },
    { logicalId: "DisabledKey", enabled: false, stageKeys: [] },
  ]);
  assert.deepEqual(plan.usagePlans, [
    {
      logicalId: "Gold",
      name: "gold",
      description: "partners",
      apiStages: [
        {
          apiLogicalId: "ShopApi",
          stage: "prod",
          throttle: { "/pets/GET": { burstLimit: 5, rateLimit: 2 } },
        },
      ],
      throttle: { burstLimit: 100, rateLimit: 50 },
      quota: { limit: 1000, period: "MONTH", offset: 0 },
      apiKeyLogicalIds: ["PartnerKey"],
    },
  ]);
});

test("a usage plan naming an API or a key the template does not hold is refused", () => {
  const badStage = keyed();
  (
    badStage.resources.find((r) => r.logicalId === "Gold")!.properties.ApiStages as Record<string, unknown>[]
  )[0]!.ApiId = "qqqqqqqqqq";
  assert.throws(
    () => planFromCloudFormation(badStage, options(folder({}))),
    /Resources\.Gold\.Properties\.ApiStages\.0\.ApiId: names "qqqqqqqqqq"/,
  );
  const badKey = keyed();
  badKey.resources.find((r) => r.logicalId === "GoldPartner")!.properties.KeyId = "nokey";
  assert.throws(
    () => planFromCloudFormation(badKey, options(folder({}))),
    /Resources\.GoldPartner\.Properties\.KeyId/,
  );
  const badQuota = keyed();
  badQuota.resources.find((r) => r.logicalId === "Gold")!.properties.Quota = { Limit: 5, Period: "YEAR" };
  assert.throws(
    () => planFromCloudFormation(badQuota, options(folder({}))),
    /Resources\.Gold\.Properties\.Quota/,
  );
});

test("resources Portico does not create get one notice each; grants and records are silent", () => {
  const t = keyed();
  t.resources.push(
    res("Orders", "AWS::SQS::Queue", {}),
    res("Table", "AWS::DynamoDB::Table", {}),
    res("Account", "AWS::ApiGateway::Account", {}),
    res("Domain", "AWS::ApiGateway::DomainName", { DomainName: "api.example.com" }),
    res("Policy", "AWS::IAM::Policy", {}),
    res("Logs", "AWS::Logs::LogGroup", {}),
  );
  const plan = planFromCloudFormation(t, options(folder({})));
  assert.deepEqual(
    plan.warnings.map((w) => [w.logicalId, w.path]),
    [
      ["Orders", "Resources.Orders.Type"],
      ["Table", "Resources.Table.Type"],
      ["Account", "Resources.Account.Type"],
    ],
  );
  assert.match(plan.warnings[0]!.message, /AWS::SQS::Queue Orders is not created: .*`services:` endpoint/);
  assert.match(
    plan.warnings[2]!.message,
    /not created: Portico creates API Gateway APIs and Lambda functions only/,
  );
  assert.deepEqual(
    plan.domains,
    [{ logicalId: "Domain", name: "api.example.com", mappings: [] }],
    "domain names are planned",
  );
});
