import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import {
  deployWebSocketApi,
  openWebSocket,
  until,
  type WsIntegrationSpec,
} from "../support/websocket-api.ts";

// Non-proxy WebSocket integrations as AWS documents them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-data-transformations.html,
// apigateway-websocket-api-integration-responses.html): request templates chosen by the
// integration's templateSelectionExpression, integration responses chosen by the backend's status
// (HTTP, MOCK) or the function's errorMessage (AWS), each with its own templates. Built through the
// real apigatewayv2 SDK, driven by the real `ws` client, against real functions and a real HTTP
// backend on loopback.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

interface Seen {
  method: string;
  url: string;
  body: string;
}

/** The backend: `/items` looks an item up (404 for "missing"), `/echo` answers with the body, `/connect` checks a token. */
async function startBackend(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    seen.push({ method: req.method ?? "", url: req.url ?? "", body });
    if (req.url === "/items") {
      const { item } = JSON.parse(body) as { item: string };
      if (item === "missing") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such item"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-kind": "fruit" });
      res.end(JSON.stringify({ name: item, price: 3 }));
      return;
    }
    if (req.url === "/connect") {
      const { token } = JSON.parse(body) as { token: string };
      res.writeHead(token === "good" ? 200 : 401).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A port nothing listens on: one the system handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

/** A client that keeps every frame it receives; `ask` sends one message and waits for the next frame. */
async function client(gw: TestGateway, apiId: string) {
  const ws = await openWebSocket(gw, apiId);
  const received: string[] = [];
  ws.on("message", (d) => received.push(d.toString()));
  return {
    ws,
    received,
    async ask(message: unknown): Promise<string> {
      const before = received.length;
      ws.send(typeof message === "string" ? message : JSON.stringify(message));
      await until(() => received.length > before);
      return received[before]!;
    },
  };
}

const aws = (fn: string, rest: Partial<WsIntegrationSpec["create"]> = {}): WsIntegrationSpec["create"] => ({
  IntegrationType: "AWS",
  IntegrationUri: invocationArn(fn),
  ...rest,
});

describe("WebSocket non-proxy integrations: templates and integration responses", () => {
  let gw: TestGateway;
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let apiId: string;
  const open: WebSocket[] = [];

  before(async () => {
    backend = await startBackend();
    gw = await startTestGateway({
      functions: {
        mappedPayload: { handler: join(FIXTURES, "websocket.mappedPayload") },
        failWithMessage: { handler: join(FIXTURES, "websocket.failWithMessage") },
      },
    });
    const down = await closedPort();
    const http = (
      path: string,
      rest: Partial<WsIntegrationSpec["create"]> = {},
    ): WsIntegrationSpec["create"] => ({
      IntegrationType: "HTTP",
      IntegrationMethod: "POST",
      IntegrationUri: `${backend.url}${path}`,
      ...rest,
    });
    const passthrough = {
      TemplateSelectionExpression: "${request.body.kind}",
      RequestTemplates: { greet: `{"greeted": "$input.path('$.name')"}` },
    };
    apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$default",
          twoWay: true,
          integration: {
            create: aws("mappedPayload", {
              TemplateSelectionExpression: "${request.body.kind}",
              RequestTemplates: {
                greet: `{"greeting": "hello $input.path('$.name')", "route": "$context.routeKey", "eventType": "$context.eventType", "connectionId": "$context.connectionId"}`,
                $default: `{"fallback": true, "name": "$input.path('$.name')"}`,
              },
            }),
            responses: [
              {
                IntegrationResponseKey: "$default",
                ResponseTemplates: { $default: "{\"mapped\": $input.json('$.received')}" },
              },
            ],
          },
        },
        {
          key: "fail",
          twoWay: true,
          integration: {
            create: aws("failWithMessage"),
            responses: [
              {
                IntegrationResponseKey: "/.*not found.*/",
                ResponseTemplates: { $default: "{\"error\": $input.json('$.errorMessage')}" },
              },
              { IntegrationResponseKey: "$default" },
            ],
          },
        },
        {
          key: "lookup",
          twoWay: true,
          integration: {
            create: http("/items", {
              RequestTemplates: {
                $default: `{"item": "$input.path('$.item')", "connectionId": "$context.connectionId"}`,
              },
            }),
            responses: [
              {
                IntegrationResponseKey: "$default",
                TemplateSelectionExpression: "${integration.response.header.x-kind}",
                ResponseTemplates: {
                  fruit: "{\"fruit\": $input.json('$.name')}",
                  $default: '{"found": true}',
                },
              },
              {
                IntegrationResponseKey: "/4\\d\\d/",
                TemplateSelectionExpression: "${integration.response.statuscode}",
                ResponseTemplates: {
                  "404": '{"missing": $input.json(\'$.error\'), "asked": "$input.path(\'$.item\')"}',
                  $default: '{"other": true}',
                },
              },
            ],
          },
        },
        {
          key: "passthru",
          twoWay: true,
          integration: {
            create: http("/echo", passthrough),
            responses: [{ IntegrationResponseKey: "$default" }],
          },
        },
        {
          key: "strict",
          twoWay: true,
          integration: {
            create: http("/echo", { ...passthrough, PassthroughBehavior: "NEVER" }),
            responses: [{ IntegrationResponseKey: "$default" }],
          },
        },
        {
          key: "down",
          twoWay: true,
          integration: {
            create: {
              IntegrationType: "HTTP",
              IntegrationMethod: "POST",
              IntegrationUri: `http://127.0.0.1:${down}/`,
            },
            responses: [{ IntegrationResponseKey: "$default" }],
          },
        },
        {
          key: "throws",
          twoWay: true,
          integration: {
            create: aws("mappedPayload", { RequestTemplates: { $default: '$input.body.matches("(")' } }),
            responses: [{ IntegrationResponseKey: "$default" }],
          },
        },
        {
          key: "unparsable",
          twoWay: true,
          integration: {
            create: aws("mappedPayload"),
            responses: [{ IntegrationResponseKey: "$default", ResponseTemplates: { $default: "#if(" } }],
          },
        },
        {
          key: "teapot",
          twoWay: true,
          integration: {
            create: {
              IntegrationType: "MOCK",
              RequestTemplates: {
                $default: "#set($s = 418)#if($input.path('$.ok'))#set($s = 200)#end{\"statusCode\": $s}",
              },
            },
            responses: [
              {
                IntegrationResponseKey: "$default",
                ResponseTemplates: { $default: '{"ok": "$context.routeKey"}' },
              },
              {
                IntegrationResponseKey: "/4\\d\\d/",
                ResponseTemplates: { $default: "{\"refused\": $input.json('$.name')}" },
              },
            ],
          },
        },
      ],
      { name: "templates" },
    );
  });
  after(async () => {
    for (const ws of open) ws.terminate();
    await gw.close();
    await new Promise<void>((ok) => backend.server.close(() => ok()));
  });

  const connect = async () => {
    const c = await client(gw, apiId);
    open.push(c.ws);
    return c;
  };

  test("AWS: the template the templateSelectionExpression picks is the function's payload; the response template maps its result back", async () => {
    const c = await connect();
    const greeted = JSON.parse(await c.ask({ kind: "greet", name: "ann" })) as {
      mapped: Record<string, string>;
    };
    assert.equal(greeted.mapped.greeting, "hello ann");
    assert.equal(greeted.mapped.route, "$default");
    assert.equal(greeted.mapped.eventType, "MESSAGE");
    assert.match(greeted.mapped.connectionId!, /^\S+$/);
    // No template under the selected key, or no key at all (not JSON): the `$default` template.
    assert.deepEqual(JSON.parse(await c.ask({ kind: "wave", name: "bob" })), {
      mapped: { fallback: true, name: "bob" },
    });
    assert.deepEqual(JSON.parse(await c.ask("plain text")), { mapped: { fallback: true, name: "" } });
  });

  test("AWS: a function error is selected by its errorMessage; one no pattern matches is an Internal server error", async () => {
    const c = await connect();
    assert.deepEqual(JSON.parse(await c.ask({ action: "fail", message: "item 7 not found" })), {
      error: "item 7 not found",
    });
    const failed = JSON.parse(await c.ask({ action: "fail", message: "kaput" })) as Record<string, string>;
    assert.equal(failed.message, "Internal server error");
    assert.ok(failed.connectionId && failed.requestId);
  });

  test("HTTP: the rendered template is the request body; a 404 is answered by the /4\\d\\d/ response's template for it", async () => {
    const c = await connect();
    const before = backend.seen.length;
    assert.deepEqual(JSON.parse(await c.ask({ action: "lookup", item: "apple" })), { fruit: "apple" });
    const sent = backend.seen[before]!;
    assert.equal(sent.method, "POST");
    assert.equal(sent.url, "/items");
    const body = JSON.parse(sent.body) as { item: string; connectionId: string };
    assert.equal(body.item, "apple");
    assert.match(body.connectionId, /^\S+$/);
    // The response template reads the backend's body as $input; `${request.body…}` would read the message.
    assert.deepEqual(JSON.parse(await c.ask({ action: "lookup", item: "missing" })), {
      missing: "no such item",
      asked: "",
    });
  });

  test("passthrough: WHEN_NO_MATCH sends an unmatched message as it is, NEVER refuses it without calling the backend", async () => {
    const c = await connect();
    const message = JSON.stringify({ action: "passthru", kind: "wave", n: 1 });
    assert.equal(await c.ask(message), message);
    assert.deepEqual(JSON.parse(await c.ask({ action: "passthru", kind: "greet", name: "cy" })), {
      greeted: "cy",
    });
    const calls = backend.seen.length;
    const refused = JSON.parse(await c.ask({ action: "strict", kind: "wave" })) as Record<string, string>;
    assert.equal(refused.message, "Unsupported Media Type");
    assert.equal(backend.seen.length, calls);
    assert.deepEqual(JSON.parse(await c.ask({ action: "strict", kind: "greet", name: "di" })), {
      greeted: "di",
    });
  });

  test("a template that throws, one that does not parse, an unreachable backend: Internal server error, and the connection stays open", async () => {
    const c = await connect();
    for (const action of ["throws", "unparsable", "down"]) {
      const answer = JSON.parse(await c.ask({ action })) as Record<string, string>;
      assert.equal(answer.message, "Internal server error", action);
    }
    assert.equal(c.ws.readyState, c.ws.OPEN);
    assert.deepEqual(JSON.parse(await c.ask({ kind: "wave", name: "ed" })), {
      mapped: { fallback: true, name: "ed" },
    });
  });

  test("MOCK: the request template picks the status, the status picks the integration response", async () => {
    const c = await connect();
    assert.deepEqual(JSON.parse(await c.ask({ action: "teapot", ok: true })), { ok: "teapot" });
    assert.deepEqual(JSON.parse(await c.ask({ action: "teapot", name: "fi" })), { refused: "fi" });
  });
});

describe("WebSocket $connect through non-proxy integrations", () => {
  let gw: TestGateway;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  before(async () => {
    backend = await startBackend();
    gw = await startTestGateway({
      functions: { failWithMessage: { handler: join(FIXTURES, "websocket.failWithMessage") } },
    });
  });
  after(async () => {
    await gw.close();
    await new Promise<void>((ok) => backend.server.close(() => ok()));
  });

  test("AWS: a function that fails refuses the connection with 500", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: { create: aws("failWithMessage") } },
        { key: "$default", integration: "MOCK" },
      ],
      { name: "connect-aws" },
    );
    await assert.rejects(openWebSocket(gw, apiId), /refused: 500/);
  });

  test("HTTP: the template reads the upgrade's query string; the backend's non-2xx status refuses the connection with it", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$connect",
          integration: {
            create: {
              IntegrationType: "HTTP",
              IntegrationMethod: "POST",
              IntegrationUri: `${backend.url}/connect`,
              RequestTemplates: { $default: `{"token": "$input.params('token')"}` },
            },
          },
        },
        { key: "$default", integration: "MOCK" },
      ],
      { name: "connect-http" },
    );
    await assert.rejects(openWebSocket(gw, apiId, "?token=bad"), /refused: 401/);
    const ws = await openWebSocket(gw, apiId, "?token=good");
    assert.equal(ws.readyState, ws.OPEN);
    ws.close();
  });

  test("MOCK: the status its request template names refuses a connection outside 2xx", async () => {
    const apiId = await deployWebSocketApi(
      gw,
      [
        {
          key: "$connect",
          integration: {
            create: { IntegrationType: "MOCK", RequestTemplates: { $default: '{"statusCode": 403}' } },
          },
        },
        { key: "$default", integration: "MOCK" },
      ],
      { name: "connect-mock" },
    );
    await assert.rejects(openWebSocket(gw, apiId), /refused: 403/);
  });
});
