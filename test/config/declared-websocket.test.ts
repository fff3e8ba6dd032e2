import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ApiGatewayV2Client, GetApiCommand, GetRoutesCommand } from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings, type Settings } from "../../src/config/settings.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { until as eventually } from "../support/websocket-api.ts";

// A WebSocket API declared in the config file (`type: WEBSOCKET`), as AWS's chat sample
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-chat-app.html) builds
// it with apigatewayv2 calls: deployed at start, served to the real `ws` client, left alone by a
// restart with the same file, and refused with the control plane's words when its parts are wrong.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const dir = mkdtempSync(join(tmpdir(), "portico-declared-ws-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const endpointFile = join(dir, "endpoint");
writeFileSync(endpointFile, "");

const CHAT = `
  - type: WEBSOCKET
    name: chat
    id: chatapi001
    routeSelectionExpression: $request.body.action
    stage: prod
    variables: { room: lobby }
    routes:
      $connect:
        integration: { integrationType: AWS_PROXY, integrationUri: "${invocationArn("chat")}" }
        authorizationType: NONE
      $disconnect:
        integration: { integrationType: AWS_PROXY, integrationUri: "${invocationArn("chat")}" }
      sendmessage:
        integration: { integrationType: AWS_PROXY, integrationUri: "${invocationArn("chat")}" }
      whoami:
        integration: { integrationType: AWS_PROXY, integrationUri: "${invocationArn("chat")}" }
        routeResponseSelectionExpression: $default
      $default:
        integration:
          integrationType: MOCK
          requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses:
          $default:
            responseTemplates:
              $default: '{"said": $input.json(''$.text''), "room": "$stageVariables.room"}'
        routeResponseSelectionExpression: $default
`;

const FUNCTIONS = `functions:
  chat:
    handler: ${join(FIXTURES, "websocket.chat")}
    reservedConcurrency: 1
    environment: { MANAGEMENT_ENDPOINT_FILE: ${endpointFile} }
`;

/** Writes a config file and reads it as `portico start --config` does. */
function configFile(name: string, text: string): { file: string; settings: Settings } {
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, settings: resolveSettings({ flags: {}, env: {}, config: loadConfigFile(file) }) };
}

function start(settings: Settings, dataDir: string): Promise<TestGateway> {
  return startTestGateway({ functions: settings.functions, apis: settings.apis, dataDir });
}

interface Client {
  ws: WebSocket;
  received: string[];
  closed: Promise<unknown>;
}

function connect(gw: TestGateway, apiId: string, query = ""): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/prod${query}`, {
      headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
    });
    const received: string[] = [];
    ws.on("message", (d) => received.push(d.toString()));
    const closed = new Promise((ok) => ws.once("close", ok));
    ws.once("open", () => resolve({ ws, received, closed }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

async function deploymentsOf(gw: TestGateway, apiId: string, stageName: string) {
  const { control } = gw.portico;
  return {
    count: (await control.listHttpDeployments(apiId)).length,
    current: (await control.getHttpStage(apiId, stageName))?.deploymentId,
  };
}

describe("a WebSocket API declared in the config file", () => {
  const dataDir = join(dir, "chat-state");

  test("is deployed at start and serves a chat: $connect, routing by action, two-way replies, MOCK", async () => {
    const { settings } = configFile("chat.yaml", `${FUNCTIONS}apis:${CHAT}`);
    const gw = await start(settings, dataDir);
    const open: Client[] = [];
    try {
      writeFileSync(endpointFile, `http://127.0.0.1:${gw.port}/restapis/chatapi001/prod/_user_request_`);
      // The admin API sees what apigatewayv2 calls would have made.
      const v2 = new ApiGatewayV2Client(adminClientConfig(gw));
      const described = await v2.send(new GetApiCommand({ ApiId: "chatapi001" }));
      assert.equal(described.Name, "chat");
      assert.equal(described.ProtocolType, "WEBSOCKET");
      assert.equal(described.RouteSelectionExpression, "$request.body.action");
      const routes = (await v2.send(new GetRoutesCommand({ ApiId: "chatapi001" }))).Items ?? [];
      v2.destroy();
      assert.deepEqual(routes.map((r) => r.RouteKey).sort(), [
        "$connect",
        "$default",
        "$disconnect",
        "sendmessage",
        "whoami",
      ]);

      // $connect's function refuses a member without a name: the upgrade gets its status.
      await assert.rejects(connect(gw, "chatapi001"), /refused: 401/);
      const alice = await connect(gw, "chatapi001", "?name=alice");
      const bob = await connect(gw, "chatapi001", "?name=bob");
      open.push(alice, bob);
      alice.ws.send(JSON.stringify({ action: "sendmessage", text: "hi" }));
      await eventually(() => alice.received.includes("alice: hi") && bob.received.includes("alice: hi"));
      alice.ws.send(JSON.stringify({ action: "whoami" }));
      await eventually(() => alice.received.some((m) => m.includes('"sourceIp":"127.0.0.1"')));
      bob.ws.send(JSON.stringify({ text: "no action" }));
      await eventually(() => bob.received.length > 1);
      assert.deepEqual(JSON.parse(bob.received.at(-1)!), { said: "no action", room: "lobby" });
    } finally {
      for (const c of open) c.ws.close();
      await Promise.all(open.map((c) => c.closed));
      await gw.close();
    }
  });

  test("a restart with the same file makes no new deployment; a changed declaration makes one", async () => {
    const { settings } = configFile("chat.yaml", `${FUNCTIONS}apis:${CHAT}`);
    let gw = await start(settings, dataDir);
    const first = await deploymentsOf(gw, "chatapi001", "prod");
    await gw.close();
    gw = await start(settings, dataDir);
    try {
      assert.deepEqual(await deploymentsOf(gw, "chatapi001", "prod"), first);
      writeFileSync(endpointFile, `http://127.0.0.1:${gw.port}/restapis/chatapi001/prod/_user_request_`);
      const carol = await connect(gw, "chatapi001", "?name=carol");
      carol.ws.send(JSON.stringify({ text: "still here" }));
      await eventually(() => carol.received.length > 0);
      assert.equal(JSON.parse(carol.received[0]!).said, "still here");
      carol.ws.close();
      await carol.closed;
    } finally {
      await gw.close();
    }
    const changed = configFile(
      "chat-changed.yaml",
      `${FUNCTIONS}apis:${CHAT.replace("room: lobby", "room: kitchen")}`,
    );
    gw = await start(changed.settings, dataDir);
    try {
      const now = await deploymentsOf(gw, "chatapi001", "prod");
      assert.equal(now.count, first.count + 1);
      assert.notEqual(now.current, first.current);
    } finally {
      await gw.close();
    }
  });
});

test("authorizers and models are declared by name and named by the routes that use them", async () => {
  const { settings } = configFile(
    "guarded.yaml",
    `functions:
  wsAuthorizer: { handler: ${join(FIXTURES, "websocket.wsAuthorizer")} }
apis:
  - type: WEBSOCKET
    name: guarded
    routeSelectionExpression: $request.body.action
    stage: prod
    authorizers:
      tokens:
        authorizerType: REQUEST
        authorizerUri: "${invocationArn("wsAuthorizer")}"
        identitySource: [route.request.querystring.token]
    models:
      Message:
        contentType: application/json
        schema: { type: object, required: [text], properties: { text: { type: string } } }
    routes:
      $connect:
        integration: { integrationType: MOCK }
        authorizationType: CUSTOM
        authorizerId: tokens
      $default:
        integration: { integrationType: MOCK }
        modelSelectionExpression: '\\$default'
        requestModels: { $default: Message }
`,
  );
  const gw = await start(settings, join(dir, "guarded-state"));
  try {
    const [api] = await gw.portico.control.listHttpApis();
    assert.equal(api?.api.name, "guarded");
    const authorizer = Object.values(api!.authorizers ?? {})[0]!;
    assert.equal(authorizer.name, "tokens");
    const connectRoute = Object.values(api!.routes).find((r) => r.routeKey === "$connect")!;
    assert.equal(connectRoute.authorizerId, authorizer.authorizerId);
    const model = Object.values(api!.models ?? {})[0]!;
    assert.deepEqual(JSON.parse(model.schema).required, ["text"]);
    // The declared authorizer guards $connect: a Deny is 403, an Allow connects.
    await assert.rejects(connect(gw, api!.api.apiId, "?token=bad"), /refused: 403/);
    const allowed = await connect(gw, api!.api.apiId, "?token=good");
    allowed.ws.close();
    await allowed.closed;
  } finally {
    await gw.close();
  }
});

describe("a bad WebSocket declaration", () => {
  const dataDir = join(dir, "bad-state");
  const openapi = join(dir, "other.yaml");
  writeFileSync(
    openapi,
    `openapi: 3.0.1
info: { title: Other, version: "1" }
paths:
  /things:
    get:
      x-amazon-apigateway-integration:
        { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/things", payloadFormatVersion: "1.0" }
`,
  );
  /** Another API, declared first: a refused declaration after it must not change it either. */
  const other = (backend: string) => `
  - openapi: other.yaml
    type: HTTP
    id: otherapi01
    variables: { backend: "${backend}" }`;
  const good = `apis:${other("a")}${CHAT.replace(/AWS_PROXY, integrationUri: "[^"]+"/g, "MOCK")}`;

  /** What is stored of both APIs. */
  async function state(gw: TestGateway) {
    const { control } = gw.portico;
    return {
      chat: await control.getHttpApi("chatapi001"),
      chatDeployments: await deploymentsOf(gw, "chatapi001", "prod"),
      other: await deploymentsOf(gw, "otherapi01", "$default"),
    };
  }

  const cases: { name: string; edit: (text: string) => string; refusal: RegExp }[] = [
    {
      name: "a custom route key with the reserved $ prefix",
      edit: (t) => t.replace("      sendmessage:", "      $sendmessage:"),
      refusal: /apis\[1\] \(chat\): routes\.\$sendmessage: The provided route key is not formatted properly$/,
    },
    {
      name: "an unknown integration type",
      edit: (t) => t.replace("integrationType: MOCK\n", "integrationType: LAMBDA\n"),
      refusal: /apis\[1\] \(chat\): routes\.\$default\.integration: Invalid integration type LAMBDA$/,
    },
    {
      name: "an invalid route selection expression",
      edit: (t) =>
        t.replace("routeSelectionExpression: $request.body.action", "routeSelectionExpression: $body.action"),
      refusal: /apis\[1\] \(chat\): Invalid route selection expression specified: \$body\.action$/,
    },
    {
      name: "a route response selection expression other than $default",
      edit: (t) =>
        t.replace(
          "routeResponseSelectionExpression: $default",
          "routeResponseSelectionExpression: $request.body.x",
        ),
      refusal:
        /apis\[1\] \(chat\): routes\.whoami: Invalid route response selection expression specified: \$request\.body\.x\. Currently only \$default is supported$/,
    },
    {
      name: "an integration response key that is neither $default nor a pattern",
      edit: (t) =>
        t.replace(
          "        integrationResponses:\n          $default:",
          "        integrationResponses:\n          4xx:",
        ),
      refusal:
        /apis\[1\] \(chat\): routes\.\$default\.integrationResponses\.4xx: Invalid integration response key specified: 4xx/,
    },
  ];

  test("is refused at start with the control plane's words, naming the file and the entry; nothing changes", async () => {
    const { settings } = configFile("good.yaml", good);
    let gw = await start(settings, dataDir);
    const before = await state(gw);
    await gw.close();
    assert.ok(before.chat !== undefined && before.other.current !== undefined);

    for (const { name, edit, refusal } of cases) {
      // The other API changes too: had anything been applied, its stage would have a new deployment.
      const bad = edit(good).replace('backend: "a"', 'backend: "b"');
      assert.notEqual(edit(good), good, `${name}: the edit applies`);
      const { file, settings: badSettings } = configFile("bad.yaml", bad);
      await assert.rejects(start(badSettings, dataDir), (err: Error & { type?: string }) => {
        assert.equal(err.type, "BadRequestException", name);
        assert.ok(err.message.startsWith(`${file}:`), `${name}: ${err.message}`);
        assert.match(err.message, refusal, name);
        return true;
      });
      gw = await startTestGateway({ dataDir });
      try {
        assert.deepEqual(await state(gw), before, `${name}: the stored APIs are as they were`);
      } finally {
        await gw.close();
      }
    }
  });

  test("without an integration: the file is refused by its schema, a declaration in code by the builder", async () => {
    const without = good.replace(
      / {6}sendmessage:\n {8}integration: \{[^}]+\}\n/,
      "      sendmessage:\n        authorizationType: NONE\n",
    );
    assert.notEqual(without, good);
    const file = join(dir, "no-integration.yaml");
    writeFileSync(file, without);
    assert.throws(
      () => loadConfigFile(file),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) =>
          /apis\[1\]\.routes\.sendmessage: missing required key "integration"/.test(p),
        ),
    );
    const { settings } = configFile("good.yaml", good);
    const chat = settings.apis[1]!;
    assert.equal(chat.type, "WEBSOCKET");
    const routes = { ...(chat.type === "WEBSOCKET" ? chat.routes : {}), sendmessage: {} };
    await assert.rejects(
      startTestGateway({ apis: [{ ...chat, routes, declaredAt: undefined }] }),
      (err: Error) => {
        assert.match(err.message, /^apis\[0\] \(chat\): routes\.sendmessage: an integration is required/);
        return true;
      },
    );
  });

  test("two WebSocket declarations cannot share an API id (the one derived from their name)", async () => {
    const unnamed = CHAT.replace("    id: chatapi001\n", "");
    const twice = `apis:${unnamed}${unnamed.replace("stage: prod", "stage: beta")}`;
    const { file, settings } = configFile("twice.yaml", twice);
    await assert.rejects(start(settings, join(dir, "twice-state")), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `^${file}:\\d+:\\d+: apis\\[1\\] \\(chat\\): API id [a-z0-9]{10} is also ${file}:\\d+:\\d+: apis\\[0\\] \\(chat\\)'s`,
        ),
      );
      return true;
    });
  });
});
