import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
} from "@aws-sdk/client-api-gateway";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { httpsCall } from "../support/https-client.ts";
import { mockIntegration } from "../support/snippets.ts";
import { type CertFiles, makeTestPki, type TestPki } from "../support/tls-certs.ts";

// A custom domain as production runs it: HTTPS with the domain's certificate chosen by SNI, mutual
// TLS with a truststore, and the base path mapping choosing the API by the Host — no API id named
// anywhere in the request. A mapping deleted through the SDK stops answering at once.

const API = `
openapi: 3.0.1
info: { title: Orders, version: "1" }
paths:
  /ping:
    get:${mockIntegration('{"pong":true}')}
`;

describe("HTTPS, mutual TLS and a base path mapping on one custom domain", () => {
  let pki: TestPki;
  let serverCa: CertFiles;
  let client: CertFiles;
  let gw: TestGateway;
  let admin: APIGatewayClient;

  before(async () => {
    pki = makeTestPki();
    serverCa = pki.ca("serverca");
    const clientCa = pki.ca("clientca");
    const site = pki.server("api", ["api.example.com"], serverCa);
    client = pki.client("good", "/CN=Orders client", clientCa, 7);
    gw = await startTestGateway({
      tls: {
        port: 0,
        host: "127.0.0.1",
        domains: [
          {
            name: "api.example.com",
            certificate: site.cert,
            key: site.key,
            truststore: clientCa.cert,
            where: "domains[0].tls",
          },
        ],
      },
    });
    const id = await gw.deployRest(API, "prod");
    admin = new APIGatewayClient(adminClientConfig(gw));
    await admin.send(
      new CreateDomainNameCommand({
        domainName: "api.example.com",
        endpointConfiguration: { types: ["REGIONAL"] },
        regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/orders",
        securityPolicy: "TLS_1_2",
      }),
    );
    await admin.send(
      new CreateBasePathMappingCommand({
        domainName: "api.example.com",
        basePath: "v1",
        restApiId: id,
        stage: "prod",
      }),
    );
  });
  after(async () => {
    admin?.destroy();
    await gw?.close();
    pki?.remove();
  });

  const call = (withClient: boolean) =>
    httpsCall({
      port: gw.portico.tlsPort!,
      servername: "api.example.com",
      path: "/v1/ping",
      ca: serverCa.cert,
      ...(withClient ? { client } : {}),
    });

  test("the domain's certificate, the client's certificate trusted, the mapped API answers", async () => {
    const r = await call(true);
    assert.equal(r.serverCN, "api.example.com", "the certificate chosen by SNI");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { pong: true });
    const refused = await call(false);
    assert.equal(refused.status, 403, "no client certificate on a mutual TLS domain");
    assert.deepEqual(JSON.parse(refused.text), { message: "Forbidden" });
  });

  test("a deleted mapping answers 403 Forbidden on the next request", async () => {
    await admin.send(new DeleteBasePathMappingCommand({ domainName: "api.example.com", basePath: "v1" }));
    const r = await call(true);
    assert.equal(r.status, 403, r.text);
    assert.deepEqual(JSON.parse(r.text), { message: "Forbidden" });
  });
});
