import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { after, before, describe, test } from "node:test";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import type { ListenerLimits } from "../../src/listen/listener-limits.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { httpsCall } from "../support/https-client.ts";
import { type CertFiles, makeTestPki, type TestPki } from "../support/tls-certs.ts";

/**
 * The HTTPS listener holds the plain listener's limits (test/attack/connections.test.ts), plus the
 * handshake's: a connection that never finishes its handshake, or its headers once encrypted, is
 * closed; the connection cap refuses connections beyond it; the parser's refusals are answered; and a
 * closing gateway lets an HTTPS request in flight finish.
 */

const FAST: ListenerLimits = {
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 3_000,
  keepAliveTimeoutMs: 300,
  maxConnections: 3,
  drainTimeoutMs: 5_000,
};

const API = (backend: string) => `
openapi: 3.0.1
info: { title: Hardened, version: "1" }
paths:
  /slow:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/slow/600" }
`;

describe("the HTTPS listener's limits", () => {
  let pki: TestPki;
  let ca: CertFiles;
  let backend: EchoBackend;
  let gw: TestGateway;
  let apiId: string;
  before(async () => {
    pki = makeTestPki();
    ca = pki.ca("ca");
    const cert = pki.server("default", ["default.example.com"], ca);
    backend = await startEchoBackend();
    gw = await startTestGateway({
      listenerLimits: FAST,
      tls: { port: 0, host: "127.0.0.1", certificate: cert.cert, key: cert.key, domains: [] },
    });
    apiId = await gw.deployRest(API(backend.url), "prod");
  });
  after(async () => {
    await gw?.close();
    await backend?.close();
    pki?.remove();
  });

  /** A TLS connection that has finished its handshake; resolves with the socket. */
  const secure = () =>
    new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect(
        {
          port: gw.portico.tlsPort!,
          host: "127.0.0.1",
          servername: "default.example.com",
          ca: readFileSync(ca.cert),
        },
        () => resolve(s),
      );
      s.once("error", reject);
    });
  const closed = (s: NodeJS.EventEmitter & { on(e: "data", l: (d: Buffer) => void): unknown }) => {
    const got: Buffer[] = [];
    s.on("data", (d: Buffer) => got.push(d));
    s.on("error", () => undefined);
    return new Promise<string>((resolve) =>
      s.once("close", () => resolve(Buffer.concat(got).toString("latin1"))),
    );
  };

  test("a connection that never starts its handshake is closed (the handshake is held to the headers timeout)", async () => {
    const s = tcpConnect(gw.portico.tlsPort!, "127.0.0.1");
    assert.equal(await closed(s), "");
  });

  test("slowloris inside TLS: headers a byte at a time are cut off with 408", async () => {
    const s = await secure();
    const done = closed(s);
    s.write(`GET /prod/slow HTTP/1.1\r\nHost: ${apiId}.execute-api.us-east-1.localhost\r\nX-Slow: `);
    const timer = setInterval(() => (s.writable ? s.write("a") : clearInterval(timer)), 50);
    try {
      assert.match(await done, /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(timer);
    }
  });

  test("a request the parser refuses gets its 400 over TLS", async () => {
    const s = await secure();
    const done = closed(s);
    s.write("NOT A REQUEST\r\n\r\n");
    assert.match(await done, /^HTTP\/1\.1 400 /);
  });

  test("beyond listen.maxConnections new connections are closed; below it they are served", async () => {
    const held = await Promise.all([secure(), secure(), secure()]);
    await assert.rejects(secure());
    for (const s of held) s.destroy();
    // Once the held ones are gone, the listener takes connections again.
    let served = false;
    for (let i = 0; i < 50 && !served; i++) {
      served = await httpsCall({
        port: gw.portico.tlsPort!,
        servername: "default.example.com",
        ca: ca.cert,
      }).then(
        () => true,
        () => false,
      );
      if (!served) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(served);
  });

  test("closing the gateway lets an HTTPS request in flight finish, then stops listening", async () => {
    const inFlight = httpsCall({
      port: gw.portico.tlsPort!,
      servername: "default.example.com",
      host: `${apiId}.execute-api.us-east-1.localhost`,
      path: "/prod/slow",
      ca: ca.cert,
    });
    // The backend waits 600 ms before answering: the request is in flight when the close begins.
    await new Promise((r) => setTimeout(r, 200));
    const closing = gw.close();
    assert.equal((await inFlight).status, 200);
    await closing;
    await assert.rejects(
      httpsCall({ port: gw.portico.tlsPort!, servername: "default.example.com", ca: ca.cert }),
    );
    gw = undefined as unknown as TestGateway;
  });
});
