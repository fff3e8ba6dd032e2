import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetRestApisCommand,
} from "@aws-sdk/client-api-gateway";
import { ApiGatewayV2Client, GetApisCommand } from "@aws-sdk/client-apigatewayv2";
import { request } from "undici";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import type { CredentialConfig } from "../../src/config/schema.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { rawExchange } from "../support/raw-http.ts";

const ACCOUNT = "000000000000";
const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

const CREDENTIALS: CredentialConfig[] = [
  { accessKeyId: "test", secretAccessKey: "test", principal: `arn:aws:iam::${ACCOUNT}:root` },
  { accessKeyId: "legacy", secretAccessKey: "legacy-secret", principal: user("legacy") },
  {
    accessKeyId: "denyall",
    secretAccessKey: "denyall-secret",
    principal: user("mallory"),
    policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] }],
  },
  {
    accessKeyId: "reader",
    secretAccessKey: "reader-secret",
    principal: user("reader"),
    policies: [
      {
        Statement: [
          { Effect: "Allow", Action: "apigateway:GET", Resource: "arn:aws:apigateway:us-east-1::/restapis*" },
        ],
      },
    ],
  },
  {
    accessKeyId: "nodelete",
    secretAccessKey: "nodelete-secret",
    principal: user("builder"),
    policies: [
      { Statement: [{ Effect: "Allow", Action: "apigateway:*", Resource: "*" }] },
      {
        Statement: [
          { Effect: "Deny", Action: "apigateway:DELETE", Resource: "arn:aws:apigateway:*::/restapis/*" },
        ],
      },
    ],
  },
  { accessKeyId: "empty", secretAccessKey: "empty-secret", principal: user("nobody"), policies: [] },
];

function restClient(gw: TestGateway, accessKeyId = "test", secretAccessKey = "test") {
  return new APIGatewayClient({ ...adminClientConfig(gw), credentials: { accessKeyId, secretAccessKey } });
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  assert.fail("expected the call to be refused");
}

/** A signed admin call over undici, returning status, error type and the parsed body. */
async function signedCall(
  gw: TestGateway,
  method: string,
  path: string,
  opts: { body?: string; key?: string; secret?: string } = {},
) {
  const url = `http://127.0.0.1:${gw.adminPort}${path}`;
  const headers = signRequest({
    method,
    url,
    body: opts.body,
    credentials: { accessKeyId: opts.key ?? "test", secretAccessKey: opts.secret ?? "test" },
    region: "us-east-1",
    service: "apigateway",
  });
  const r = await request(url, { method: method as "GET", headers, body: opts.body });
  const text = await r.body.text();
  return { status: r.statusCode, type: r.headers["x-amzn-errortype"], headers: r.headers, text };
}

describe("admin API: identity policies authorize apigateway:* actions", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ credentials: CREDENTIALS });
  });
  after(() => gw.close());

  test("a Deny-all key can neither list nor create APIs: AccessDeniedException, and nothing is created", async () => {
    const root = restClient(gw);
    const mallory = restClient(gw, "denyall", "denyall-secret");
    const before = (await root.send(new GetRestApisCommand({}))).items?.length ?? 0;

    const listed = await rejection(mallory.send(new GetRestApisCommand({})));
    assert.equal(listed.name, "AccessDeniedException");
    assert.equal((listed.$metadata as { httpStatusCode: number }).httpStatusCode, 403);
    assert.equal(
      listed.message,
      `User: ${user("mallory")} is not authorized to perform: apigateway:GET on resource: ` +
        "arn:aws:apigateway:us-east-1::/restapis with an explicit deny in an identity-based policy",
    );
    const created = await rejection(mallory.send(new CreateRestApiCommand({ name: "smuggled" })));
    assert.equal(created.name, "AccessDeniedException");
    assert.match(created.message, /apigateway:POST on resource: arn:aws:apigateway:us-east-1::\/restapis /);

    assert.equal((await root.send(new GetRestApisCommand({}))).items?.length ?? 0, before);
    root.destroy();
    mallory.destroy();
  });

  test("the refusal is AWS's wire shape: 403, x-amzn-ErrorType AccessDeniedException, {message}", async () => {
    const r = await signedCall(gw, "POST", "/restapis", {
      body: JSON.stringify({ name: "x" }),
      key: "denyall",
      secret: "denyall-secret",
    });
    assert.equal(r.status, 403);
    assert.equal(r.type, "AccessDeniedException");
    assert.deepEqual(Object.keys(JSON.parse(r.text)), ["message"]);
  });

  test("a read-only key lists and reads, but may not create (no Allow is a denial)", async () => {
    const root = restClient(gw);
    const reader = restClient(gw, "reader", "reader-secret");
    const api = await root.send(new CreateRestApiCommand({ name: "readable" }));
    const listed = await reader.send(new GetRestApisCommand({}));
    assert.ok(listed.items?.some((a) => a.id === api.id));
    const denied = await rejection(reader.send(new CreateRestApiCommand({ name: "nope" })));
    assert.equal(denied.name, "AccessDeniedException");
    assert.equal(
      denied.message,
      `User: ${user("reader")} is not authorized to perform: apigateway:POST on resource: ` +
        "arn:aws:apigateway:us-east-1::/restapis because no identity-based policy allows the apigateway:POST action",
    );
    const deleted = await rejection(reader.send(new DeleteRestApiCommand({ restApiId: api.id })));
    assert.equal(deleted.name, "AccessDeniedException");
    assert.match(
      deleted.message,
      new RegExp(`apigateway:DELETE on resource: arn:aws:apigateway:us-east-1::/restapis/${api.id} `),
    );
    assert.ok((await root.send(new GetRestApisCommand({}))).items?.some((a) => a.id === api.id));
    root.destroy();
    reader.destroy();
  });

  test("an explicit Deny beats an Allow in another policy", async () => {
    const builder = restClient(gw, "nodelete", "nodelete-secret");
    const api = await builder.send(new CreateRestApiCommand({ name: "kept" }));
    const denied = await rejection(builder.send(new DeleteRestApiCommand({ restApiId: api.id })));
    assert.equal(denied.name, "AccessDeniedException");
    assert.match(denied.message, /with an explicit deny in an identity-based policy$/);
    assert.ok((await builder.send(new GetRestApisCommand({}))).items?.some((a) => a.id === api.id));
    builder.destroy();
  });

  test("apigatewayv2 routes are authorized too, on …::/apis ARNs", async () => {
    const reader = new ApiGatewayV2Client({
      ...adminClientConfig(gw),
      credentials: { accessKeyId: "reader", secretAccessKey: "reader-secret" },
    });
    const denied = await rejection(reader.send(new GetApisCommand({})));
    assert.equal(denied.name, "AccessDeniedException");
    assert.equal(
      denied.message,
      `User: ${user("reader")} is not authorized to perform: apigateway:GET on resource: ` +
        "arn:aws:apigateway:us-east-1::/apis because no identity-based policy allows the apigateway:GET action",
    );
    reader.destroy();
    const root = new ApiGatewayV2Client(adminClientConfig(gw));
    assert.ok(Array.isArray((await root.send(new GetApisCommand({}))).Items));
    root.destroy();
  });

  test("a key with an empty policies list may do nothing", async () => {
    const nobody = restClient(gw, "empty", "empty-secret");
    const denied = await rejection(nobody.send(new GetRestApisCommand({})));
    assert.equal(denied.name, "AccessDeniedException");
    nobody.destroy();
  });

  test("the account root and keys without policies keep full access; /health and /metrics are unchanged", async () => {
    for (const [key, secret] of [
      ["test", "test"],
      ["legacy", "legacy-secret"],
    ] as const) {
      const client = restClient(gw, key, secret);
      const api = await client.send(new CreateRestApiCommand({ name: `full-${key}` }));
      await client.send(new DeleteRestApiCommand({ restApiId: api.id }));
      client.destroy();
    }
    const health = await request(`http://127.0.0.1:${gw.adminPort}/health`);
    assert.equal(health.statusCode, 200);
    await health.body.text();
    const metrics = await signedCall(gw, "GET", "/metrics", { key: "denyall", secret: "denyall-secret" });
    assert.equal(metrics.status, 200);
    const unsigned = await request(`http://127.0.0.1:${gw.adminPort}/metrics`);
    assert.equal(unsigned.statusCode, 403);
    await unsigned.body.text();
  });
});

/** 9.9 MB: what the memory attack sent, 200 at a time. */
const BIG = 9_900_000;

function head(method: string, path: string, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** Headers of a signed POST /restapis whose body (not sent by the caller) has `bodyHash`. */
function signedHeadersFor(
  port: number,
  body: string,
  key: string,
  secret: string,
  declareHash: boolean,
): Record<string, string> {
  const signed = signRequest({
    method: "POST",
    url: `http://127.0.0.1:${port}/restapis`,
    body,
    credentials: { accessKeyId: key, secretAccessKey: secret },
    region: "us-east-1",
    service: "apigateway",
    contentSha256Header: declareHash,
  });
  return { host: `127.0.0.1:${port}`, ...signed, "content-type": "application/json" };
}

describe("admin API: bodies are read only after the signature's headers pass, within a budget", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ credentials: CREDENTIALS });
  });
  after(() => gw.close());

  const stillServes = async () => {
    const ok = await signedCall(gw, "GET", "/restapis");
    assert.equal(ok.status, 200);
  };

  test("an unsigned 9.9 MB upload is refused from its headers (403), without its body being read", {
    timeout: 30_000,
  }, async () => {
    // Only 5 bytes of the announced 9.9 MB are sent: an answer proves the server did not wait for them.
    const answer = await rawExchange(
      gw.adminPort,
      head("POST", "/restapis", {
        host: "127.0.0.1",
        "content-type": "application/json",
        "content-length": String(BIG),
      }),
      async function* () {
        yield Buffer.from('{"na');
      },
      3_000,
    );
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /x-amzn-ErrorType: MissingAuthenticationTokenException/i);
    assert.match(answer, /connection: close/i);
    await stillServes();
  });

  test("an upload signed with an unknown key is refused (UnrecognizedClientException) before its body is read", {
    timeout: 30_000,
  }, async () => {
    for (const declareHash of [false, true]) {
      const body = `{"name":"${"x".repeat(100)}"}`;
      const headers = signedHeadersFor(gw.adminPort, body, "AKIDUNKNOWN", "whatever", declareHash);
      const answer = await rawExchange(
        gw.adminPort,
        head("POST", "/restapis", { ...headers, "content-length": String(BIG) }),
        async function* () {
          yield Buffer.from(body.slice(0, 10));
        },
        3_000,
      );
      assert.match(answer, /^HTTP\/1\.1 403 /);
      assert.match(answer, /x-amzn-ErrorType: UnrecognizedClientException/i);
    }
    await stillServes();
  });

  test("with a declared payload hash, a forged signature or a denied key is refused before the body is read", {
    timeout: 30_000,
  }, async () => {
    const body = `{"name":"declared"}`;
    for (const [key, secret, type] of [
      ["test", "wrong-secret", "InvalidSignatureException"],
      ["denyall", "denyall-secret", "AccessDeniedException"],
    ] as const) {
      const headers = signedHeadersFor(gw.adminPort, body, key, secret, true);
      const answer = await rawExchange(
        gw.adminPort,
        head("POST", "/restapis", { ...headers, "content-length": String(BIG) }),
        async function* () {
          yield Buffer.from(body.slice(0, 5));
        },
        3_000,
      );
      assert.match(answer, /^HTTP\/1\.1 403 /);
      assert.match(answer, new RegExp(`x-amzn-ErrorType: ${type}`, "i"));
    }
    await stillServes();
  });

  test("a body that does not match its declared payload hash is refused once read", async () => {
    const declared = signedHeadersFor(gw.adminPort, `{"name":"declared"}`, "test", "test", true);
    const sent = `{"name":"swapped!"}`;
    const r = await request(`http://127.0.0.1:${gw.adminPort}/restapis`, {
      method: "POST",
      headers: { ...declared, "content-length": String(sent.length) },
      body: sent,
    });
    assert.equal(r.statusCode, 403);
    assert.equal(r.headers["x-amzn-errortype"], "InvalidSignatureException");
    await r.body.text();
  });
});

/** A signed upload held open after part of its body, once the server invited the rest (100 Continue). */
function heldUpload(port: number, body: string) {
  const headers = signedHeadersFor(port, body, "test", "test", false);
  const socket = connect(port, "127.0.0.1");
  const received: Buffer[] = [];
  const closed = new Promise<void>((ok) => socket.on("close", () => ok()));
  socket.on("error", () => undefined);
  const invited = new Promise<void>((ok) => {
    socket.on("data", (d) => {
      received.push(d);
      if (Buffer.concat(received).toString("latin1").includes("100 Continue")) ok();
    });
  });
  socket.write(
    head("POST", "/restapis", {
      ...headers,
      "content-length": String(Buffer.byteLength(body)),
      expect: "100-continue",
      connection: "close",
    }),
  );
  return {
    invited,
    async finish(): Promise<string> {
      socket.write(body);
      await closed;
      return Buffer.concat(received).toString("latin1");
    },
  };
}

describe("admin API: a bound on the body bytes held at once", () => {
  const BUDGET = 50_000;
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ credentials: CREDENTIALS, adminBodyBudgetBytes: BUDGET });
  });
  after(() => gw.close());

  test("uploads beyond the in-flight budget get 429 TooManyRequestsException; served again once it frees", {
    timeout: 30_000,
  }, async () => {
    // An unknown field pads the body: CreateRestApi ignores it, the budget does not.
    const hogBody = JSON.stringify({ name: "hog", padding: "p".repeat(BUDGET - 30) });
    const hog = heldUpload(gw.adminPort, hogBody);
    await hog.invited;

    const small = JSON.stringify({ name: "small" });
    const refused = await signedCall(gw, "POST", "/restapis", { body: small });
    assert.equal(refused.status, 429);
    assert.equal(refused.type, "TooManyRequestsException");
    assert.deepEqual(JSON.parse(refused.text), { message: "Too Many Requests" });
    assert.equal(refused.headers["retry-after"], "1");
    // Requests without a body need no budget.
    assert.equal((await signedCall(gw, "GET", "/restapis")).status, 200);

    assert.match(await hog.finish(), /HTTP\/1\.1 201 /);
    const served = await signedCall(gw, "POST", "/restapis", { body: small });
    assert.equal(served.status, 201);
    const names = JSON.parse((await signedCall(gw, "GET", "/restapis")).text).item.map(
      (a: { name: string }) => a.name,
    );
    assert.deepEqual(names.sort(), ["hog", "small"]);
  });
});
