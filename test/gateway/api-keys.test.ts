import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetResourcesCommand,
  TestInvokeMethodCommand,
  UpdateApiKeyCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const API = `
openapi: 3.0.1
info: { title: Keyed, version: "1" }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /data:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }
`;

let gw: TestGateway;
let client: APIGatewayClient;
let id: string;
before(async () => {
  gw = await startTestGateway({
    functions: {
      keyAuthorizer: {
        handler: join(import.meta.dirname, "..", "fixtures", "functions", "handlers.keyAuthorizer"),
      },
    },
  });
  client = new APIGatewayClient(adminClientConfig(gw));
  id = await gw.deployRest(API, "prod");
});
after(async () => {
  client.destroy();
  await gw.close();
});

test("apiKeyRequired: no key, unknown key, key outside any plan for the stage → 403 Forbidden; a planned key passes", async () => {
  const forbidden = async (headers: Record<string, string>) => {
    const r = await gw.call(id, "/prod/data", { headers });
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal(r.text, '{"message":"Forbidden"}');
    assert.equal(r.headers["x-amzn-errortype"], "ForbiddenException");
  };
  await forbidden({});
  await forbidden({ "x-api-key": "not-a-key-of-ours-at-all" });
  const key = await client.send(new CreateApiKeyCommand({ name: "partner", enabled: true }));
  await forbidden({ "x-api-key": key.value! });
  const plan = await client.send(
    new CreateUsagePlanCommand({ name: "basic", apiStages: [{ apiId: id, stage: "prod" }] }),
  );
  await client.send(
    new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
  );
  assert.equal((await gw.call(id, "/prod/data", { headers: { "x-api-key": key.value! } })).status, 200);

  await client.send(
    new UpdateApiKeyCommand({
      apiKey: key.id,
      patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
    }),
  );
  await forbidden({ "x-api-key": key.value! });
});

test("test-invoke-method explains the decision: the API key step's trace is in the log", async () => {
  const resource = (await client.send(new GetResourcesCommand({ restApiId: id }))).items!.find(
    (r) => r.path === "/data",
  )!;
  const refused = await client.send(
    new TestInvokeMethodCommand({ restApiId: id, resourceId: resource.id, httpMethod: "GET" }),
  );
  assert.equal(refused.status, 403);
  assert.match(refused.log!, /API key: missing, unknown, disabled or not in a usage plan for this stage/);
  assert.equal(refused.headers?.["x-portico-trace"], undefined, "the trace header stays internal");
});

test("apiKeySource AUTHORIZER: the Lambda authorizer's usageIdentifierKey is the key", async () => {
  const authorizerUri =
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:keyAuthorizer/invocations";
  const keyed = await gw.deployRest(
    `openapi: 3.0.1
info: { title: KeyFromAuthorizer, version: "1" }
x-amazon-apigateway-api-key-source: AUTHORIZER
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    auth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: "${authorizerUri}", authorizerResultTtlInSeconds: 0 }
paths:
  /data:
    get:
      security: [{ api_key: [], auth: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
`,
    "prod",
  );
  const key = await client.send(new CreateApiKeyCommand({ name: "via-authorizer", enabled: true }));
  const plan = await client.send(
    new CreateUsagePlanCommand({ name: "authz", apiStages: [{ apiId: keyed, stage: "prod" }] }),
  );
  await client.send(
    new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }),
  );
  assert.equal((await gw.call(keyed, "/prod/data", { headers: { authorization: key.value! } })).status, 200);
  const wrong = await gw.call(keyed, "/prod/data", {
    headers: { authorization: "not-a-key", "x-api-key": key.value! },
  });
  assert.equal(wrong.status, 403, "the header is ignored when the authorizer is the key source");
});
