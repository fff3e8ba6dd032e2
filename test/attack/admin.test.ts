import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteRestApiCommand,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateStageCommand as CreateHttpStageCommand,
  CreateRouteCommand,
  GetApiCommand,
  GetApisCommand,
  GetStagesCommand as GetHttpStagesCommand,
  GetRoutesCommand,
  UpdateApiCommand,
} from "@aws-sdk/client-apigatewayv2";
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

  test("a malformed percent-escape in an admin path is NotFoundException, not an internal error", async () => {
    const r = await signedCall(gw, "GET", "/restapis/%E0%A4%A");
    assert.equal(r.status, 404);
    assert.equal(r.type, "NotFoundException");
    await stillServesSigned(gw);
  });

  test("a key with an empty policies list may do nothing", async () => {
    const nobody = restClient(gw, "empty", "empty-secret");
    const denied = await rejection(nobody.send(new GetRestApisCommand({})));
    assert.equal(denied.name, "AccessDeniedException");
    nobody.destroy();
  });

  test("the account root and keys without policies keep full access; /health and /metrics answer without signatures", async () => {
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
    // Prometheus signs nothing: /metrics is answered without SigV4 (DESIGN.md's admin plane).
    const unsigned = await request(`http://127.0.0.1:${gw.adminPort}/metrics`);
    assert.equal(unsigned.statusCode, 200);
    await unsigned.body.text();
  });
});

async function stillServesSigned(gw: TestGateway) {
  assert.equal((await signedCall(gw, "GET", "/restapis")).status, 200);
}

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

  test("a signed chunked upload past 10 MB: a 413 the client reads while it is still sending", {
    timeout: 30_000,
  }, async () => {
    const headers = signedHeadersFor(gw.adminPort, "{}", "test", "test", false);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const answer = await rawExchange(
      gw.adminPort,
      head("POST", "/restapis", { ...headers, "transfer-encoding": "chunked" }),
      async function* () {
        for (let i = 0; i < 200; i++)
          yield Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
      },
      20_000,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /Request entity too large/);
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

/** A syntactically valid resource policy of exactly `length` characters (the Sid pads it). */
function policyOfLength(length: number): string {
  const shape = (sid: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: sid, Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }],
    });
  return shape("S".repeat(length - shape("").length));
}

describe("admin API: AWS's control-plane quotas on sizes and counts", () => {
  let gw: TestGateway;
  let rest: APIGatewayClient;
  let http: ApiGatewayV2Client;
  before(async () => {
    gw = await startTestGateway();
    // A LimitExceededException is a 429, which the SDKs would retry: one attempt shows it as it is.
    rest = new APIGatewayClient({ ...adminClientConfig(gw), maxAttempts: 1 });
    http = new ApiGatewayV2Client({ ...adminClientConfig(gw), maxAttempts: 1 });
  });
  after(async () => {
    rest.destroy();
    http.destroy();
    await gw.close();
  });

  test("a resource policy over 8,192 characters (or of 7.4 MB) is refused on create and update; the API keeps its own", async () => {
    const atLimit = policyOfLength(8192);
    assert.equal(atLimit.length, 8192);
    const api = await rest.send(new CreateRestApiCommand({ name: "policed", policy: atLimit }));
    for (const policy of [policyOfLength(8193), policyOfLength(7_400_000)]) {
      const created = await rejection(rest.send(new CreateRestApiCommand({ name: "too-big", policy })));
      assert.equal(created.name, "BadRequestException");
      assert.match(created.message, /over the maximum of 8192/);
      const updated = await rejection(
        rest.send(
          new UpdateRestApiCommand({
            restApiId: api.id,
            patchOperations: [{ op: "replace", path: "/policy", value: policy }],
          }),
        ),
      );
      assert.equal(updated.name, "BadRequestException");
    }
    // The wire carries the policy escaped as the inside of a JSON string, as AWS does.
    const kept = (await rest.send(new GetRestApiCommand({ restApiId: api.id }))).policy ?? "";
    assert.deepEqual(JSON.parse(JSON.parse(`"${kept}"`)), JSON.parse(atLimit));
    const names = (await rest.send(new GetRestApisCommand({}))).items?.map((a) => a.name);
    assert.deepEqual(names, ["policed"]);
  });

  test("a 5 MB API name or an over-long description is refused (REST and HTTP); the API keeps its own", async () => {
    const huge = "n".repeat(5 * 1024 * 1024);
    const message =
      "1 validation error detected: Value at 'name' failed to satisfy constraint: " +
      "Member must have length less than or equal to 128";
    const created = await rejection(rest.send(new CreateRestApiCommand({ name: huge })));
    assert.equal(created.name, "BadRequestException");
    assert.equal(created.message, message);
    assert.equal(
      (await rejection(rest.send(new CreateRestApiCommand({ name: "d", description: "d".repeat(1025) }))))
        .name,
      "BadRequestException",
    );
    const api = await rest.send(
      new CreateRestApiCommand({ name: "n".repeat(128), description: "d".repeat(1024) }),
    );
    for (const [path, value] of [
      ["/name", "n".repeat(129)],
      ["/description", "d".repeat(1025)],
    ] as const) {
      const patched = await rejection(
        rest.send(
          new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: "replace", path, value }] }),
        ),
      );
      assert.equal(patched.name, "BadRequestException");
    }
    const back = await rest.send(new GetRestApiCommand({ restApiId: api.id }));
    assert.equal(back.name, "n".repeat(128));
    assert.equal(back.description, "d".repeat(1024));

    const v2 = await rejection(http.send(new CreateApiCommand({ Name: huge, ProtocolType: "HTTP" })));
    assert.equal(v2.name, "BadRequestException");
    assert.equal(v2.message, message);
    const httpApi = await http.send(new CreateApiCommand({ Name: "h", ProtocolType: "HTTP" }));
    const renamed = await rejection(http.send(new UpdateApiCommand({ ApiId: httpApi.ApiId, Name: huge })));
    assert.equal(renamed.name, "BadRequestException");
    assert.equal((await http.send(new GetApiCommand({ ApiId: httpApi.ApiId }))).Name, "h");
  });

  /** A REST API with one MOCK method, deployable. */
  async function deployableApi(name: string): Promise<string> {
    const api = await rest.send(new CreateRestApiCommand({ name }));
    const rootId = api.rootResourceId!;
    await rest.send(
      new PutMethodCommand({
        restApiId: api.id,
        resourceId: rootId,
        httpMethod: "GET",
        authorizationType: "NONE",
      }),
    );
    await rest.send(
      new PutIntegrationCommand({ restApiId: api.id, resourceId: rootId, httpMethod: "GET", type: "MOCK" }),
    );
    return api.id!;
  }

  test("stage variables beyond AWS's rules (100 × name 64 / value 512, its characters) are refused; the stage keeps its own", async () => {
    const apiId = await deployableApi("variables");
    const deployment = await rest.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "dev",
        variables: { ok: "a-b.c_d~e:f/g?h#i&j=k,l m" },
      }),
    );
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, "x"]));
    const refused: Array<[Record<string, string>, RegExp]> = [
      [tooMany, /at most 100/],
      [{ ["k".repeat(65)]: "x" }, /longer than 64 characters/],
      [
        { "bad-name": "x" },
        /^Invalid stage variable name: bad-name\. {2}Please use names with only word characters\.$/,
      ],
      [{ long: "v".repeat(513) }, /longer than 512 characters/],
      [
        { quote: 'say "hi"' },
        /^Invalid stage variable value: say "hi"\. {2}Please use values with alphanumeric/,
      ],
      [{ empty: "" }, /^Invalid stage variable value: \./],
    ];
    for (const [variables, message] of refused) {
      for (const attempt of [
        () => rest.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "dev", variables })),
        () =>
          rest.send(
            new CreateStageCommand({
              restApiId: apiId,
              stageName: "other",
              deploymentId: deployment.id,
              variables,
            }),
          ),
      ]) {
        const err = await rejection(attempt());
        assert.equal(err.name, "BadRequestException");
        assert.match(err.message, message);
      }
    }
    const patches = await rejection(
      rest.send(
        new UpdateStageCommand({
          restApiId: apiId,
          stageName: "dev",
          patchOperations: [
            { op: "replace", path: "/variables/fine", value: "1" },
            { op: "replace", path: "/variables/worse", value: "<script>" },
          ],
        }),
      ),
    );
    assert.equal(patches.name, "BadRequestException");
    const many = await rejection(
      rest.send(
        new UpdateStageCommand({
          restApiId: apiId,
          stageName: "dev",
          patchOperations: Array.from({ length: 100 }, (_, i) => ({
            op: "replace",
            path: `/variables/p${i}`,
            value: "1",
          })),
        }),
      ),
    );
    assert.match(many.message, /at most 100/);
    const stage = await rest.send(new GetStageCommand({ restApiId: apiId, stageName: "dev" }));
    assert.deepEqual(stage.variables, { ok: "a-b.c_d~e:f/g?h#i&j=k,l m" });
    assert.deepEqual(
      (await rest.send(new GetStagesCommand({ restApiId: apiId }))).item?.map((s) => s.stageName),
      ["dev"],
    );
  });

  test("the 11th stage of an API is LimitExceededException (REST and HTTP)", async () => {
    const apiId = await deployableApi("staged");
    let deploymentId = "";
    for (let i = 1; i <= 10; i++) {
      deploymentId = (await rest.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: `s${i}` })))
        .id!;
    }
    for (const attempt of [
      () => rest.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "s11" })),
      () => rest.send(new CreateStageCommand({ restApiId: apiId, stageName: "s11", deploymentId })),
    ]) {
      const err = await rejection(attempt());
      assert.equal(err.name, "LimitExceededException");
      assert.equal((err.$metadata as { httpStatusCode: number }).httpStatusCode, 429);
      assert.equal(
        err.message,
        "Maximum number of Stages for this API has been reached.  Please contact AWS if you need additional Stages.",
      );
    }
    // Redeploying an existing stage is not a new one.
    await rest.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "s10" }));
    assert.equal((await rest.send(new GetStagesCommand({ restApiId: apiId }))).item?.length, 10);

    const httpApi = await http.send(new CreateApiCommand({ Name: "staged", ProtocolType: "HTTP" }));
    for (let i = 1; i <= 10; i++)
      await http.send(new CreateHttpStageCommand({ ApiId: httpApi.ApiId, StageName: `s${i}` }));
    const v2 = await rejection(
      http.send(new CreateHttpStageCommand({ ApiId: httpApi.ApiId, StageName: "s11" })),
    );
    assert.equal(v2.name, "LimitExceededException");
    assert.equal((await http.send(new GetHttpStagesCommand({ ApiId: httpApi.ApiId }))).Items?.length, 10);
  });

  test("the 301st resource of an API and the 11th authorizer are LimitExceededException", {
    timeout: 120_000,
  }, async () => {
    const api = await rest.send(new CreateRestApiCommand({ name: "wide" }));
    // The root is one of the 300.
    for (let i = 1; i < 300; i++) {
      await rest.send(
        new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: `r${i}` }),
      );
    }
    const err = await rejection(
      rest.send(
        new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "r300" }),
      ),
    );
    assert.equal(err.name, "LimitExceededException");
    assert.equal(
      err.message,
      "Maximum number of Resources for this API has been reached.  Please contact AWS if you need additional Resources.",
    );
    const resources = await rest.send(new GetResourcesCommand({ restApiId: api.id, limit: 500 }));
    assert.equal(resources.items?.length, 300);

    const authorizer = (n: number) =>
      new CreateAuthorizerCommand({
        restApiId: api.id,
        name: `a${n}`,
        type: "TOKEN",
        authorizerUri:
          "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
        identitySource: "method.request.header.Authorization",
      });
    for (let i = 1; i <= 10; i++) await rest.send(authorizer(i));
    const eleventh = await rejection(rest.send(authorizer(11)));
    assert.equal(eleventh.name, "LimitExceededException");
    assert.equal((await rest.send(new GetAuthorizersCommand({ restApiId: api.id }))).items?.length, 10);
  });

  test("the 301st route of an HTTP API is LimitExceededException", { timeout: 120_000 }, async () => {
    const api = await http.send(new CreateApiCommand({ Name: "routes", ProtocolType: "HTTP" }));
    for (let i = 1; i <= 300; i++)
      await http.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: `GET /r${i}` }));
    const err = await rejection(
      http.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /r301" })),
    );
    assert.equal(err.name, "LimitExceededException");
    assert.equal(
      (await http.send(new GetRoutesCommand({ ApiId: api.ApiId, MaxResults: "500" }))).Items?.length,
      300,
    );
  });
});
