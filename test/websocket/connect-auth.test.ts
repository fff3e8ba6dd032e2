import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { smithyPresign } from "../auth/sigv4-helpers.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { deployWebSocketApi } from "../support/websocket-api.ts";

// $connect with AWS_IAM: the upgrade must be SigV4-signed (a presigned URL, as AWS's docs show for
// WebSocket clients); unsigned or wrongly signed upgrades get no connection.

const ROOT = { accessKeyId: "test", secretAccessKey: "test" };

function attempt(url: string, host: string, headers: Record<string, string> = {}): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { host, ...headers } });
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => undefined);
  });
}

describe("$connect with AWS_IAM", () => {
  let gw: TestGateway;
  let apiId: string;
  before(async () => {
    gw = await startTestGateway();
    apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: "MOCK", authorizationType: "AWS_IAM" },
        { key: "$default", integration: "MOCK" },
      ],
      { name: "iam" },
    );
  });
  after(() => gw.close());

  const host = () => `${apiId}.execute-api.us-east-1.localhost:${gw.port}`;

  test("an unsigned upgrade is refused with 403 and no connection", async () => {
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}/prod`, host()), 403);
  });

  test("a presigned upgrade connects; a wrong secret does not", async () => {
    const signed = await smithyPresign(
      { method: "GET", path: "/prod", hostname: host(), headers: {} },
      300,
      { credentials: ROOT },
      new Date(),
    );
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}${signed.rawPath}`, host()), "open");
    const forged = await smithyPresign(
      { method: "GET", path: "/prod", hostname: host(), headers: {} },
      300,
      { credentials: { accessKeyId: "test", secretAccessKey: "wrong" } },
      new Date(),
    );
    assert.equal(await attempt(`ws://127.0.0.1:${gw.port}${forged.rawPath}`, host()), 403);
  });
});

describe("$connect with a Lambda REQUEST authorizer", () => {
  let gw: TestGateway;
  let apiId: string;
  let dir: string;
  let events: string;
  const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-wsauth-"));
    events = join(dir, "events.jsonl");
    writeFileSync(events, "");
    gw = await startTestGateway({
      functions: {
        wsAuthorizer: { handler: join(FIXTURES, "websocket.wsAuthorizer") },
        recorder: { handler: join(FIXTURES, "websocket.recorder"), environment: { EVENTS_FILE: events } },
      },
    });
    apiId = await deployWebSocketApi(
      gw,
      [
        { key: "$connect", integration: { lambda: "recorder" }, authorizationType: "CUSTOM" },
        { key: "$default", integration: { lambda: "recorder" } },
      ],
      {
        name: "lam",
        authorizer: { lambda: "wsAuthorizer", identitySource: ["route.request.querystring.token"] },
      },
    );
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (query: string) => `ws://127.0.0.1:${gw.port}/prod${query}`;
  const host = () => `${apiId}.execute-api.us-east-1.localhost`;

  test("a missing identity source is 401, a Deny 403, a failing authorizer 500: no connection", async () => {
    assert.equal(await attempt(url(""), host()), 401);
    assert.equal(await attempt(url("?token=bad"), host()), 403);
    assert.equal(await attempt(url("?token=boom"), host()), 500);
  });

  test("an Allow connects, and its principalId and context reach the connection's events", async () => {
    const ws = new WebSocket(url("?token=good"), { headers: { host: host() } });
    await new Promise((ok, fail) => {
      ws.once("open", ok);
      ws.once("error", fail);
    });
    ws.send("hello");
    const message = async () =>
      readFileSync(events, "utf8")
        .split("\n")
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as { requestContext: { eventType: string; authorizer?: Record<string, unknown> } },
        )
        .find((e) => e.requestContext.eventType === "MESSAGE");
    while ((await message()) === undefined) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual((await message())!.requestContext.authorizer, { principalId: "user-7", tier: "gold" });
    ws.close();
  });
});
