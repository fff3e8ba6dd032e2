import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../../src/listen/listener-limits.ts";
import { defaultOverloadLimits } from "../../src/listen/overload.ts";
import { AWS_QUOTAS } from "../../src/model/aws-quotas.ts";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { rawExchange } from "../support/raw-http.ts";

// Attacks on the listener itself: connections that never finish (defect 2), failures that used to
// get no answer (defect 9), and the head limits AWS enforces before routing (defect 16).

/**
 * Short limits, so that each attack plays out in a moment (yet long enough that a loaded machine parsing
 * a 12 KB head is not mistaken for a slow client); the defaults are checked separately.
 */
const FAST: ListenerLimits = {
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 3_000,
  keepAliveTimeoutMs: 300,
  maxConnections: 5_000,
  drainTimeoutMs: 1_000,
};

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Connections, version: "1" }
paths:
  /echo:
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: "${backend}/echo" }
  /odd-status:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/status/999" }
  /fragment:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/seen" }
  /mock:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"mock":true}' } } }
  /broken-template:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '#set($x = "ab".matches("(?<=a)b"))$x' }
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":true}' } } }
`;

/** Resolves once the server has closed the socket, with whatever it sent before closing. */
function closedBy(socket: Socket): Promise<string> {
  const got: Buffer[] = [];
  socket.on("data", (d) => got.push(d));
  socket.on("error", () => undefined);
  return new Promise((resolve) => socket.once("close", () => resolve(Buffer.concat(got).toString("latin1"))));
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Writes one byte every `everyMs` until the socket closes. */
function dribble(socket: Socket, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write("a");
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

describe("connections the gateway must close or answer", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let id: string;
  let host: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({ listenerLimits: FAST });
    id = await gw.deployRest(api(backend.url), "prod");
    host = `${id}.execute-api.us-east-1.localhost`;
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("defaults bound every wait (no timeout is 0) and keep-alive outlives a load balancer's 60 s idle timeout", () => {
    const d = DEFAULT_LISTENER_LIMITS;
    for (const [name, value] of Object.entries(d)) assert.ok(value > 0, `${name} is set`);
    assert.ok(d.headersTimeoutMs <= d.requestTimeoutMs);
    assert.ok(d.keepAliveTimeoutMs > 60_000);
    assert.ok(d.drainTimeoutMs < 30_000, "a drain ends before a supervisor's usual 30 s kill");
    const o = defaultOverloadLimits();
    assert.ok(o.maxInFlight > 0 && o.maxPendingPerConnection > 0 && o.memoryWatermarkBytes > 0);
  });

  test("slowloris: headers sent a byte at a time are cut off at the headers timeout with 408", async () => {
    const s = await open(gw.port);
    const closed = closedBy(s);
    s.write(`GET /prod/hello HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
    dribble(s, 50);
    const answer = await closed;
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  test("the admin listener has the same limits: slow headers there get 408 too", async () => {
    const s = await open(gw.adminPort);
    const closed = closedBy(s);
    s.write("GET /restapis HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    dribble(s, 50);
    assert.match(await closed, /^HTTP\/1\.1 408 /);
  });

  test("a slow body is cut off at the request timeout with 408, and nothing reaches a handler", async () => {
    const s = await open(gw.port);
    const closed = closedBy(s);
    s.write(
      `POST /prod/mock HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
    );
    dribble(s, 50);
    const answer = await closed;
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  test("idle sockets that send nothing are closed, and new requests are served meanwhile", async () => {
    const idle = await Promise.all(Array.from({ length: 300 }, () => open(gw.port)));
    const closings = idle.map(closedBy);
    const served = await gw.call(id, "/prod/hello");
    assert.equal(served.status, 200);
    const answers = await Promise.all(closings);
    assert.equal(answers.length, 300, "every idle socket was closed by the gateway");
    assert.equal((await gw.call(id, "/prod/hello")).status, 200);
  });

  test("a keep-alive connection left idle after its answer is closed at the keep-alive timeout", async () => {
    const s = await open(gw.port);
    const closed = closedBy(s);
    s.write(`GET /prod/hello HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const answer = await closed;
    assert.match(answer, /^HTTP\/1\.1 200 /, "answered, then closed once idle");
  });

  test("a template error after the body was read is answered with AWS's 500, not an empty reply", async () => {
    const r = await gw.call(id, "/prod/broken-template", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    assert.ok(r.headers["x-amzn-requestid"]);
  });

  test("a chunked body over 10 MB to a MOCK integration: a 413 the client reads while still uploading", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const answer = await rawExchange(
      gw.port,
      `POST /prod/mock HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      async function* () {
        // Far past the limit, and never finished: the answer must come while the upload goes on.
        for (let i = 0; i < 400; i++)
          yield Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
      },
      20_000,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\{"message":"Request Too Long"\}/);
    assert.match(answer, /Connection: close/i);
  });

  test("a declared Content-Length over 10 MB: 413 before the body, readable by the client still sending it", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const answer = await rawExchange(
      gw.port,
      `POST /prod/echo HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`,
      async function* () {
        for (let i = 0; i < 80; i++) yield chunk;
      },
      20_000,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\{"message":"Request Too Long"\}/);
  });

  test(`a URL over ${AWS_QUOTAS.urlCharsEdge} characters (an edge-optimized API, the default): 414, and 100 KB is 414 too`, async () => {
    const query = (total: number) => `/prod/hello?q=${"x".repeat(total - "/prod/hello?q=".length)}`;
    const r = await gw.call(id, query(AWS_QUOTAS.urlCharsEdge + 1));
    assert.equal(r.status, 414);
    assert.equal(r.text, '{"message":"Request-URI Too Long"}');
    assert.equal(
      (await gw.call(id, query(AWS_QUOTAS.urlCharsEdge))).status,
      200,
      "up to the limit is served",
    );
    const huge = await rawExchange(gw.port, `GET ${query(100_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 414 /);
  });

  test(`a regional API takes URLs up to ${AWS_QUOTAS.urlCharsRegional} characters (with its headers, within ${AWS_QUOTAS.headerBytes} bytes)`, async () => {
    const regional = await gw.deployRest(
      api(backend.url).replace(
        "info:",
        "x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }\ninfo:",
      ),
      "prod",
    );
    const query = (total: number) => `/prod/hello?q=${"x".repeat(total - "/prod/hello?q=".length)}`;
    const between = query(AWS_QUOTAS.urlCharsEdge + 1_000);
    assert.equal((await gw.call(regional, between)).status, 200);
    assert.equal((await gw.call(id, between)).status, 414, "the same URL is too long for an edge API");
    assert.equal((await gw.call(regional, query(AWS_QUOTAS.urlCharsRegional + 1))).status, 414);
  });

  test(`header values over ${AWS_QUOTAS.headerBytes} bytes: 431`, async () => {
    const r = await gw.call(id, "/prod/hello", {
      headers: { "x-a": "a".repeat(6_000), "x-b": "b".repeat(6_000) },
    });
    assert.equal(r.status, 431);
    const ok = await gw.call(id, "/prod/hello", { headers: { "x-a": "a".repeat(6_000) } });
    assert.equal(ok.status, 200);
  });

  test("two Host headers: 400, whichever API either names", async () => {
    const answer = await rawExchange(
      gw.port,
      `GET /prod/hello HTTP/1.1\r\nHost: ${host}\r\nHost: other.execute-api.us-east-1.localhost\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.doesNotMatch(answer, /"hello":true/);
  });

  test("a URL fragment is neither routed nor forwarded", async () => {
    const answer = await rawExchange(
      gw.port,
      `GET /prod/fragment#secret HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    const echoed = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { url: string };
    assert.equal(echoed.url, "/seen");
  });

  test("a backend status beyond 599 is not relayed: AWS's integration failure", async () => {
    const r = await gw.call(id, "/prod/odd-status");
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
  });
});

describe("the connection cap", () => {
  let gw: TestGateway;
  let id: string;
  const lines: string[] = [];
  before(async () => {
    const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    gw = await startTestGateway({ listenerLimits: { ...DEFAULT_LISTENER_LIMITS, maxConnections: 20 } }, log);
    id = await gw.deployRest(api("http://127.0.0.1:1"), "prod");
  });
  after(() => gw.close());

  test("connections past the cap are closed at once, a warning is logged, and serving resumes when held ones go", async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => open(gw.port)));
    const extra = await open(gw.port);
    const answer = await closedBy(extra);
    assert.equal(answer, "", "closed without being read");
    assert.ok(
      lines.some((l) => /connection limit reached/.test(l)),
      lines.join("\n"),
    );
    for (const s of held) s.destroy();
    // The gateway sees the held sockets close a moment after they do; each try is a new connection.
    let status = 0;
    while (status !== 200) {
      status = await gw
        .call(id, "/prod/hello")
        .then((r) => r.status)
        .catch(() => 0);
    }
    assert.equal(status, 200);
  });
});

describe("the overload manager", () => {
  test("past maxInFlight the node sheds with 503 and Retry-After; once requests finish it serves again", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((ok) => {
      release = ok;
    });
    let arrived = 0;
    const slow = createServer(async (_req, res) => {
      arrived++;
      await gate;
      res.end("done");
    });
    await new Promise<void>((ok) => slow.listen(0, "127.0.0.1", ok));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const gw = await startTestGateway({ overload: { ...defaultOverloadLimits(), maxInFlight: 2 } });
    try {
      const id = await gw.deployRest(api(slowUrl), "prod");
      const held = [1, 2].map(() => gw.call(id, "/prod/echo", { method: "POST", body: "x" }));
      while (arrived < 2) await new Promise((r) => setTimeout(r, 10));
      const shed = await gw.call(id, "/prod/hello");
      assert.equal(shed.status, 503);
      assert.equal(shed.text, '{"message":"Service Unavailable"}');
      assert.equal(shed.headers["retry-after"], "1");
      release();
      for (const r of await Promise.all(held)) assert.equal(r.status, 200);
      assert.equal((await gw.call(id, "/prod/hello")).status, 200);
    } finally {
      await gw.close();
      await closeServer(slow);
    }
  });

  test("above the memory watermark every new request is shed with 503", async () => {
    const gw = await startTestGateway({ overload: { ...defaultOverloadLimits(), memoryWatermarkBytes: 1 } });
    try {
      const id = await gw.deployRest(api("http://127.0.0.1:1"), "prod");
      const r = await gw.call(id, "/prod/hello");
      assert.equal(r.status, 503);
    } finally {
      await gw.close();
    }
  });

  test("one connection pipelining past maxPendingPerConnection gets 429 for the excess, in order", async () => {
    const gw = await startTestGateway({
      overload: { ...defaultOverloadLimits(), maxPendingPerConnection: 2 },
    });
    try {
      const id = await gw.deployRest(api("http://127.0.0.1:1"), "prod");
      const one = `GET /prod/hello HTTP/1.1\r\nHost: ${id}.execute-api.us-east-1.localhost\r\n\r\n`;
      const answer = await rawExchange(gw.port, one.repeat(6), undefined, 3_000);
      const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      assert.equal(statuses.length, 6, answer);
      assert.ok(statuses.includes(429), `some were shed: ${statuses}`);
      assert.equal(statuses[0], 200);
    } finally {
      await gw.close();
    }
  });
});

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((ok) => server.close(() => ok()));
}
