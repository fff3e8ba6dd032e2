import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, openWebSocket, until } from "../support/websocket-api.ts";

// contentHandlingStrategy on WebSocket routes: an integration's CONVERT_TO_BINARY / CONVERT_TO_TEXT
// on the way to an HTTP backend (binary frames otherwise pass as their own bytes), and an integration
// response's CONVERT_TO_BINARY sending the answer to the client as a binary frame.

describe("WebSocket binary content handling", () => {
  let gw: TestGateway;
  let backend: Server;
  let base: string;
  const received = new Map<string, Buffer>();
  before(async () => {
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.set(req.url!, Buffer.concat(chunks));
        res.end("ok");
      });
    });
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
  });

  const http = (path: string, strategy?: "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT") => ({
    create: {
      IntegrationType: "HTTP" as const,
      IntegrationMethod: "POST",
      IntegrationUri: `${base}${path}`,
      ...(strategy === undefined ? {} : { ContentHandlingStrategy: strategy }),
    },
  });

  test("to an HTTP backend: binary frames pass as bytes, CONVERT_TO_TEXT sends base64, CONVERT_TO_BINARY decodes text", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    for (const [path, strategy, send, expected] of [
      ["/plain", undefined, bytes, bytes],
      ["/text", "CONVERT_TO_TEXT", bytes, Buffer.from(bytes.toString("base64"))],
      ["/binary", "CONVERT_TO_BINARY", bytes.toString("base64"), bytes],
    ] as const) {
      const apiId = await deployWebSocketApi(gw, [{ key: "$default", integration: http(path, strategy) }], {
        name: `bin${path.slice(1)}`,
      });
      const ws = await openWebSocket(gw, apiId);
      ws.send(send);
      await until(() => received.has(path));
      assert.deepEqual(received.get(path), expected, `${path}: what the backend received`);
      ws.close();
    }
  });

  test("an integration response with CONVERT_TO_BINARY answers the client with a binary frame", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$default",
          twoWay: true,
          integration: {
            create: {
              IntegrationType: "MOCK",
              RequestTemplates: { $default: '{"statusCode": 200}' },
              TemplateSelectionExpression: "\\$default",
            },
            responses: [
              {
                IntegrationResponseKey: "$default",
                ContentHandlingStrategy: "CONVERT_TO_BINARY",
                ResponseTemplates: { $default: "AAEC+v8=" },
              },
            ],
          },
        },
      ],
      { name: "binout" },
    );
    const ws = await openWebSocket(gw, apiId);
    const frame = new Promise<{ data: Buffer; isBinary: boolean }>((ok) =>
      ws.once("message", (data: Buffer, isBinary: boolean) => ok({ data, isBinary })),
    );
    ws.send("anything");
    const { data, isBinary } = await frame;
    assert.equal(isBinary, true);
    assert.deepEqual(data, Buffer.from([0, 1, 2, 250, 255]));
    ws.close();
  });
});
