import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type WebSocket from "ws";
import { DEFAULT_LISTENER_LIMITS } from "../../src/listen/listener-limits.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

// A gateway that stops (SIGTERM → Portico.close) lets each WebSocket finish the messages it has in
// flight, then closes it with 1001 Going away, as AWS does with connections it stops serving, and
// runs its $disconnect; connections still busy at listen.drainTimeoutMs are cut.

/** A backend that holds each `/messages` request until `release()`; `/disconnect` is answered at once. */
function holdingBackend() {
  const held: ServerResponse[] = [];
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push(req.url!);
      if (req.url!.startsWith("/messages")) held.push(res);
      else res.end();
    });
  });
  return {
    server,
    held,
    seen,
    release: () => {
      for (const res of held.splice(0)) res.end("answered while draining");
    },
  };
}

/** Every event of a client, in order: messages and the close (code and reason). */
function record(ws: WebSocket): { events: string[]; closed: Promise<number> } {
  const events: string[] = [];
  ws.on("message", (d: Buffer) => events.push(`message ${d.toString()}`));
  const closed = new Promise<number>((ok) =>
    ws.once("close", (code: number, reason: Buffer) => {
      events.push(`close ${code} ${reason.toString()}`);
      ok(code);
    }),
  );
  return { events, closed };
}

describe("WebSocket connections when the gateway stops", () => {
  let backend: ReturnType<typeof holdingBackend>;
  let base: string;
  before(async () => {
    backend = holdingBackend();
    await new Promise<void>((ok) => backend.server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    backend.server.closeAllConnections();
    await new Promise((ok) => (backend.server as Server).close(ok));
  });

  async function gatewayWithApi(drainTimeoutMs: number): Promise<{ gw: TestGateway; apiId: string }> {
    const gw = await startTestGateway({ listenerLimits: { ...DEFAULT_LISTENER_LIMITS, drainTimeoutMs } });
    const proxy = (path: string) => ({
      create: {
        IntegrationType: "HTTP_PROXY" as const,
        IntegrationMethod: "POST",
        IntegrationUri: `${base}${path}`,
      },
    });
    const apiId = await deployWebSocketApi(gw, [
      { key: "$default", twoWay: true, integration: proxy("/messages") },
      { key: "$disconnect", integration: proxy("/disconnect") },
    ]);
    return { gw, apiId };
  }

  test("an idle connection gets 1001 Going away at once; a busy one gets its answer first; $disconnect runs for both", async () => {
    const { gw, apiId } = await gatewayWithApi(DEFAULT_LISTENER_LIMITS.drainTimeoutMs);
    const busy = await openWebSocket(gw, apiId);
    const idle = await openWebSocket(gw, apiId);
    const busyEvents = record(busy);
    const idleEvents = record(idle);
    busy.send("a slow question");
    await until(() => backend.held.length === 1);

    const stopped = gw.close();
    assert.equal(await idleEvents.closed, 1001);
    assert.deepEqual(idleEvents.events, ["close 1001 Going away"]);
    assert.equal(busy.readyState, busy.OPEN, "the busy connection waits for its answer");

    backend.release();
    assert.equal(await busyEvents.closed, 1001);
    assert.deepEqual(busyEvents.events, ["message answered while draining", "close 1001 Going away"]);
    await stopped;
    assert.equal(
      backend.seen.filter((url) => url === "/disconnect").length,
      2,
      "both $disconnects ran before close settled",
    );
  });

  test("a connection still busy at the drain deadline is cut", async () => {
    const { gw, apiId } = await gatewayWithApi(300);
    const stuck = await openWebSocket(gw, apiId);
    const events = record(stuck);
    stuck.send("never answered");
    await until(() => backend.held.length === 1);
    await gw.close();
    assert.equal(await events.closed, 1006, "cut without a close frame");
    backend.release();
  });
});
