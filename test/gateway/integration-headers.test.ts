import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// What an HTTP backend receives from, and returns through, API Gateway's HTTP integrations
// (AWS-BEHAVIOUR.md §2.1, §12.4, §12.9, §12.10; the recorded case header-remap-http-proxy).

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage["headers"];
  body: string;
}

const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/;

/**
 * A backend that answers with what it received. `/reserved` also sets every response header REST
 * APIs keep for themselves; `/chunked` answers with a chunked body; `/slow` waits 2 s.
 */
async function startBackend(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const seen: Seen = {
      method: req.method ?? "",
      url: req.url ?? "",
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    const text = JSON.stringify(seen);
    const path = (req.url ?? "").split("?")[0];
    if (path === "/slow") await new Promise((r) => setTimeout(r, 2000));
    if (path === "/chunked") {
      res.writeHead(200, { "Content-Type": "application/json", "X-Backend": "chunked" });
      res.write(text.slice(0, 10));
      setTimeout(() => res.end(text.slice(10)), 20);
      return;
    }
    const headers: string[] = [
      "Content-Type",
      "application/json",
      "Content-Length",
      String(Buffer.byteLength(text)),
    ];
    if (path === "/reserved")
      headers.push(
        "WWW-Authenticate",
        'Basic realm="backend"',
        "Server",
        "backend/1.0",
        "Authorization",
        "backend-auth",
        "User-Agent",
        "backend-agent",
        "Content-MD5",
        "backend-md5",
        "Max-Forwards",
        "3",
        "x-amzn-RequestId",
        "backend-request-id",
        "Set-Cookie",
        "a=1",
        "Set-Cookie",
        "b=2",
        "X-Plain",
        "kept",
      );
    res.writeHead(200, headers);
    res.end(text);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

const rest = (b: string) => `
openapi: 3.0.1
info: { title: Headers, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /proxy/{p+}:
    x-amazon-apigateway-any-method:
      parameters: [{ name: p, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: "${b}/{p}"
        requestParameters:
          integration.request.path.p: method.request.path.p
          integration.request.header.Connection: "'keep-alive'"
          integration.request.header.Expect: "'200-ok'"
          integration.request.header.TE: "'gzip'"
          integration.request.header.Proxy-Authenticate: "'Basic'"
          integration.request.header.Via: "'othersite.net'"
          integration.request.header.X-Amzn-Trace-Id: "'Root=mapped'"
  /upgrade/{p+}:
    x-amazon-apigateway-any-method:
      parameters: [{ name: p, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: "${b}/{p}"
        timeoutInMillis: 300
        requestParameters:
          integration.request.path.p: method.request.path.p
          integration.request.header.Upgrade: "'HTTP/2.0'"
          integration.request.header.Trailer: "'user-agent'"
          integration.request.header.Max-Forwards: "'2'"
  /plain:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${b}/reserved"
        requestParameters: { integration.request.header.X-Mapped: "'yes'" }
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.WWW-Authenticate: "'Basic realm=\\"mapped\\"'"
              method.response.header.Date: "'mapped-date'"
              method.response.header.Server: integration.response.header.Server
              method.response.header.Transfer-Encoding: "'gzip'"
              method.response.header.Content-Type: integration.response.header.Content-Type
              method.response.header.X-Other: "'other'"
  /plain-upgrade:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${b}/chunked"
        requestParameters: { integration.request.header.Upgrade: "'websocket'" }
        responses: { default: { statusCode: "200" } }
`;

describe("headers on REST HTTP integrations", () => {
  let gw: TestGateway;
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let id: string;
  before(async () => {
    backend = await startBackend();
    gw = await startTestGateway();
    id = await gw.deployRest(rest(backend.url), "prod");
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  const seen = (r: { text: string }) => JSON.parse(r.text) as Seen;
  const all = (s: Seen, name: string) =>
    s.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [s.rawHeaders[i + 1]] : []));

  test("HTTP_PROXY: the backend gets one X-Amzn-Trace-Id, Root=…;Parent=…;Sampled=0 when the client sent none", async () => {
    const a = seen(await gw.call(id, "/prod/proxy/echo"));
    const b = seen(await gw.call(id, "/prod/proxy/echo"));
    assert.equal(all(a, "x-amzn-trace-id").length, 1, "a mapping cannot add a second one");
    assert.match(String(a.headers["x-amzn-trace-id"]), TRACE);
    assert.match(String(a.headers["x-amzn-trace-id"]), /;Sampled=0$/);
    assert.notEqual(a.headers["x-amzn-trace-id"], b.headers["x-amzn-trace-id"]);
  });

  test("HTTP_PROXY: a client's trace is continued: its Root and Parent kept, a missing Parent generated", async () => {
    const full = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
    const kept = seen(await gw.call(id, "/prod/proxy/echo", { headers: { "x-amzn-trace-id": full } }));
    assert.equal(kept.headers["x-amzn-trace-id"], full);
    const rootOnly = seen(
      await gw.call(id, "/prod/proxy/echo", {
        headers: {
          "x-amzn-trace-id":
            "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Self=1-00000000-000000000000000000000000",
        },
      }),
    );
    assert.match(
      String(rootOnly.headers["x-amzn-trace-id"]),
      /^Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=[0-9a-f]{16};Sampled=0$/,
    );
    const junk = seen(
      await gw.call(id, "/prod/proxy/echo", { headers: { "x-amzn-trace-id": "Root=nonsense" } }),
    );
    assert.match(String(junk.headers["x-amzn-trace-id"]), TRACE);
    assert.doesNotMatch(String(junk.headers["x-amzn-trace-id"]), /nonsense/);
  });

  test("HTTP_PROXY: Via (the client's or a mapped one), and mapped Connection/Expect/TE/Proxy-Authenticate never arrive", async () => {
    const s = seen(await gw.call(id, "/prod/proxy/echo", { headers: { via: "1.1 p.example.net" } }));
    assert.equal(s.headers.via, undefined);
    assert.equal(s.headers.expect, undefined);
    assert.equal(s.headers.te, undefined);
    assert.equal(s.headers["proxy-authenticate"], undefined);
  });

  test("HTTP_PROXY: the backend's reserved response headers come back as x-amzn-Remapped-*", async () => {
    const r = await gw.call(id, "/prod/proxy/reserved");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["x-amzn-remapped-www-authenticate"], 'Basic realm="backend"');
    assert.equal(r.headers["www-authenticate"], undefined);
    assert.equal(r.headers["x-amzn-remapped-server"], "backend/1.0");
    assert.equal(r.headers["x-amzn-remapped-authorization"], "backend-auth");
    assert.equal(r.headers["x-amzn-remapped-user-agent"], "backend-agent");
    assert.equal(r.headers["x-amzn-remapped-content-md5"], "backend-md5");
    assert.equal(r.headers["x-amzn-remapped-max-forwards"], "3");
    assert.equal(r.headers["x-amzn-remapped-x-amzn-requestid"], "backend-request-id");
    assert.ok(r.headers["x-amzn-remapped-date"]);
    assert.equal(r.headers["x-amzn-remapped-content-length"], r.headers["content-length"]);
    assert.notEqual(r.headers["x-amzn-requestid"], "backend-request-id");
    assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"]);
    assert.equal(r.headers["x-plain"], "kept");
  });

  test("HTTP: AWS's Accept/User-Agent, not the client's; the response carries the trace id the backend got", async () => {
    const r = await gw.call(id, "/prod/plain", {
      headers: { accept: "text/html", "accept-encoding": "br", "user-agent": "client/1" },
    });
    assert.equal(r.status, 200, r.text);
    const s = seen(r);
    assert.equal(s.headers.accept, "application/json");
    assert.equal(s.headers["user-agent"], `AmazonAPIGateway_${id}`);
    assert.equal(s.headers["accept-encoding"], undefined);
    assert.equal(s.headers["x-amzn-apigateway-api-id"], id);
    assert.equal(s.headers["x-mapped"], "yes");
    assert.match(String(s.headers["x-amzn-trace-id"]), TRACE);
    assert.equal(r.headers["x-amzn-trace-id"], s.headers["x-amzn-trace-id"]);
  });

  test("HTTP: reserved names set by response mappings are remapped, Transfer-Encoding dropped, one Content-Type", async () => {
    const r = await gw.call(id, "/prod/plain");
    assert.equal(r.headers["x-amzn-remapped-www-authenticate"], 'Basic realm="mapped"');
    assert.equal(r.headers["www-authenticate"], undefined);
    assert.equal(r.headers["x-amzn-remapped-date"], "mapped-date");
    assert.notEqual(r.headers.date, "mapped-date");
    assert.equal(r.headers["x-amzn-remapped-server"], "backend/1.0");
    assert.equal(r.headers["transfer-encoding"], undefined);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["x-other"], "other");
    assert.equal(JSON.parse(r.text).method, "GET", "the body arrives whole");
  });

  test("a mapped Upgrade reaches the backend, with a mapped Trailer and Content-Length: 0 on a GET", async () => {
    const r = await gw.call(id, "/prod/upgrade/echo?x=1", { headers: { "x-client": "c" } });
    assert.equal(r.status, 200, r.text);
    const s = seen(r);
    assert.equal(s.url, "/echo?x=1");
    assert.equal(s.headers.upgrade, "HTTP/2.0");
    assert.equal(s.headers.trailer, "user-agent");
    assert.equal(s.headers["max-forwards"], "2");
    assert.equal(s.headers["content-length"], "0");
    assert.equal(s.headers["x-client"], "c");
    assert.match(String(s.headers["x-amzn-trace-id"]), TRACE);
    assert.ok(r.headers["x-amzn-remapped-date"], "the response is remapped as on the common path");
  });

  test("a mapped Upgrade: bodies go both ways, chunked answers are decoded, slow backends time out", async () => {
    const post = await gw.call(id, "/prod/upgrade/echo", { method: "POST", body: "hello body" });
    assert.equal(seen(post).body, "hello body");
    assert.equal(seen(post).headers["content-length"], "10");
    const chunked = await gw.call(id, "/prod/upgrade/chunked");
    assert.equal(chunked.status, 200);
    assert.equal(seen(chunked).url, "/chunked");
    assert.equal(chunked.headers["x-backend"], "chunked");
    const plain = await gw.call(id, "/prod/plain-upgrade", { method: "POST", body: "{}" });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(seen(plain).headers.upgrade, "websocket");
    const slow = await gw.call(id, "/prod/upgrade/slow");
    assert.equal(slow.status, 504);
    assert.equal(slow.text, '{"message":"Endpoint request timed out"}');
    assert.equal((await gw.call(id, "/prod/upgrade/echo")).status, 200, "served normally afterwards");
  });
});

const httpApi = (b: string) => `
openapi: 3.0.1
info: { title: HttpHeaders, version: "1" }
paths:
  /echo:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${b}/echo", payloadFormatVersion: "1.0" }
  /reserved:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${b}/reserved", payloadFormatVersion: "1.0" }
`;

const badRoutes = (b: string) => ({
  "bad-mapping": `  /bad-mapping:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${b}/echo"
        payloadFormatVersion: "1.0"
        requestParameters: { overwrite:header.x-amzn-trace-id: "mine" }
`,
  "bad-response-mapping": `  /bad-response-mapping:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${b}/echo"
        payloadFormatVersion: "1.0"
        responseParameters: { "200": { remove:header.Access-Control-Allow-Origin: "''" } }
`,
});

describe("headers on HTTP API HTTP_PROXY integrations", () => {
  let gw: TestGateway;
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let id: string;
  before(async () => {
    backend = await startBackend();
    gw = await startTestGateway();
    id = await gw.deployHttp(httpApi(backend.url));
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  const seen = (r: { text: string }) => JSON.parse(r.text) as Seen;

  test("a trace id starts as a bare Root; a client's passes on as it is", async () => {
    const fresh = seen(await gw.call(id, "/echo"));
    assert.match(String(fresh.headers["x-amzn-trace-id"]), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const mine = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Sampled=1";
    assert.equal(
      seen(await gw.call(id, "/echo", { headers: { "x-amzn-trace-id": mine } })).headers["x-amzn-trace-id"],
      mine,
    );
  });

  test("forwarding information is translated into Forwarded, with the client, host and protocol appended", async () => {
    const host = `${id}.execute-api.us-east-1.localhost`;
    const plain = seen(await gw.call(id, "/echo"));
    assert.equal(plain.headers.forwarded, `for=127.0.0.1;host=${host};proto=http`);
    const via = seen(
      await gw.call(id, "/echo", { headers: { "x-forwarded-for": "203.0.113.9, 2001:db8::1" } }),
    );
    assert.equal(
      via.headers.forwarded,
      `for=203.0.113.9, for="[2001:db8::1]", for=127.0.0.1;host=${host};proto=http`,
    );
    const prior = seen(await gw.call(id, "/echo", { headers: { forwarded: "for=192.0.2.1" } }));
    assert.equal(prior.headers.forwarded, `for=192.0.2.1, for=127.0.0.1;host=${host};proto=http`);
  });

  test("the backend's headers pass through without remapping", async () => {
    const r = await gw.call(id, "/reserved");
    assert.equal(r.headers["www-authenticate"], 'Basic realm="backend"');
    assert.equal(r.headers.server, "backend/1.0");
    assert.equal(r.headers["x-amzn-remapped-www-authenticate"], undefined);
    assert.equal(r.headers["x-amzn-remapped-server"], undefined);
  });

  test("a mapping of a reserved header (x-amzn-*, access-control-*, …) is refused at import, as AWS refuses it", async () => {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html:
    // reserved headers cannot be mapped, in requests or responses.
    for (const [route, header] of [
      ["bad-mapping", "x-amzn-trace-id"],
      ["bad-response-mapping", "access-control-allow-origin"],
    ] as const) {
      const doc = httpApi(backend.url).replace("paths:\n", `paths:\n${badRoutes(backend.url)[route]}`);
      await assert.rejects(gw.deployHttp(doc), (e: Error) => new RegExp(header, "i").test(e.message), route);
    }
    assert.equal((await gw.call(id, "/echo")).status, 200);
  });
});

describe("a mapped Upgrade towards a backend that does not speak HTTP", () => {
  let gw: TestGateway;
  let port: number;
  const tcp = createTcpServer((socket) => {
    socket.once("data", () => socket.end("garbage\r\n\r\n"));
  });
  before(async () => {
    await new Promise<void>((ok) => tcp.listen(0, "127.0.0.1", ok));
    port = (tcp.address() as AddressInfo).port;
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
    await new Promise((ok) => tcp.close(ok));
  });

  test("answers AWS's 500 and keeps serving", { timeout: 20_000 }, async () => {
    const id = await gw.deployRest(
      `
openapi: 3.0.1
info: { title: Garbage, version: "1" }
paths:
  /g:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "http://127.0.0.1:${port}/g"
        requestParameters: { integration.request.header.Upgrade: "'h2c'" }
  /down:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "http://127.0.0.1:1/down"
        requestParameters: { integration.request.header.Upgrade: "'h2c'" }
`,
      "prod",
    );
    for (const path of ["/prod/g", "/prod/down", "/prod/g"]) {
      const r = await gw.call(id, path);
      assert.equal(r.status, 500, path);
      assert.equal(r.text, '{"message": "Internal server error"}');
    }
  });
});
