import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, TagResourceCommand, UpdateRestApiCommand } from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

const api = (title: string, policy: object) => `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
x-amazon-apigateway-policy: ${JSON.stringify(policy)}
paths:
  /pets:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"ok":true}' } } }
`;

describe("resource policies on the data plane", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      networks: { "vpc-0a1b2c3d": ["127.0.0.0/8"], "vpce-0123abcd": ["10.0.0.0/8"] },
    });
  });
  after(() => gw.close());

  test("an explicit deny for the caller's address wins over the allow (AWS's message and error type)", async () => {
    const id = await gw.deployRest(
      api("DenyDeletes", {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "execute-api:/*/DELETE/*",
            Condition: { IpAddress: { "aws:SourceIp": "127.0.0.1/32" } },
          },
        ],
      }),
      "prod",
    );
    assert.equal((await gw.call(id, "/prod/pets")).status, 200);
    const denied = await gw.call(id, "/prod/pets", { method: "DELETE" });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers["x-amzn-errortype"], "AccessDeniedException");
    assert.deepEqual(JSON.parse(denied.text), {
      Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:${id}/prod/DELETE/pets with an explicit deny`,
    });
  });

  test("no matching allow is an implicit deny (no 'explicit deny' suffix)", async () => {
    const id = await gw.deployRest(
      api("OfficeOnly", {
        Statement: {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        },
      }),
      "prod",
    );
    const r = await gw.call(id, "/prod/pets");
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.text, /explicit deny/);
  });

  test("aws:SourceVpc and aws:SourceVpce come from the configured networks", async () => {
    const vpc = (condition: object) =>
      api("Vpc", {
        Statement: {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: condition,
        },
      });
    const ours = await gw.deployRest(vpc({ StringEquals: { "aws:SourceVpc": "vpc-0a1b2c3d" } }), "prod");
    assert.equal((await gw.call(ours, "/prod/pets")).status, 200);
    const theirs = await gw.deployRest(vpc({ StringEquals: { "aws:SourceVpce": "vpce-0123abcd" } }), "prod");
    assert.equal(
      (await gw.call(theirs, "/prod/pets")).status,
      403,
      "127.0.0.1 is not in the endpoint's network",
    );
  });

  test("aws:ResourceTag/* holds the stage's tags (over the API's), changed by TagResource at once", async () => {
    const id = await gw.deployRest(
      api("Tagged", {
        Statement: {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } },
        },
      }),
      "prod",
    );
    assert.equal((await gw.call(id, "/prod/pets")).status, 403, "untagged: the condition fails");
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      await client.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${id}/stages/prod`,
          tags: { env: "prod" },
        }),
      );
      assert.equal((await gw.call(id, "/prod/pets")).status, 200);
      await client.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${id}/stages/prod`,
          tags: { env: "test" },
        }),
      );
      assert.equal((await gw.call(id, "/prod/pets")).status, 403);
    } finally {
      client.destroy();
    }
  });

  test("an invalid policy is refused when set, and the API keeps its old one", async () => {
    const id = await gw.deployRest(
      api("Keep", { Statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" } }),
      "prod",
    );
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      await assert.rejects(
        client.send(
          new UpdateRestApiCommand({
            restApiId: id,
            patchOperations: [
              {
                op: "replace",
                path: "/policy",
                value: JSON.stringify({ Statement: { Effect: "Allow", Action: "*" } }),
              },
            ],
          }),
        ),
        (e: Error) => e.name === "BadRequestException" && /Resource and NotResource/.test(e.message),
      );
      assert.equal((await gw.call(id, "/prod/pets")).status, 200);
    } finally {
      client.destroy();
    }
    await assert.rejects(
      gw.deployRest(api("Bad", { Statement: { Effect: "Perhaps" } }), "prod"),
      /Effect must be Allow or Deny/,
    );
  });
});
