import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  DeleteApiMappingCommand,
  UpdateApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

/** A client by custom domain: Host `host`, path `path`; rejects with the refusal's status. */
function openByHost(gw: TestGateway, host: string, path: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}${path}`, { headers: { host } });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

async function ask(ws: WebSocket, message: string): Promise<Record<string, string>> {
  const answer = once(ws, "message");
  ws.send(message);
  const [data] = await answer;
  return JSON.parse(String(data)) as Record<string, string>;
}

describe("WebSocket APIs by custom domain name", () => {
  let gw: TestGateway;
  let v2: ApiGatewayV2Client;
  let apiId: string;
  let chatMapping: string;
  before(async () => {
    gw = await startTestGateway({
      functions: {
        where: { handler: join(import.meta.dirname, "..", "fixtures", "functions", "websocket.where") },
      },
    });
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    apiId = await deployWebSocketApi(gw, [
      { key: "$default", integration: { lambda: "where" }, twoWay: true },
    ]);
    await v2.send(
      new CreateDomainNameCommand({ DomainName: "ws.example.com", DomainNameConfigurations: [{}] }),
    );
    chatMapping = (
      await v2.send(
        new CreateApiMappingCommand({
          DomainName: "ws.example.com",
          ApiId: apiId,
          Stage: "prod",
          ApiMappingKey: "chat",
        }),
      )
    ).ApiMappingId!;
    await v2.send(
      new CreateDomainNameCommand({ DomainName: "root.example.com", DomainNameConfigurations: [{}] }),
    );
    await v2.send(
      new CreateApiMappingCommand({ DomainName: "root.example.com", ApiId: apiId, Stage: "prod" }),
    );
  });
  after(async () => {
    v2.destroy();
    await gw.close();
  });

  test("an upgrade by Host reaches the mapped stage; the event names the custom domain", async () => {
    const ws = await openByHost(gw, "WS.example.com:443", "/chat");
    const { connectionId, ...where } = await ask(ws, "hi");
    assert.deepEqual(where, { domainName: "WS.example.com", stage: "prod", apiId });
    assert.ok(connectionId);
    ws.close();
    const root = await openByHost(gw, "root.example.com", "/");
    assert.equal((await ask(root, "hi")).domainName, "root.example.com");
    root.close();
  });

  test("@connections by the custom domain: {base path}/@connections/{id}, signed for that Host", async () => {
    const ws = await openByHost(gw, "ws.example.com", "/chat");
    const { connectionId } = await ask(ws, "who am i");
    const management = new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${gw.port}/chat`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    // A client of the real domain would send its name as Host; SigV4 signs what is sent.
    management.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers.host = "ws.example.com";
        return next(args);
      },
      { step: "build" },
    );
    const pushed = once(ws, "message");
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "pushed" }));
    assert.equal(String((await pushed)[0]), "pushed");
    management.destroy();
    ws.close();
  });

  test("a path no mapping takes is refused 403; below a mapping, 404", async () => {
    await assert.rejects(openByHost(gw, "ws.example.com", "/other"), /refused: 403/);
    await assert.rejects(openByHost(gw, "ws.example.com", "/chat/deeper"), /refused: 404/);
  });

  test("a deleted mapping refuses the next upgrade; open connections stay", async () => {
    const open = await openByHost(gw, "ws.example.com", "/chat");
    await v2.send(new DeleteApiMappingCommand({ DomainName: "ws.example.com", ApiMappingId: chatMapping }));
    await assert.rejects(openByHost(gw, "ws.example.com", "/chat"), /refused: 403/);
    assert.equal((await ask(open, "still here")).stage, "prod");
    open.close();
  });

  test("disableExecuteApiEndpoint: the execute-api host is refused 403, the custom domain still connects", async () => {
    const before = await openWebSocket(gw, apiId);
    before.close();
    await v2.send(new UpdateApiCommand({ ApiId: apiId, DisableExecuteApiEndpoint: true }));
    // The stage auto-deploys the change.
    await until(async () => {
      try {
        (await openWebSocket(gw, apiId)).close();
        return false;
      } catch (err) {
        return /refused: 403/.test(String(err));
      }
    });
    const byDomain = await openByHost(gw, "root.example.com", "/");
    assert.equal((await ask(byDomain, "x")).apiId, apiId);
    byDomain.close();
  });
});
