import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDomainNameCommand,
  DeleteDomainNameCommand,
} from "@aws-sdk/client-api-gateway";
import WebSocket from "ws";
import type { TlsListenerSettings } from "../../src/listen/tls-domains.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { httpsCall } from "../support/https-client.ts";
import { eventually } from "../support/snippets.ts";
import { type CertFiles, makeTestPki, type TestPki } from "../support/tls-certs.ts";
import { deployWebSocketApi } from "../support/websocket-api.ts";

/**
 * The data plane's HTTPS listener: the certificate chosen by the client's server name (SNI), a
 * wildcard name matching one label, the default certificate for no name or an unknown one, and a
 * domain's securityPolicy (TLS_1_0 / TLS_1_2) holding clients to its lowest TLS version. Certificates
 * are made for the run by the openssl CLI; the clients are node:https.
 */

const MOCK_API = `
openapi: 3.0.1
info: { title: Tls, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"protocol":"$context.protocol"}' } } }
`;

const tlsSettings = (certs: Record<string, CertFiles>): TlsListenerSettings => ({
  port: 0,
  host: "127.0.0.1",
  certificate: certs.default!.cert,
  key: certs.default!.key,
  domains: [
    { name: "api.example.com", certificate: certs.api!.cert, key: certs.api!.key, where: "domains[0].tls" },
    {
      name: "*.wild.example.com",
      certificate: certs.wild!.cert,
      key: certs.wild!.key,
      where: "domains[1].tls",
    },
    {
      name: "legacy.example.com",
      certificate: certs.legacy!.cert,
      key: certs.legacy!.key,
      where: "domains[2].tls",
    },
  ],
});

describe("the HTTPS listener chooses certificates by SNI", () => {
  let pki: TestPki;
  let ca: CertFiles;
  let certs: Record<string, CertFiles>;
  let gw: TestGateway;
  let apiId: string;
  before(async () => {
    pki = makeTestPki();
    ca = pki.ca("ca");
    certs = {
      default: pki.server("default", ["default.example.com"], ca),
      api: pki.server("api", ["api.example.com"], ca),
      wild: pki.server("wild", ["*.wild.example.com"], ca),
      legacy: pki.server("legacy", ["legacy.example.com"], ca),
    };
    gw = await startTestGateway({
      tls: tlsSettings(certs),
      functions: {
        wsEcho: { handler: join(import.meta.dirname, "..", "fixtures", "functions", "websocket.echo") },
      },
    });
    apiId = await gw.deployRest(MOCK_API, "prod");
    // The control plane's domain name says TLS_1_0; the others keep the default TLS_1_2.
    const client = new APIGatewayClient(adminClientConfig(gw));
    await client.send(
      new CreateDomainNameCommand({
        domainName: "legacy.example.com",
        regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/legacy",
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: "TLS_1_0",
      }),
    );
    client.destroy();
  });
  after(async () => {
    await gw?.close();
    pki?.remove();
  });

  const call = (servername: string | undefined, extra: Partial<Parameters<typeof httpsCall>[0]> = {}) =>
    httpsCall({
      port: gw.portico.tlsPort!,
      ...(servername === undefined ? {} : { servername }),
      host: `${apiId}.execute-api.us-east-1.localhost`,
      path: "/prod/hello",
      ca: ca.cert,
      ...extra,
    });

  test("each domain gets its own certificate; a wildcard matches one label; others get the default", async () => {
    assert.equal((await call("api.example.com")).serverCN, "api.example.com");
    assert.equal((await call("a.wild.example.com")).serverCN, "*.wild.example.com");
    // TLS wildcards cover one label only.
    assert.equal((await call("a.b.wild.example.com")).serverCN, "default.example.com");
    assert.equal((await call("unknown.example.com")).serverCN, "default.example.com");
    assert.equal((await call(undefined)).serverCN, "default.example.com");
    // Server names are case-insensitive.
    assert.equal((await call("API.Example.com")).serverCN, "api.example.com");
  });

  test("the API answers over HTTPS, and the listener is the data plane's (the same pipeline)", async () => {
    const r = await call("api.example.com");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { protocol: "HTTP/1.1" });
    assert.ok(typeof r.headers["x-amzn-requestid"] === "string");
    // The plain listener is still there.
    assert.equal((await gw.call(apiId, "/prod/hello")).status, 200);
  });

  test("TLS_1_2 domains (and the default) refuse a TLS 1.1 client; a TLS_1_0 domain accepts it", async () => {
    const old = { minVersion: "TLSv1", maxVersion: "TLSv1.1" } as const;
    await assert.rejects(call("api.example.com", old));
    await assert.rejects(call("unknown.example.com", old));
    await assert.rejects(call(undefined, old));
    const legacy = await call("legacy.example.com", old);
    assert.equal(legacy.status, 200);
    assert.equal(legacy.protocol, "TLSv1.1");
    assert.equal(legacy.serverCN, "legacy.example.com");
    // TLS 1.2 still reaches every one.
    assert.equal((await call("api.example.com", { maxVersion: "TLSv1.2" })).protocol, "TLSv1.2");
  });

  test("a change of a stored domain name reads the certificate files again; an unreadable one keeps its last content", async () => {
    const before = (await call("api.example.com")).serverSerial;
    // A renewed certificate for the same name, written over the configured files.
    const renewed = pki.server("renewed", ["api.example.com"], ca);
    copyFileSync(renewed.cert, certs.api!.cert);
    copyFileSync(renewed.key, certs.api!.key);
    // Files alone change nothing until a domain name changes (or the gateway restarts).
    assert.equal((await call("api.example.com")).serverSerial, before);
    const client = new APIGatewayClient(adminClientConfig(gw));
    try {
      await client.send(
        new CreateDomainNameCommand({
          domainName: "api.example.com",
          regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/api",
          endpointConfiguration: { types: ["REGIONAL"] },
        }),
      );
      assert.ok(await eventually(async () => (await call("api.example.com")).serverSerial !== before));
      const now = (await call("api.example.com")).serverSerial;
      rmSync(certs.api!.cert);
      await client.send(new DeleteDomainNameCommand({ domainName: "api.example.com" }));
      // The reload that follows cannot read the file: the last good certificate stays.
      await client.send(
        new CreateDomainNameCommand({
          domainName: "other.example.com",
          regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/other",
          endpointConfiguration: { types: ["REGIONAL"] },
          securityPolicy: "TLS_1_0",
        }),
      );
      const old = { minVersion: "TLSv1", maxVersion: "TLSv1.1" } as const;
      assert.ok(
        await eventually(
          async () =>
            await call("other.example.com", old).then(
              () => true,
              () => false,
            ),
        ),
      );
      assert.equal((await call("api.example.com")).serverSerial, now);
    } finally {
      client.destroy();
    }
  });

  test("WebSocket APIs answer over wss:// on the same listener", async () => {
    const wsApi = await deployWebSocketApi(gw, [
      { key: "$default", integration: { lambda: "wsEcho" }, twoWay: true },
    ]);
    const ws = new WebSocket(`wss://127.0.0.1:${gw.portico.tlsPort}/prod`, {
      headers: { host: `${wsApi}.execute-api.us-east-1.localhost` },
      servername: "api.example.com",
      ca: readFileSync(ca.cert),
    } as unknown as WebSocket.ClientOptions);
    try {
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      const answer = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
      ws.send("hello");
      assert.equal(await answer, "echo hello");
    } finally {
      ws.terminate();
    }
  });
});

describe("an HTTPS listener without a default certificate", () => {
  let pki: TestPki;
  let ca: CertFiles;
  let gw: TestGateway;
  before(async () => {
    pki = makeTestPki();
    ca = pki.ca("ca");
    const api = pki.server("api", ["api.example.com"], ca);
    gw = await startTestGateway({
      tls: {
        port: 0,
        host: "127.0.0.1",
        domains: [{ name: "api.example.com", certificate: api.cert, key: api.key, where: "domains[0].tls" }],
      },
      plainHttp: false,
    });
  });
  after(async () => {
    await gw?.close();
    pki?.remove();
  });

  test("refuses handshakes for unknown names and without SNI; serves its domain; no plain listener", async () => {
    const port = gw.portico.tlsPort!;
    assert.equal(gw.portico.port, port);
    const r = await httpsCall({ port, servername: "api.example.com", ca: ca.cert, path: "/nothing" });
    assert.equal(r.serverCN, "api.example.com");
    // No API has that host: the gateway's own answer, over HTTPS.
    assert.equal(r.status, 404);
    assert.deepEqual(JSON.parse(r.text), { message: "Not Found" });
    await assert.rejects(httpsCall({ port, servername: "other.example.com", ca: ca.cert }));
    await assert.rejects(httpsCall({ port, ca: ca.cert }));
    // ApiEndpoint and printed URLs say https.
    assert.match(
      gw.portico.urls.endpoint("abc", "HTTP"),
      /^https:\/\/abc\.execute-api\.us-east-1\.localhost:\d+$/,
    );
  });
});
