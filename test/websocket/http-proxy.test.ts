import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, until } from "../support/websocket-api.ts";

// HTTP_PROXY routes call their backend for `$connect` (with the upgrade request's headers and query
// string; its status decides), for each message and for `$disconnect`; requestParameters map the
// connection's facts, message properties, stage variables and literals into headers, query and path —
// and nothing is passed that is not mapped, not even the connection id (AWS's rule).

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe("WebSocket HTTP_PROXY integrations and requestParameters", () => {
  let gw: TestGateway;
  let backend: Server;
  let apiId: string;
  const seen: Seen[] = [];
  const connected: string[] = [];
  const onConnection = (m: unknown) => {
    const { event, connectionId } = m as { event: string; connectionId: string };
    if (event === "connect") connected.push(connectionId);
  };
  before(async () => {
    subscribe("portico:websocket:connection", onConnection);
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const entry = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        seen.push(entry);
        if (req.url!.startsWith("/connect") && req.headers["x-token"] !== "ok") res.writeHead(401).end("no");
        else res.end(`backend got ${entry.body}`);
      });
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    const base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    gw = await startTestGateway();
    const proxy = (path: string, requestParameters: Record<string, string> = {}) => ({
      create: {
        IntegrationType: "HTTP_PROXY" as const,
        IntegrationMethod: "POST",
        IntegrationUri: `${base}${path}`,
        RequestParameters: requestParameters,
      },
    });
    apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$connect",
          integration: proxy("/connect", {
            "integration.request.header.connectionId": "context.connectionId",
            "integration.request.querystring.stage": "context.stage",
          }),
        },
        {
          key: "$default",
          twoWay: true,
          integration: proxy("/messages/{kind}", {
            "integration.request.header.x-action": "route.request.body.action",
            "integration.request.header.x-static": "'fixed'",
            "integration.request.path.kind": "route.request.body.kind",
          }),
        },
        { key: "$disconnect", integration: proxy("/disconnect") },
      ],
      { name: "proxy" },
    );
  });
  after(async () => {
    unsubscribe("portico:websocket:connection", onConnection);
    await gw.close();
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
  });

  const open = (headers: Record<string, string>, query = "") =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost`, ...headers },
      });
      ws.once("open", () => resolve(ws));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });

  test("$connect reaches the backend with the upgrade's headers and query; its 401 refuses the connection", async () => {
    assert.equal(await open({ "x-token": "bad" }), 401);
    const ws = await open({ "x-token": "ok" }, "?room=blue");
    assert.ok(ws instanceof WebSocket);
    const id = connected.at(-1)!;
    const call = seen.filter((s) => s.url.startsWith("/connect")).at(-1)!;
    assert.equal(call.method, "POST");
    assert.equal(call.headers["x-token"], "ok");
    assert.equal(call.headers["sec-websocket-key"], undefined, "the client's handshake headers stay with it");
    assert.equal(call.headers.connectionid, id, "mapped from context.connectionId");
    const query = new URLSearchParams(call.url.split("?")[1]);
    assert.equal(query.get("room"), "blue");
    assert.equal(query.get("stage"), "prod");
    ws.close();
  });

  test("a message is sent as it is, with mapped headers and path; the backend's answer comes back", async () => {
    const ws = (await open({ "x-token": "ok" })) as WebSocket;
    const reply = new Promise<string>((ok) => ws.once("message", (d) => ok(d.toString())));
    const message = JSON.stringify({ action: "go", kind: "orders" });
    ws.send(message);
    assert.equal(await reply, `backend got ${message}`);
    const call = seen.filter((s) => s.url.startsWith("/messages")).at(-1)!;
    assert.equal(call.url, "/messages/orders");
    assert.equal(call.body, message);
    assert.equal(call.headers["x-action"], "go");
    assert.equal(call.headers["x-static"], "fixed");
    assert.equal(
      call.headers.connectionid,
      undefined,
      "nothing unmapped is passed, not even the connection id",
    );
    const closedBefore = seen.filter((s) => s.url.startsWith("/disconnect")).length;
    ws.close();
    await until(() => seen.filter((s) => s.url.startsWith("/disconnect")).length > closedBefore);
    assert.equal(seen.filter((s) => s.url.startsWith("/disconnect")).at(-1)!.body, "");
  });
});
