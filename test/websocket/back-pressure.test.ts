import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

// Slow readers, fast senders and silent peers: a client that does not read gets 429
// LimitExceededException on @connections once its bounded buffer is full (AWS: "the WebSocket
// client side buffer is full"), never an ever-growing buffer; a client that sends faster than its
// integration answers is not read further until answers come; a peer that stops answering pings is cut.

const MAX_BUFFERED = 256 * 1024;
const MAX_IN_FLIGHT = 2;

/** Connection ids as the plane announces them, in connect order. */
function watchConnects(): { ids: string[]; disconnected: string[]; stop: () => void } {
  const ids: string[] = [];
  const disconnected: string[] = [];
  const on = (m: unknown) => {
    const { event, connectionId } = m as { event: string; connectionId: string };
    if (event === "connect") ids.push(connectionId);
    if (event === "disconnect") disconnected.push(connectionId);
  };
  subscribe("portico:websocket:connection", on);
  return { ids, disconnected, stop: () => unsubscribe("portico:websocket:connection", on) };
}

describe("WebSocket back-pressure and keep-alive", () => {
  let gw: TestGateway;
  let backend: Server;
  let held: ServerResponse[] = [];
  let mostAtOnce = 0;
  let served = 0;
  let releaser: NodeJS.Timeout;
  const watched = watchConnects();
  before(async () => {
    backend = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        held.push(res);
        mostAtOnce = Math.max(mostAtOnce, held.length);
      });
    });
    // Answers go out in batches, every little while: a gateway that kept reading would pile up far
    // more than its in-flight bound at the backend meanwhile.
    releaser = setInterval(() => {
      const batch = held;
      held = [];
      for (const r of batch) {
        served++;
        r.end("ok");
      }
    }, 20);
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    gw = await startTestGateway({
      websocket: { maxBufferedBytes: MAX_BUFFERED, maxInFlightMessages: MAX_IN_FLIGHT },
    });
  });
  after(async () => {
    watched.stop();
    clearInterval(releaser);
    await gw.close();
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
  });

  test("a client that does not read: @connections answers 429 LimitExceededException once its buffer is full; nothing is lost before", async () => {
    const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "slow" });
    const ws = await openWebSocket(gw, apiId);
    await until(() => watched.ids.length > 0);
    const id = watched.ids.at(-1)!;
    const received: string[] = [];
    ws.on("message", (d) => received.push(d.toString().split(":")[0]!));
    ws.pause();
    const management = new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const chunk = "x".repeat(64 * 1024);
    let sent = 0;
    let refusal: (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
    // Bounded: the kernel's socket buffers take some megabytes, then the gateway's own bound.
    for (let i = 0; i < 4000 && refusal === undefined; i++) {
      try {
        await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: `${i}:${chunk}` }));
        sent++;
      } catch (err) {
        refusal = err as typeof refusal;
      }
    }
    assert.equal(refusal?.name, "LimitExceededException");
    assert.equal(refusal?.$metadata?.httpStatusCode, 429);
    ws.resume();
    await until(() => received.length === sent);
    assert.deepEqual(
      received,
      Array.from({ length: sent }, (_, i) => String(i)),
      "every accepted post arrives, in order",
    );
    // Drained, the connection takes posts again.
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: "again" }));
    management.destroy();
    ws.close();
  });

  test("a post over 128 KB is 413 PayloadTooLargeException and is not delivered", async () => {
    const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "big" });
    const ws = await openWebSocket(gw, apiId);
    await until(() => watched.ids.length > 0);
    const id = watched.ids.at(-1)!;
    const received: string[] = [];
    ws.on("message", (d) => received.push(d.toString()));
    const management = new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const refused = await management
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: "z".repeat(128 * 1024 + 1) }))
      .then(
        () => undefined,
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => err,
      );
    assert.equal(refused?.name, "PayloadTooLargeException");
    assert.equal(refused?.$metadata?.httpStatusCode, 413);
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: "small" }));
    await until(() => received.length > 0);
    assert.deepEqual(received, ["small"], "only the post within the limit arrives");
    management.destroy();
    ws.close();
  });

  test("a client sending faster than its integration answers is not read past the in-flight bound", async () => {
    const { port } = backend.address() as AddressInfo;
    const apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$default",
          integration: {
            create: {
              IntegrationType: "HTTP_PROXY",
              IntegrationMethod: "POST",
              IntegrationUri: `http://127.0.0.1:${port}/in`,
            },
          },
        },
      ],
      { name: "fast" },
    );
    const ws = await openWebSocket(gw, apiId);
    const total = 200;
    // 96 KB messages in AWS's 32 KB frames: one socket read holds less than a message.
    const fragment = "y".repeat(32 * 1024);
    for (let i = 0; i < total; i++) for (let f = 0; f < 3; f++) ws.send(fragment, { fin: f === 2 });
    await until(() => served === total);
    assert.ok(
      mostAtOnce <= MAX_IN_FLIGHT + 2,
      `at most ${MAX_IN_FLIGHT} messages (and the frames of one read) at the backend at once, saw ${mostAtOnce}`,
    );
    ws.close();
  });

  test("a peer that stops answering pings is cut, and $disconnect follows; one that answers stays", async () => {
    // Its own gateway: with so short an interval, the slow reader above would be cut for not answering.
    const gw = await startTestGateway({ websocket: { pingIntervalMs: 100 } });
    const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK" }], { name: "ping" });
    const alive = await openWebSocket(gw, apiId);
    let pings = 0;
    alive.on("ping", () => pings++);
    const silent = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
        autoPong: false,
      });
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
    await until(() => watched.ids.length >= 2);
    const silentId = watched.ids.at(-1)!;
    const code = await new Promise<number>((ok) => silent.once("close", (c) => ok(c)));
    assert.equal(code, 1006, "cut without a close frame");
    await until(() => watched.disconnected.includes(silentId));
    await until(() => pings >= 3);
    assert.equal(alive.readyState, WebSocket.OPEN, "a client that answers pings is kept");
    alive.close();
    await gw.close();
  });
});
