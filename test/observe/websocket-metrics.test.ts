import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { ApiGatewayV2Client, UpdateStageCommand } from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type Scraped, scrape } from "../support/prometheus.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

// WebSocket APIs' metrics as AWS names them (ConnectCount, MessageCount, IntegrationError,
// ClientError, ExecutionError, IntegrationLatency) with ApiId and Stage, plus Route where the
// route's settings have detailedMetricsEnabled; and the connections open on this node.

describe("WebSocket API metrics", () => {
  let gw: TestGateway;
  let backend: Server;
  let apiId: string;
  const metrics = () => scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);
  const stage = () => ({ ApiId: apiId, Stage: "prod" });
  /** Scrapes until `ready` holds: messages are counted once their integrations answer. */
  const once = async (ready: (m: Scraped) => boolean) => {
    let m = await metrics();
    await until(async () => {
      m = await metrics();
      return ready(m);
    });
    return m;
  };

  before(async () => {
    backend = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url?.startsWith("/connect")) res.writeHead(req.url.includes("deny") ? 401 : 200).end();
        else if (req.url === "/fail") res.writeHead(500).end("backend failed");
        else res.end("ok");
      });
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    const base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    const proxy = (uri: string) => ({
      create: { IntegrationType: "HTTP_PROXY" as const, IntegrationMethod: "POST", IntegrationUri: uri },
    });
    gw = await startTestGateway();
    apiId = await deployWebSocketApi(gw, [
      { key: "$connect", integration: proxy(`${base}/connect`) },
      { key: "echo", integration: proxy(`${base}/echo`) },
      { key: "fail", integration: proxy(`${base}/fail`) },
      // Nothing listens on port 9 (discard): the integration cannot be called.
      { key: "broken", integration: proxy("http://127.0.0.1:9/never") },
    ]);
  });
  after(async () => {
    await gw.close();
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
  });

  const open = (query = "") =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      ws.once("open", () => resolve(ws));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });

  test("ConnectCount, open connections, refusals; MessageCount and its three kinds of error; IntegrationLatency", async () => {
    assert.equal(await open("?deny=1"), 401);
    const ws = (await open()) as WebSocket;
    let m = await metrics();
    assert.equal(m.value("portico_websocket_connect_count_total", stage()), 2, "both reached $connect");
    assert.equal(m.value("portico_websocket_connect_refused_total", stage()), 1);
    assert.equal(m.value("portico_websocket_connections", stage()), 1);
    for (const action of ["echo", "echo", "fail", "nowhere", "broken"]) ws.send(JSON.stringify({ action }));
    m = await once((s) => s.value("portico_websocket_message_count_total", stage()) === 5);
    assert.equal(m.value("portico_websocket_client_error_total", stage()), 1, "no route for nowhere");
    assert.equal(m.value("portico_websocket_integration_error_total", stage()), 1, "the backend's 500");
    assert.equal(m.value("portico_websocket_execution_error_total", stage()), 1, "nothing on port 9");
    assert.equal(m.count("portico_websocket_integration_latency_milliseconds", stage()), 3, "echo ×2, fail");
    assert.deepEqual(
      m.samples("portico_websocket_message_count_total", { ApiId: apiId }).filter((s) => s.labels?.Route),
      [],
      "no Route label without detailedMetricsEnabled",
    );
    ws.close();
    m = await once((s) => s.value("portico_websocket_connections", stage()) === 0);
    assert.equal(m.value("portico_websocket_connect_count_total", stage()), 2);
  });

  test("ConnectCount counts calls of the $connect integration only: not a refusal before it, not an API without $connect", async () => {
    const keyed = await deployWebSocketApi(gw, [
      { key: "$connect", integration: "MOCK", apiKeyRequired: true },
      { key: "$default", integration: "MOCK" },
    ]);
    const bare = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }]);
    const at = (id: string) => ({ ApiId: id, Stage: "prod" });
    await assert.rejects(openWebSocket(gw, keyed), /403/, "no API key: refused before the integration");
    const ws = await openWebSocket(gw, bare);
    const m = await once((s) => s.value("portico_websocket_connections", at(bare)) === 1);
    assert.equal(m.value("portico_websocket_connect_refused_total", at(keyed)), 1);
    assert.equal(m.value("portico_websocket_connect_count_total", at(keyed)), 0);
    assert.equal(
      m.value("portico_websocket_connect_count_total", at(bare)),
      0,
      "no $connect integration to call",
    );
    ws.close();
  });

  test("detailedMetricsEnabled for a route: its messages count per Route", async () => {
    const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    await v2.send(
      new UpdateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        RouteSettings: { echo: { DetailedMetricsEnabled: true }, $connect: { DetailedMetricsEnabled: true } },
      }),
    );
    v2.destroy();
    const before = await metrics();
    const ws = (await open()) as WebSocket;
    ws.send(JSON.stringify({ action: "echo" }));
    ws.send(JSON.stringify({ action: "fail" }));
    const route = (Route: string) => ({ ...stage(), Route });
    const m = await once((s) => s.value("portico_websocket_message_count_total", route("echo")) === 1);
    const messages = (s: Scraped) => s.value("portico_websocket_message_count_total", stage());
    await until(async () => messages(await metrics()) - messages(before) === 1);
    assert.equal(m.value("portico_websocket_connect_count_total", route("$connect")), 1);
    assert.equal(m.count("portico_websocket_integration_latency_milliseconds", route("echo")), 1);
    assert.equal(m.value("portico_websocket_message_count_total", route("fail")), 0, "fail is not detailed");
    ws.close();
  });
});
