import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi, until as eventually } from "../support/websocket-api.ts";

// AWS's chat sample (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-chat-app.html)
// built through the real apigatewayv2 SDK, used with the real `ws` client, answered through the real
// ApiGatewayManagementApi client.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

/** A client that records what it receives. */
interface Client {
  ws: WebSocket;
  received: string[];
  closed: Promise<number>;
}

describe("a WebSocket chat API", () => {
  let gw: TestGateway;
  let dir: string;
  let apiId: string;
  let url: string;
  let management: ApiGatewayManagementApiClient;
  const open: WebSocket[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-ws-"));
    const endpointFile = join(dir, "endpoint");
    writeFileSync(endpointFile, "");
    gw = await startTestGateway({
      functions: {
        chat: {
          handler: join(FIXTURES, "websocket.chat"),
          environment: { MANAGEMENT_ENDPOINT_FILE: endpointFile },
          reservedConcurrency: 1,
        },
      },
    });
    apiId = await deployWebSocketApi(
      gw,
      ["$connect", "$disconnect", "sendmessage", "whoami", "$default"].map((key) => ({
        key,
        integration: { lambda: "chat" },
        twoWay: key === "$default" || key === "whoami",
      })),
      { name: "chat" },
    );
    const managementEndpoint = `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`;
    writeFileSync(endpointFile, managementEndpoint);
    management = new ApiGatewayManagementApiClient({
      endpoint: managementEndpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    url = `ws://127.0.0.1:${gw.port}/prod`;
  });
  after(async () => {
    for (const ws of open) ws.terminate();
    management.destroy();
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const host = () => `${apiId}.execute-api.us-east-1.localhost`;

  function connect(query: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}${query}`, { headers: { host: host() } });
      open.push(ws);
      const received: string[] = [];
      ws.on("message", (data) => received.push(data.toString()));
      const closed = new Promise<number>((ok) => ws.on("close", (code) => ok(code)));
      ws.once("open", () => resolve({ ws, received, closed }));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  test("$connect refusing (no name) is the HTTP status of its answer, and no connection is made", async () => {
    await assert.rejects(connect(""), /refused: 401/);
  });

  test("two members chat: a message routed by its action reaches both through @connections", async () => {
    const alice = await connect("?name=alice");
    const bob = await connect("?name=bob");
    alice.ws.send(JSON.stringify({ action: "sendmessage", text: "hi" }));
    await eventually(() => alice.received.includes("alice: hi") && bob.received.includes("alice: hi"));
    alice.ws.close();
    bob.ws.close();
    await Promise.all([alice.closed, bob.closed]);
  });

  test("$default with a route response answers the sender; a route response for a custom key too", async () => {
    const carol = await connect("?name=carol");
    carol.ws.send("not json at all");
    await eventually(() => carol.received.includes("echo not json at all"));
    carol.ws.send(JSON.stringify({ action: "whoami" }));
    await eventually(() => carol.received.some((m) => m.includes('"sourceIp":"127.0.0.1"')));
    carol.ws.close();
    await carol.closed;
  });

  test("@connections: GET describes a connection, POST sends to it, DELETE closes it, then 410 GoneException", async () => {
    const dave = await connect("?name=dave");
    const id = await connectionIdOf(dave);
    const described = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    assert.ok(described.ConnectedAt instanceof Date);
    assert.equal(described.Identity?.SourceIp, "127.0.0.1");
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: "from the backend" }));
    await eventually(() => dave.received.includes("from the backend"));
    // The AWS CLI, unchanged, with the same path-style endpoint.
    // Asynchronous: the gateway answering it runs in this process.
    await promisify(execFile)(
      "aws",
      [
        "apigatewaymanagementapi",
        "post-to-connection",
        "--connection-id",
        id,
        "--data",
        "from the CLI",
        "--endpoint-url",
        `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_`,
      ],
      {
        encoding: "utf8",
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: "us-east-1",
        },
      },
    );
    await eventually(() => dave.received.includes("from the CLI"));
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    await dave.closed;
    await assert.rejects(
      management.send(new PostToConnectionCommand({ ConnectionId: id, Data: "late" })),
      (err: Error) => err.name === "GoneException",
    );
    await assert.rejects(
      management.send(new GetConnectionCommand({ ConnectionId: "bm90LWEtY29ubg==" })),
      (err: Error) => err.name === "GoneException",
    );
  });

  test("@connections refuses an unsigned call", async () => {
    const r = await fetch(
      `http://127.0.0.1:${gw.port}/restapis/${apiId}/prod/_user_request_/@connections/x`,
      {
        method: "POST",
        body: "x",
      },
    );
    assert.equal(r.status, 403);
  });

  /** The connection's id, as its backend learns it (whoami answers with the id from its event). */
  async function connectionIdOf(client: Client): Promise<string> {
    const before = client.received.length;
    client.ws.send(JSON.stringify({ action: "whoami" }));
    await eventually(() => client.received.slice(before).some((m) => m.includes("connectionId")));
    const answer = client.received.slice(before).find((m) => m.includes("connectionId"))!;
    return (JSON.parse(answer) as { connectionId: string }).connectionId;
  }
});
