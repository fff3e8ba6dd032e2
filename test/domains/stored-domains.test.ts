import assert from "node:assert/strict";
import { test } from "node:test";
import { APIGatewayClient, GetBasePathMappingsCommand } from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, GetApiMappingsCommand } from "@aws-sdk/client-apigatewayv2";
import type { DomainName } from "../../src/model/domain-name.ts";
import { callHost } from "../support/by-host.ts";
import { adminClientConfig, startTestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// A domain name stored by an earlier Portico (mappings keyed by base path, naming `restApiId`, with
// no ApiMappingId) is read, listed and served as if written now, with the same mapping ids each time.

test("a domain document of the earlier shape is served and listed, its mapping ids stable", async () => {
  const gw = await startTestGateway();
  try {
    const apiId = await gw.deployRest(
      `openapi: 3.0.1\ninfo: { title: Old, version: "1" }\npaths:\n  /x:\n    get:${mockIntegration('{"old":true}')}\n`,
      "prod",
    );
    const legacy = {
      domainName: "old.example.com",
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
      domainNameStatus: "AVAILABLE",
      regionalDomainName: "d-fabcdef.execute-api.us-east-1.amazonaws.com",
      createdDate: 1_700_000_000_000,
      basePathMappings: { v1: { basePath: "v1", restApiId: apiId, stage: "prod" } },
    } as unknown as DomainName;
    await gw.portico.control.changeDocument<DomainName>("domainnames", "old.example.com", () => legacy);
    assert.deepEqual((await callHost(gw.port, "old.example.com", "/v1/x")).json(), { old: true });
    const v1 = new APIGatewayClient(adminClientConfig(gw));
    const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    const listed = (await v1.send(new GetBasePathMappingsCommand({ domainName: "old.example.com" }))).items;
    assert.deepEqual(
      listed?.map((m) => [m.basePath, m.restApiId, m.stage]),
      [["v1", apiId, "prod"]],
    );
    const first = (await v2.send(new GetApiMappingsCommand({ DomainName: "old.example.com" }))).Items?.[0];
    const again = (await v2.send(new GetApiMappingsCommand({ DomainName: "old.example.com" }))).Items?.[0];
    assert.match(first?.ApiMappingId ?? "", /^[a-z0-9]{6}$/);
    assert.equal(again?.ApiMappingId, first?.ApiMappingId);
    v1.destroy();
    v2.destroy();
  } finally {
    await gw.close();
  }
});
