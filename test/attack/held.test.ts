import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { rawExchange } from "../support/raw-http.ts";

// Attacks the gateway already withstood when it was first attacked as an operator would: kept here
// so that each stays withstood. The defects that attack found have their own files beside this one.

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Held, version: "1" }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: execute-api:/* }
    - Effect: Deny
      Principal: "*"
      Action: execute-api:Invoke
      Resource: execute-api:/*/GET/office
      Condition: { NotIpAddress: { aws:SourceIp: "10.1.0.0/16" } }
paths:
  /echo:
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: "${backend}/echo" }
  /office:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"office":true}' } } }
  /keyed:
    get:
      x-amazon-apigateway-api-key-source: HEADER
      security: [{ key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }
components:
  securitySchemes:
    key: { type: apiKey, name: x-api-key, in: header }
`;

describe("attacks the gateway already withstands", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    id = await gw.deployRest(api(backend.url), "prod");
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });
  const host = () => `${id}.execute-api.us-east-1.localhost`;

  test("request smuggling: Content-Length with Transfer-Encoding, or two Content-Lengths, is refused with 400", async () => {
    const both = await rawExchange(
      gw.port,
      `POST /prod/echo HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /prod/office HTTP/1.1\r\nHost: ${host()}\r\n\r\n`,
      undefined,
      2000,
    );
    assert.match(both, /^HTTP\/1\.1 400/);
    assert.doesNotMatch(both, /"office":true/, "the smuggled request is never served");
    const twice = await rawExchange(
      gw.port,
      `POST /prod/echo HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n`,
      undefined,
      2000,
    );
    assert.match(twice, /^HTTP\/1\.1 400/);
  });

  test("a header flood (thousands of headers) is answered 431 and the gateway keeps serving", async () => {
    const flood = Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`).join("\r\n");
    const answer = await rawExchange(
      gw.port,
      `GET /prod/office HTTP/1.1\r\nHost: ${host()}\r\n${flood}\r\n\r\n`,
      undefined,
      3000,
    );
    assert.match(answer, /^HTTP\/1\.1 431/);
    assert.equal((await gw.call(id, "/prod/echo", { method: "POST", body: "{}" })).status, 200);
  });

  test("X-Forwarded-For from an untrusted client cannot pass an IP condition", async () => {
    const spoofed = await gw.call(id, "/prod/office", { headers: { "x-forwarded-for": "10.1.2.3" } });
    assert.equal(spoofed.status, 403);
    assert.equal(spoofed.headers["x-amzn-errortype"], "AccessDeniedException");
  });

  test("API-key brute force: every guess is 403 Forbidden, none is let through", async () => {
    const guesses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        gw.call(id, "/prod/keyed", { headers: { "x-api-key": `guess-${i}-${"k".repeat(i % 40)}` } }),
      ),
    );
    assert.deepEqual(new Set(guesses.map((g) => g.status)), new Set([403]));
    assert.deepEqual(JSON.parse(guesses[0]!.text), { message: "Forbidden" });
  });

  test("2,000 connections open at once are each answered, and then let go", async () => {
    const sockets: Socket[] = [];
    try {
      await Promise.all(
        Array.from(
          { length: 2000 },
          () =>
            new Promise<void>((resolve, reject) => {
              const s = connect(gw.port, "127.0.0.1", () => resolve());
              s.on("error", reject);
              sockets.push(s);
            }),
        ),
      );
      const answers = await Promise.all(
        sockets.map(
          (s) =>
            new Promise<string>((resolve) => {
              let got = "";
              s.on("data", (d) => {
                got += d.toString("latin1");
                if (got.includes("\r\n\r\n")) resolve(got);
              });
              s.on("close", () => resolve(got));
              s.write(`GET /prod/office HTTP/1.1\r\nHost: ${host()}\r\nX-Forwarded-For: 10.1.0.1\r\n\r\n`);
            }),
        ),
      );
      assert.equal(answers.filter((a) => /^HTTP\/1\.1 403/.test(a)).length, 2000);
    } finally {
      for (const s of sockets) s.destroy();
    }
    assert.equal((await gw.call(id, "/prod/echo", { method: "POST", body: "{}" })).status, 200);
  });
});
