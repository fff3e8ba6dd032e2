import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, until as eventually, openWebSocket } from "../support/websocket-api.ts";

// How connections end and what frames carry: $disconnect exactly once however a connection ends,
// binary frames, AWS's 128 KB message limit, and the idle timeout (shortened here).

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

interface Recorded {
  requestContext: {
    eventType: string;
    connectionId: string;
    disconnectStatusCode?: number;
    routeKey: string;
  };
  body?: string;
  isBase64Encoded: boolean;
}

describe("WebSocket connections", () => {
  let gw: TestGateway;
  let dir: string;
  let events: string;
  let apiId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-wsc-"));
    events = join(dir, "events.jsonl");
    writeFileSync(events, "");
    gw = await startTestGateway({
      functions: {
        recorder: { handler: join(FIXTURES, "websocket.recorder"), environment: { EVENTS_FILE: events } },
      },
      websocket: { idleTimeoutMs: 300 },
    });
    apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: { lambda: "recorder" } },
        { key: "$disconnect", integration: { lambda: "recorder" } },
        { key: "$default", integration: { lambda: "recorder" }, twoWay: true },
      ],
      { name: "rec" },
    );
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const recorded = (): Recorded[] =>
    readFileSync(events, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Recorded);
  const of = (connectionId: string, type: string) =>
    recorded().filter(
      (e) => e.requestContext.connectionId === connectionId && e.requestContext.eventType === type,
    );

  function open(): Promise<{
    ws: WebSocket;
    id: () => string;
    received: (string | Buffer)[];
    closed: Promise<number>;
  }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      const received: (string | Buffer)[] = [];
      ws.on("message", (data: Buffer, isBinary: boolean) => received.push(isBinary ? data : data.toString()));
      const closed = new Promise<number>((ok) => ws.on("close", (code) => ok(code)));
      const before = recorded().length;
      // The connection's id is the one its $connect event carried.
      const id = () =>
        recorded()
          .slice(before)
          .find((e) => e.requestContext.eventType === "CONNECT")!.requestContext.connectionId;
      ws.once("open", () => resolve({ ws, id, received, closed }));
      ws.once("error", reject);
    });
  }

  test("an abrupt end (the client's socket destroyed) still delivers $disconnect, exactly once", async () => {
    const c = await open();
    const id = c.id();
    c.ws.terminate();
    await eventually(() => of(id, "DISCONNECT").length > 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(of(id, "DISCONNECT").length, 1);
  });

  test("a binary frame reaches the function base64-encoded, with isBase64Encoded", async () => {
    const c = await open();
    const id = c.id();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    c.ws.send(bytes);
    await eventually(() => of(id, "MESSAGE").length > 0);
    const message = of(id, "MESSAGE")[0]!;
    assert.equal(message.isBase64Encoded, true);
    assert.equal(message.body, bytes.toString("base64"));
    assert.equal(message.requestContext.routeKey, "$default");
    c.ws.close();
    await c.closed;
  });

  /** Sends one message as `parts` fragments (continuation frames) of `size` bytes each. */
  const fragmented = (ws: WebSocket, parts: number, size: number) => {
    for (let i = 0; i < parts; i++) ws.send("x".repeat(size), { fin: i === parts - 1 });
  };

  test("a message of 120 KB in 30 KB fragments is reassembled and delivered whole", async () => {
    const c = await open();
    const id = c.id();
    fragmented(c.ws, 4, 30 * 1024);
    await eventually(() => of(id, "MESSAGE").length > 0);
    assert.equal(of(id, "MESSAGE")[0]!.body?.length, 120 * 1024);
    c.ws.close();
    await c.closed;
  });

  test("a single data frame over 32 KB closes the connection with 1009, though the message is under 128 KB", async () => {
    const c = await open();
    const id = c.id();
    c.ws.send("x".repeat(32 * 1024 + 1));
    assert.equal(await c.closed, 1009);
    await eventually(() => of(id, "DISCONNECT").length === 1);
    assert.equal(of(id, "MESSAGE").length, 0, "the oversized frame is never delivered");
  });

  test("a message over 128 KB (in fragments within the frame limit) closes the connection with 1009; $disconnect follows", async () => {
    const c = await open();
    const id = c.id();
    fragmented(c.ws, 5, 30 * 1024);
    assert.equal(await c.closed, 1009);
    await eventually(() => of(id, "DISCONNECT").length === 1);
    assert.equal(of(id, "MESSAGE").length, 0, "the oversized message is never delivered");
  });

  test("an idle connection is closed (1001 Going away) at the idle timeout, and $disconnect says so", async () => {
    const c = await open();
    const id = c.id();
    assert.equal(await c.closed, 1001);
    await eventually(() => of(id, "DISCONNECT").length === 1);
    assert.equal(of(id, "DISCONNECT")[0]!.requestContext.disconnectStatusCode, 1001);
  });

  test("an upgrade to a stage that does not exist is refused without a connection", async () => {
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/nope`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => reject(new Error("connected")));
      ws.once("error", () => undefined);
    });
    assert.equal(refused, 404);
  });
});

describe("WebSocket monitoring hooks", () => {
  test("connections and messages are published on diagnostics channels, with outcome and latency", async () => {
    const { subscribe, unsubscribe } = await import("node:diagnostics_channel");
    const seen: { channel: string; message: Record<string, unknown> }[] = [];
    const onConnection = (message: unknown) =>
      seen.push({ channel: "connection", message: message as Record<string, unknown> });
    const onMessage = (message: unknown) =>
      seen.push({ channel: "message", message: message as Record<string, unknown> });
    subscribe("portico:websocket:connection", onConnection);
    subscribe("portico:websocket:message", onMessage);
    const gw = await startTestGateway();
    try {
      const apiId = await deployWebSocketApi(gw, [{ key: "known", integration: "MOCK" }], { name: "obs" });
      const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      await new Promise((ok, fail) => {
        ws.once("open", ok);
        ws.once("error", fail);
      });
      ws.send(JSON.stringify({ action: "known" }));
      ws.send(JSON.stringify({ action: "unknown" }));
      await eventually(() => seen.filter((s) => s.channel === "message").length === 2);
      ws.close();
      await eventually(() => seen.some((s) => s.message.event === "disconnect"));
      const messages = seen.filter((s) => s.channel === "message").map((s) => s.message);
      // The unroutable message is refused at once, the routed one once its integration answers.
      assert.deepEqual(
        messages.map((m) => [m.routeKey, m.outcome]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
        [
          [undefined, "client-error"],
          ["known", "ok"],
        ],
      );
      assert.ok(messages.every((m) => typeof m.integrationLatencyMs === "number"));
      assert.deepEqual(
        seen.filter((s) => s.channel === "connection").map((s) => s.message.event),
        ["connect", "disconnect"],
      );
    } finally {
      unsubscribe("portico:websocket:connection", onConnection);
      unsubscribe("portico:websocket:message", onMessage);
      await gw.close();
    }
  });
});

describe("a MOCK route answering through its integration response", () => {
  test("the $default integration response's template renders the answer from $input and $context", async () => {
    const { ApiGatewayV2Client, CreateIntegrationResponseCommand, GetIntegrationsCommand } = await import(
      "@aws-sdk/client-apigatewayv2"
    );
    const { adminClientConfig } = await import("../support/gateway.ts");
    const gw = await startTestGateway();
    try {
      const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: "MOCK", twoWay: true }], {
        name: "mock",
      });
      const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
      const [integration] = (await v2.send(new GetIntegrationsCommand({ ApiId: apiId }))).Items ?? [];
      await v2.send(
        new CreateIntegrationResponseCommand({
          ApiId: apiId,
          IntegrationId: integration!.IntegrationId!,
          IntegrationResponseKey: "$default",
          ResponseTemplates: { $default: '{"said": $input.json(\'$.text\'), "route": "$context.routeKey"}' },
        }),
      );
      v2.destroy();
      // The stage auto-deploys the change; a connection made after it sees the template.
      let answer = "";
      while (!answer.includes("said")) {
        const ws = await openWebSocket(gw, apiId);
        const reply = new Promise<string>((ok) => ws.once("message", (d) => ok(d.toString())));
        ws.send(JSON.stringify({ text: "hello" }));
        answer = await Promise.race([reply, new Promise<string>((ok) => setTimeout(() => ok(""), 200))]);
        ws.close();
      }
      assert.deepEqual(JSON.parse(answer), { said: "hello", route: "$default" });
    } finally {
      await gw.close();
    }
  });
});
