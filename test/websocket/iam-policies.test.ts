import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { smithyPresign } from "../auth/sigv4-helpers.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

// Identity policies on WebSocket APIs: `@connections` needs execute-api:ManageConnections on
// `{api}/{stage}/{METHOD}/@connections/{id}`, an AWS_IAM `$connect` needs execute-api:Invoke on
// `{api}/{stage}/$connect`; WebSocket APIs have no resource policy, so another account is refused.

const ACCOUNT = "000000000000";
const POSTER = { accessKeyId: "AKIDPOSTER", secretAccessKey: "poster-secret" };
const OUTSIDER = { accessKeyId: "AKIDOUTSIDER", secretAccessKey: "outsider-secret" };
const NO_CONNECT = { accessKeyId: "AKIDNOCONNECT", secretAccessKey: "noconnect-secret" };

describe("IAM policies on WebSocket APIs", () => {
  let gw: TestGateway;
  let apiId: string;
  let iamApiId: string;
  const ids: string[] = [];
  const onConnection = (m: unknown) => {
    const { event, connectionId } = m as { event: string; connectionId: string };
    if (event === "connect") ids.push(connectionId);
  };
  before(async () => {
    subscribe("portico:websocket:connection", onConnection);
    gw = await startTestGateway({
      credentials: [
        { accessKeyId: "test", secretAccessKey: "test", principal: `arn:aws:iam::${ACCOUNT}:root` },
        {
          ...POSTER,
          principal: `arn:aws:iam::${ACCOUNT}:user/poster`,
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: "execute-api:ManageConnections",
                  Resource: "arn:aws:execute-api:us-east-1:*:*/prod/POST/@connections/*",
                },
              ],
            },
          ],
        },
        {
          ...NO_CONNECT,
          principal: `arn:aws:iam::${ACCOUNT}:user/noconnect`,
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "execute-api:*", Resource: "*" },
                {
                  Effect: "Deny",
                  Action: "execute-api:Invoke",
                  Resource: "arn:aws:execute-api:*:*:*/*/$connect",
                },
              ],
            },
          ],
        },
        { ...OUTSIDER, principal: "arn:aws:iam::111111111111:root" },
      ],
    });
    apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "managed" });
    iamApiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: "MOCK", authorizationType: "AWS_IAM" },
        { key: "$default", integration: "MOCK" },
      ],
      { name: "iam" },
    );
  });
  after(async () => {
    unsubscribe("portico:websocket:connection", onConnection);
    await gw.close();
  });

  const management = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });

  test("@connections: a policy allowing POST lets it post, and refuses GET with AWS's denial naming the resource", async () => {
    const ws = await openWebSocket(gw, apiId);
    await until(() => ids.length > 0);
    const id = ids.at(-1)!;
    const got = new Promise<string>((ok) => ws.once("message", (d) => ok(d.toString())));
    const poster = management(POSTER);
    await poster.send(new PostToConnectionCommand({ ConnectionId: id, Data: "allowed" }));
    assert.equal(await got, "allowed");
    const denied = await poster.send(new GetConnectionCommand({ ConnectionId: id })).then(
      () => undefined,
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => err,
    );
    assert.equal(denied?.name, "ForbiddenException");
    assert.equal(denied?.$metadata?.httpStatusCode, 403);
    assert.equal(
      denied?.message,
      `User: arn:aws:iam::${ACCOUNT}:user/poster is not authorized to perform: execute-api:ManageConnections on resource: arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/prod/GET/@connections/${id}`,
    );
    // Another account's credentials: no resource policy can let it in.
    const outsider = management(OUTSIDER);
    const foreign = await outsider.send(new PostToConnectionCommand({ ConnectionId: id, Data: "x" })).then(
      () => undefined,
      (err: Error) => err,
    );
    assert.equal(foreign?.name, "ForbiddenException");
    poster.destroy();
    outsider.destroy();
    ws.close();
  });

  test("$connect with AWS_IAM: a caller whose policy denies Invoke on $connect is refused with 403", async () => {
    const host = `${iamApiId}.execute-api.us-east-1.localhost:${gw.port}`;
    const attempt = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const signed = await smithyPresign(
        { method: "GET", path: "/prod", hostname: host, headers: {} },
        300,
        { credentials },
        new Date(),
      );
      return new Promise<number | "open">((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${gw.port}${signed.rawPath}`, { headers: { host } });
        ws.once("open", () => {
          ws.close();
          resolve("open");
        });
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("error", () => undefined);
      });
    };
    assert.equal(await attempt({ accessKeyId: "test", secretAccessKey: "test" }), "open");
    assert.equal(await attempt(NO_CONNECT), 403);
    assert.equal(await attempt(OUTSIDER), 403);
  });
});
