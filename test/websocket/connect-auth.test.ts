import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { smithyPresign } from "../auth/sigv4-helpers.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";

// $connect with AWS_IAM: the upgrade must be SigV4-signed (a presigned URL, as AWS's docs show for
// WebSocket clients); unsigned or wrongly signed upgrades get no connection.

const ROOT = { accessKeyId: "test", secretAccessKey: "test" };

function attempt(url: string, host: string, headers: Record<string, string> = {}): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { host, ...headers } });
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => undefined);
  });
}

describe("$connect with AWS_IAM", () => {
  let gw: TestGateway;
  let apiId: string;
  before(async () => {
    gw = await startTestGateway();
    const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    apiId = (
      await v2.send(
        new CreateApiCommand({
          Name: "iam",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.action",
        }),
      )
    ).ApiId!;
    const mock = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: "MOCK" }));
    for (const routeKey of ["$connect", "$default"])
      await v2.send(
        new CreateRouteCommand({
          ApiId: apiId,
          RouteKey: routeKey,
          Target: `integrations/${mock.IntegrationId}`,
          ...(routeKey === "$connect" ? { AuthorizationType: "AWS_IAM" } : {}),
        }),
      );
    await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod", AutoDeploy: true }));
    v2.destroy();
  });
  after(() => gw.close());

  const host = () => `${apiId}.execute-api.us-east-1.localhost:${gw.port}`;

  test("an unsigned upgrade is refused with 403 and no connection", async () => {
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}/prod`, host()), 403);
  });

  test("a presigned upgrade connects; a wrong secret does not", async () => {
    const signed = await smithyPresign(
      { method: "GET", path: "/prod", hostname: host(), headers: {} },
      300,
      { credentials: ROOT },
      new Date(),
    );
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}${signed.rawPath}`, host()), "open");
    const forged = await smithyPresign(
      { method: "GET", path: "/prod", hostname: host(), headers: {} },
      300,
      { credentials: { accessKeyId: "test", secretAccessKey: "wrong" } },
      new Date(),
    );
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}${forged.rawPath}`, host()), 403);
  });
});
