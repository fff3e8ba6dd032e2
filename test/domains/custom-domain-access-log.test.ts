import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
} from "@aws-sdk/client-apigatewayv2";
import { callHost } from "../support/by-host.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { mockIntegration } from "../support/snippets.ts";

// `$context.customDomain.basePathMatched` (AWS: the API mapping's path a custom domain request
// matched), `$context.domainName` and `$context.path` in a stage's access log, by a custom domain and
// by the execute-api endpoint.

const API = `openapi: 3.0.1
info: { title: Logged, version: "1" }
paths:
  /items:
    get:${mockIntegration('{"ok":true}')}
`;
const GROUP = "arn:aws:logs:us-east-1:000000000000:log-group:domains";
const FORMAT =
  "$context.customDomain.basePathMatched $context.domainName $context.path $context.status $context.requestId";

describe("access logs name the API mapping a custom domain request matched", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-domain-log-"));
  const file = join(dir, "domains.log");
  let gw: TestGateway | undefined;
  let lines: string[];
  before(async () => {
    const started = await startTestGateway({
      accessLogs: { default: "off", destinations: { [GROUP]: file } },
    });
    gw = started;
    const apiId = await started.deployRest(API, "prod");
    const v1 = new APIGatewayClient(adminClientConfig(started));
    await v1.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/accessLogSettings/destinationArn", value: GROUP },
          { op: "replace", path: "/accessLogSettings/format", value: FORMAT },
        ],
      }),
    );
    const v2 = new ApiGatewayV2Client(adminClientConfig(started));
    await v2.send(
      new CreateDomainNameCommand({ DomainName: "logs.example.com", DomainNameConfigurations: [{}] }),
    );
    await v2.send(
      new CreateApiMappingCommand({
        DomainName: "logs.example.com",
        ApiId: apiId,
        Stage: "prod",
        ApiMappingKey: "v1/shop",
      }),
    );
    await v2.send(
      new CreateApiMappingCommand({ DomainName: "logs.example.com", ApiId: apiId, Stage: "prod" }),
    );
    v1.destroy();
    v2.destroy();
    await callHost(started.port, "logs.example.com", "/v1/shop/items");
    await callHost(started.port, "logs.example.com", "/items");
    await started.call(apiId, "/prod/items");
    gw = undefined;
    // Closing writes out every buffered line.
    await started.close();
    lines = readFileSync(file, "utf8")
      .split("\n")
      .slice(0, -1)
      .map((line) => line.replace(/ [0-9a-f-]{36}$/, ""));
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the matched base path, the domain and the path as sent; `-` where no mapping path applies", () => {
    assert.equal(lines[0], "v1/shop logs.example.com /v1/shop/items 200");
    assert.equal(lines[1], "- logs.example.com /items 200");
    assert.match(lines[2] ?? "", /^- [a-z0-9]{10}\.execute-api\.us-east-1\.localhost \/prod\/items 200$/);
  });
});
