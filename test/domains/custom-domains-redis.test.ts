import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
} from "@aws-sdk/client-api-gateway";
import { callHost } from "../support/by-host.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";
import { eventually, mockIntegration } from "../support/snippets.ts";

// Two nodes sharing a real Redis: a domain name and its mappings made on one node are served by the
// other without a restart, and a mapping deleted on one stops answering on both.

const API = `openapi: 3.0.1
info: { title: Shared, version: "1" }
paths:
  /hello:
    get:${mockIntegration('{"node":"any"}')}
`;

describe("custom domains on every node sharing Redis", () => {
  let redis: RedisServer;
  let a: TestGateway;
  let b: TestGateway;
  let client: APIGatewayClient;
  before(async () => {
    redis = await startRedisServer();
    a = await startTestGateway({ redis: redis.url });
    b = await startTestGateway({ redis: redis.url });
    client = new APIGatewayClient(adminClientConfig(a));
  });
  after(async () => {
    client.destroy();
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
  });

  test("a mapping made on node A serves on node B; deleted on A, it stops on B", async () => {
    const apiId = await a.deployRest(API, "prod");
    await client.send(new CreateDomainNameCommand({ domainName: "shared.example.com" }));
    await client.send(
      new CreateBasePathMappingCommand({
        domainName: "shared.example.com",
        restApiId: apiId,
        stage: "prod",
        basePath: "v1",
      }),
    );
    assert.equal((await callHost(a.port, "shared.example.com", "/v1/hello")).status, 200);
    const served = await eventually(
      async () => (await callHost(b.port, "shared.example.com", "/v1/hello")).status === 200,
      5000,
    );
    assert.ok(served, "node B serves the mapping");
    await client.send(new DeleteBasePathMappingCommand({ domainName: "shared.example.com", basePath: "v1" }));
    assert.equal((await callHost(a.port, "shared.example.com", "/v1/hello")).status, 403);
    const refused = await eventually(
      async () => (await callHost(b.port, "shared.example.com", "/v1/hello")).status === 403,
      5000,
    );
    assert.ok(refused, "node B refuses the deleted mapping");
  });
});
