import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteDomainNameCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import WebSocket from "ws";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type HttpsCall, httpsCall } from "../support/https-client.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { eventually, mockIntegration } from "../support/snippets.ts";
import { type CertFiles, makeTestPki, type TestPki } from "../support/tls-certs.ts";

/**
 * Mutual TLS on a custom domain (AWS: rest-api-mutual-tls, http-api-mutual-tls): a client must present
 * a certificate that chains to the domain's truststore, else API Gateway answers 403 Forbidden; the
 * certificate then reaches `$context.identity.clientCert.*`, access logs, request parameter mapping
 * and Lambda events (REST and payload 1.0 `requestContext.identity.clientCert`, payload 2.0
 * `requestContext.authentication.clientCert`) in AWS's formats. Certificates are made by the openssl
 * CLI for the run; the expected dates and names come from openssl too, not from the code under test.
 */

const ECHO = join(import.meta.dirname, "..", "fixtures", "functions", "handlers.echo");
const proxy = (version = "1.0") =>
  `{ type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}", payloadFormatVersion: "${version}" }`;
const CERT_TEMPLATE =
  '{"pem":"$util.escapeJavaScript($context.identity.clientCert.clientCertPem)","subject":"$context.identity.clientCert.subjectDN","issuer":"$context.identity.clientCert.issuerDN","serial":"$context.identity.clientCert.serialNumber","notBefore":"$context.identity.clientCert.validity.notBefore","notAfter":"$context.identity.clientCert.validity.notAfter"}';

const REST = (backend: string) => `
openapi: 3.0.1
info: { title: Mtls, version: "1" }
paths:
  /event:
    get:
      x-amazon-apigateway-integration: ${proxy()}
  /mapped:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: ${backend}/mapped
        requestParameters:
          integration.request.header.x-client-dn: context.identity.clientCert.subjectDN
          integration.request.header.x-client-serial: context.identity.clientCert.serialNumber
        responses: { default: { statusCode: "200" } }
  /template:
    get:${mockIntegration(CERT_TEMPLATE)}
  /proxied:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/proxied" }
`;

const HTTP_API = `
openapi: 3.0.1
info: { title: MtlsHttp, version: "1" }
paths:
  /v2:
    get:
      x-amazon-apigateway-integration: ${proxy("2.0")}
  /v1:
    get:
      x-amazon-apigateway-integration: ${proxy("1.0")}
`;

const LOG_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:mtls";
const LOG_FORMAT =
  '{"requestId":"$context.requestId","subject":"$context.identity.clientCert.subjectDN","issuer":"$context.identity.clientCert.issuerDN","serial":"$context.identity.clientCert.serialNumber","notAfter":"$context.identity.clientCert.validity.notAfter"}';

const CLIENT_SUBJECT = "/C=US/ST=Washington/L=Seattle/O=Portico tests/OU=Security/CN=My Client";

/** What openssl itself says of a certificate: the reference the gateway's output is held to. */
function openssl(cert: string) {
  const field = (flag: string) =>
    execFileSync("/usr/bin/openssl", ["x509", "-noout", flag, "-in", cert], { encoding: "utf8" })
      .trim()
      .replace(/^[a-zA-Z]+=/, "");
  return { notBefore: field("-startdate"), notAfter: field("-enddate") };
}

/** The handshake messages `openssl s_client` saw, for a server name (a real, independent TLS client). */
function handshakeMessages(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "/usr/bin/openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", servername, "-msg", "-tls1_3"],
      { timeout: 10_000 },
      (err, stdout) => (err !== null && stdout === "" ? reject(err) : resolve(stdout)),
    );
    child.stdin?.end();
  });
}

interface CertFields {
  clientCertPem: string;
  subjectDN: string;
  issuerDN: string;
  serialNumber: string;
  validity: { notBefore: string; notAfter: string };
}

describe("mutual TLS on a custom domain", () => {
  let pki: TestPki;
  let serverCa: CertFiles;
  let clientCa: CertFiles;
  const clients: Record<string, CertFiles> = {};
  let backend: EchoBackend;
  let gw: TestGateway;
  let rest: string;
  let http: string;

  before(async () => {
    pki = makeTestPki();
    serverCa = pki.ca("serverca");
    clientCa = pki.ca("clientca");
    const otherCa = pki.ca("otherca");
    const server = (name: string) => pki.server(name, [`${name}.example.com`], serverCa);
    const mtls = server("mtls");
    const open = server("public");
    const stored = server("stored");
    const fallback = server("default");
    clients.good = pki.client("good", CLIENT_SUBJECT, clientCa, 1);
    clients.bigSerial = pki.client("big", "/CN=Big Serial", clientCa, "0xA1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1");
    clients.untrusted = pki.client("untrusted", "/CN=Stranger", otherCa);
    clients.selfSigned = pki.client("self", "/CN=Myself", "self-signed");
    backend = await startEchoBackend();
    gw = await startTestGateway({
      functions: { echo: { handler: ECHO, timeout: 3 } },
      accessLogs: { default: "off", destinations: { [LOG_ARN]: join(pki.dir, "access.log") } },
      tls: {
        port: 0,
        host: "127.0.0.1",
        certificate: fallback.cert,
        key: fallback.key,
        domains: [
          {
            name: "mtls.example.com",
            certificate: mtls.cert,
            key: mtls.key,
            truststore: clientCa.cert,
            where: "domains[0].tls",
          },
          { name: "public.example.com", certificate: open.cert, key: open.key, where: "domains[1].tls" },
          { name: "stored.example.com", certificate: stored.cert, key: stored.key, where: "domains[2].tls" },
        ],
      },
    });
    rest = await gw.deployRest(REST(backend.url), "prod");
    http = await gw.deployHttp(HTTP_API);
    const admin = new APIGatewayClient(adminClientConfig(gw));
    await admin.send(
      new UpdateStageCommand({
        restApiId: rest,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/accessLogSettings/destinationArn", value: LOG_ARN },
          { op: "replace", path: "/accessLogSettings/format", value: LOG_FORMAT },
        ],
      }),
    );
    admin.destroy();
  });
  after(async () => {
    await gw?.close();
    await backend?.close();
    pki?.remove();
  });

  /**
   * A request through a domain. Names without a stored domain name are served by the API the header
   * names; a stored one routes by its mappings (the tests that store one map its root to the API).
   */
  const call = (
    domain: string,
    client: CertFiles | undefined,
    path: string,
    extra: Partial<HttpsCall> = {},
  ) =>
    httpsCall({
      port: gw.portico.tlsPort!,
      servername: domain,
      path: path.startsWith("/v") ? path : `/prod${path}`,
      headers: { "x-apigw-api-id": path.startsWith("/v") ? http : rest },
      ca: serverCa.cert,
      ...(client === undefined ? {} : { client }),
      ...extra,
    });

  const expectedFields = (client: CertFiles, subjectDN: string, serialNumber: string): CertFields => ({
    clientCertPem: readFileSync(client.cert, "utf8"),
    subjectDN,
    issuerDN: "O=Portico tests,CN=clientca",
    serialNumber,
    validity: openssl(client.cert),
  });

  test("without a client certificate, or with one the truststore does not trust: 403 Forbidden", async () => {
    for (const client of [undefined, clients.untrusted, clients.selfSigned]) {
      const r = await call("mtls.example.com", client, "/event");
      assert.equal(r.status, 403, r.text);
      assert.deepEqual(JSON.parse(r.text), { message: "Forbidden" });
      assert.equal(r.headers["x-amzn-errortype"], "ForbiddenException");
    }
  });

  test("a trusted certificate passes: the REST proxy event's identity.clientCert in AWS's formats", async () => {
    const r = await call("mtls.example.com", clients.good, "/event");
    assert.equal(r.status, 200, r.text);
    const { event } = JSON.parse(r.text) as {
      event: { requestContext: { identity: { clientCert: CertFields } } };
    };
    assert.deepEqual(
      event.requestContext.identity.clientCert,
      expectedFields(
        clients.good!,
        "C=US,ST=Washington,L=Seattle,O=Portico tests,OU=Security,CN=My Client",
        "1",
      ),
    );
  });

  test("a serial beyond a long prints as its bytes in hex, colon-separated (AWS's a1:a1:… example)", async () => {
    const r = await call("mtls.example.com", clients.bigSerial, "/event");
    const { event } = JSON.parse(r.text) as {
      event: { requestContext: { identity: { clientCert: CertFields } } };
    };
    assert.equal(event.requestContext.identity.clientCert.serialNumber, Array(16).fill("a1").join(":"));
  });

  test("HTTP API events: payload 2.0 authentication.clientCert, payload 1.0 identity.clientCert", async () => {
    const expected = expectedFields(
      clients.good!,
      "C=US,ST=Washington,L=Seattle,O=Portico tests,OU=Security,CN=My Client",
      "1",
    );
    const v2 = JSON.parse((await call("mtls.example.com", clients.good, "/v2")).text) as {
      event: { requestContext: { authentication: { clientCert: CertFields } } };
    };
    assert.deepEqual(v2.event.requestContext.authentication, { clientCert: expected });
    const v1 = JSON.parse((await call("mtls.example.com", clients.good, "/v1")).text) as {
      event: { requestContext: { identity: { clientCert: CertFields } } };
    };
    assert.deepEqual(v1.event.requestContext.identity.clientCert, expected);
  });

  test("$context.identity.clientCert.* in request parameters (to an HTTP backend) and mapping templates", async () => {
    const mapped = await call("mtls.example.com", clients.good, "/mapped");
    assert.equal(mapped.status, 200, mapped.text);
    const echo = JSON.parse(mapped.text) as Echo;
    assert.equal(
      echo.headers["x-client-dn"],
      "C=US,ST=Washington,L=Seattle,O=Portico tests,OU=Security,CN=My Client",
    );
    assert.equal(echo.headers["x-client-serial"], "1");
    // An HTTP_PROXY backend is told the listener the client reached.
    const proxied = JSON.parse((await call("mtls.example.com", clients.good, "/proxied")).text) as Echo;
    assert.equal(proxied.headers["x-forwarded-proto"], "https");
    assert.equal(proxied.headers["x-forwarded-port"], String(gw.portico.tlsPort));
    const templated = await call("mtls.example.com", clients.good, "/template");
    const dates = openssl(clients.good!.cert);
    assert.deepEqual(JSON.parse(templated.text), {
      pem: readFileSync(clients.good!.cert, "utf8"),
      subject: "C=US,ST=Washington,L=Seattle,O=Portico tests,OU=Security,CN=My Client",
      issuer: "O=Portico tests,CN=clientca",
      serial: "1",
      ...dates,
    });
  });

  test("only a mutual TLS domain's handshake asks for a certificate (openssl s_client sees it)", async () => {
    const port = gw.portico.tlsPort!;
    assert.match(await handshakeMessages(port, "mtls.example.com"), /CertificateRequest/);
    assert.doesNotMatch(await handshakeMessages(port, "public.example.com"), /CertificateRequest/);
  });

  test("access logs print the client certificate's fields ($context.identity.clientCert.*), - without one", async () => {
    const trusted = await call("mtls.example.com", clients.good, "/template");
    const open = await call("public.example.com", undefined, "/template");
    const ids = [trusted, open].map((r) => String(r.headers["x-amzn-requestid"]));
    const file = join(pki.dir, "access.log");
    const lineOf = (id: string) =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .split("\n")
            .find((l) => l.includes(id))
        : undefined;
    assert.ok(
      await eventually(async () => ids.every((id) => lineOf(id) !== undefined), 5000),
      "no access log lines",
    );
    assert.deepEqual(JSON.parse(lineOf(ids[0]!)!), {
      requestId: ids[0],
      subject: "C=US,ST=Washington,L=Seattle,O=Portico tests,OU=Security,CN=My Client",
      issuer: "O=Portico tests,CN=clientca",
      serial: "1",
      notAfter: openssl(clients.good!.cert).notAfter,
    });
    assert.deepEqual(JSON.parse(lineOf(ids[1]!)!), {
      requestId: ids[1],
      subject: "-",
      issuer: "-",
      serial: "-",
      notAfter: "-",
    });
  });

  test("a domain without mutual TLS asks for no certificate; its events carry none", async () => {
    const r = await call("public.example.com", clients.good, "/event");
    assert.equal(r.status, 200, r.text);
    const { event } = JSON.parse(r.text) as {
      event: { requestContext: { identity: Record<string, unknown> } };
    };
    assert.equal("clientCert" in event.requestContext.identity, false);
    const v2 = JSON.parse((await call("public.example.com", clients.good, "/v2")).text) as {
      event: { requestContext: Record<string, unknown> };
    };
    assert.equal("authentication" in v2.event.requestContext, false);
  });

  test("a connection made for another name cannot reach a mutual TLS domain by its Host header", async () => {
    const fronted = await call("public.example.com", clients.good, "/event", { host: "mtls.example.com" });
    assert.equal(fronted.status, 403);
    const noSni = await httpsCall({
      port: gw.portico.tlsPort!,
      host: "mtls.example.com",
      path: "/prod/event",
      headers: { "x-apigw-api-id": rest },
      ca: serverCa.cert,
      client: clients.good,
    });
    // No server name: the default certificate, which does not make the connection the domain's.
    assert.equal(noSni.serverCN, "default.example.com");
    assert.equal(noSni.status, 403);
    // The other way is no bypass: a verified connection may ask for a domain without mutual TLS.
    const other = await call("mtls.example.com", clients.good, "/event", { host: "public.example.com" });
    assert.equal(other.status, 200);
  });

  test("a WebSocket upgrade to a mutual TLS domain without a trusted certificate is refused with 403", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${gw.portico.tlsPort}/prod`, {
        headers: { host: "mtls.example.com" },
        servername: "mtls.example.com",
        ca: readFileSync(serverCa.cert),
        cert: readFileSync(clients.untrusted!.cert),
        key: readFileSync(clients.untrusted!.key),
      } as unknown as WebSocket.ClientOptions);
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("open", () => reject(new Error("upgraded")));
      ws.once("error", reject);
    });
    assert.equal(status, 403);
  });

  test("CreateDomainName with a file:// truststoreUri turns mutual TLS on, DeleteDomainName off, no restart", async () => {
    const admin = new APIGatewayClient(adminClientConfig(gw));
    // A stored domain name routes its Host by its mappings: the root one lets the path name the stage.
    const create = async (truststoreUri: string) => {
      await admin.send(
        new CreateDomainNameCommand({
          domainName: "stored.example.com",
          regionalCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/stored",
          endpointConfiguration: { types: ["REGIONAL"] },
          securityPolicy: "TLS_1_2",
          mutualTlsAuthentication: { truststoreUri },
        }),
      );
      await admin.send(
        new CreateBasePathMappingCommand({ domainName: "stored.example.com", restApiId: rest }),
      );
    };
    const status = async (client?: CertFiles) => (await call("stored.example.com", client, "/event")).status;
    try {
      assert.equal(await status(), 200);
      await create(pathToFileURL(clientCa.cert).href);
      assert.ok(await eventually(async () => (await status()) === 403), "mutual TLS did not take effect");
      assert.equal(await status(clients.good), 200);
      assert.equal(await status(clients.untrusted), 403);
      await admin.send(new DeleteDomainNameCommand({ domainName: "stored.example.com" }));
      assert.ok(await eventually(async () => (await status()) === 200), "mutual TLS did not go away");
      // A truststore on S3 is not readable here: without a local one, every client is refused.
      await create("s3://bucket/truststore.pem");
      assert.ok(
        await eventually(async () => (await status(clients.good)) === 403),
        "an unreadable truststore must trust nothing",
      );
      await admin.send(new DeleteDomainNameCommand({ domainName: "stored.example.com" }));
      assert.ok(await eventually(async () => (await status()) === 200));
    } finally {
      admin.destroy();
    }
  });

  test("an S3 truststoreUri on a domain whose config file names a truststore uses the local one", async () => {
    const admin = new APIGatewayClient(adminClientConfig(gw));
    const create = async (domainName: string, truststoreUri: string) => {
      await admin.send(
        new CreateDomainNameCommand({
          domainName,
          regionalCertificateArn: `arn:aws:acm:us-east-1:000000000000:certificate/${domainName}`,
          endpointConfiguration: { types: ["REGIONAL"] },
          mutualTlsAuthentication: { truststoreUri, truststoreVersion: "2" },
        }),
      );
      await admin.send(new CreateBasePathMappingCommand({ domainName, restApiId: rest }));
    };
    await create("mtls.example.com", "s3://bucket/truststore.pem");
    // A second domain whose change shows: once it applies, so has the first (one reload reads both).
    await create("stored.example.com", pathToFileURL(clientCa.cert).href);
    admin.destroy();
    assert.ok(
      await eventually(async () => (await call("stored.example.com", undefined, "/event")).status === 403),
    );
    assert.equal((await call("mtls.example.com", undefined, "/event")).status, 403);
    assert.equal((await call("mtls.example.com", clients.untrusted, "/event")).status, 403);
    assert.equal((await call("mtls.example.com", clients.good, "/event")).status, 200);
  });
});
