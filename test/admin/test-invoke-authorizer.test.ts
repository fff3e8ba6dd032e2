import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  TestInvokeAuthorizerCommand,
  type TestInvokeAuthorizerCommandInput,
  UpdateRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { awsLogTime } from "../../src/control/aws-log-time.ts";
import { awsCli } from "../support/aws-cli.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn as arn } from "../support/lambda-arn.ts";

/**
 * TestInvokeAuthorizer (`aws apigateway test-invoke-authorizer`) runs an API's authorizer through the
 * real pipeline — real functions in worker pools, a real user pool stand-in for Cognito — and answers
 * in AWS's shape. The authorizer functions are the fixtures the data-plane authorizer tests use.
 */
const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const POOL = "us-east-1_TestInvoke1";

const API = `
openapi: 3.0.1
info: { title: TestInvokeAuthorizers, version: "1" }
components:
  securitySchemes:
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${arn("tokenAuthorizer")}"
        authorizerResultTtlInSeconds: 300
        identityValidationExpression: "^Bearer .+$"
    request:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${arn("requestAuthorizer")}"
        identitySource: method.request.header.X-Key, method.request.querystring.tenant
        authorizerResultTtlInSeconds: 300
    undeclared:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${arn("notInTheConfig")}"
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}"]
paths:
  /me:
    get:
      security: [{ token: [] }]
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200" } } }
`;

test("log times are written as AWS's execution logs write them", () => {
  assert.equal(awsLogTime(new Date(Date.UTC(2019, 8, 5, 4, 56, 39))), "Thu Sep 05 04:56:39 UTC 2019");
});

describe("TestInvokeAuthorizer", () => {
  let gw: TestGateway;
  let client: APIGatewayClient;
  let id: string;
  let ids: Record<string, string>;
  let cognito: Server;
  let base: string;
  let signing: CryptoKey;
  const jwks: { keys: JWK[] } = { keys: [] };

  before(async () => {
    const pair = await generateKeyPair("RS256");
    signing = pair.privateKey;
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" });
    // The user pool's public JWKS endpoint, stood in for locally (PORTICO_COGNITO_ENDPOINT).
    cognito = createServer((req, res) => {
      const found = req.url === `/${POOL}/.well-known/jwks.json`;
      res
        .writeHead(found ? 200 : 404, { "content-type": "application/json" })
        .end(JSON.stringify(found ? jwks : {}));
    });
    await new Promise<void>((ok) => cognito.listen(0, "127.0.0.1", () => ok()));
    base = `http://127.0.0.1:${(cognito.address() as AddressInfo).port}`;
    process.env.PORTICO_COGNITO_ENDPOINT = base;
    gw = await startTestGateway({
      functions: {
        tokenAuthorizer: { handler: join(FIXTURES, "handlers.tokenAuthorizer") },
        requestAuthorizer: { handler: join(FIXTURES, "handlers.requestAuthorizer") },
      },
    });
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(API, "prod");
    const listed = await client.send(new GetAuthorizersCommand({ restApiId: id }));
    ids = Object.fromEntries((listed.items ?? []).map((a) => [a.name!, a.id!]));
  });
  after(async () => {
    delete process.env.PORTICO_COGNITO_ENDPOINT;
    client.destroy();
    await gw.close();
    await new Promise((ok) => cognito.close(ok));
  });

  const invoke = (
    name: string,
    input: Omit<TestInvokeAuthorizerCommandInput, "restApiId" | "authorizerId"> = {},
  ) => client.send(new TestInvokeAuthorizerCommand({ restApiId: id, authorizerId: ids[name], ...input }));

  test("TOKEN, allowed: AWS's method ARN, principalId, the policy as JSON, the context; each run invokes", async () => {
    const first = await invoke("token", { headers: { Authorization: "Bearer allow" } });
    assert.equal(first.clientStatus, 200, first.log);
    assert.equal(first.principalId, "user-1");
    const policy = JSON.parse(first.policy!);
    assert.equal(policy.Statement[0].Effect, "Allow");
    assert.match(
      policy.Statement[0].Resource,
      new RegExp(`^arn:aws:execute-api:us-east-1:\\d{12}:${id}/ESTestInvoke-stage/GET/$`),
    );
    assert.deepEqual(first.authorization?.user, ["alice"]);
    assert.deepEqual(first.authorization?.admin, ["false"]);
    assert.ok(typeof first.latency === "number" && first.latency >= 0);
    const log = first.log!;
    assert.match(log, /^Execution log for request [0-9a-f-]{36}\n/);
    // AWS's line shape: `Thu Sep 05 04:56:39 UTC 2019 : Starting authorizer: 52u008 for request: …`.
    assert.match(
      log,
      new RegExp(
        `\\n[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} UTC \\d{4} : Starting authorizer: ${ids.token} for request: `,
      ),
    );
    assert.match(log, /Incoming identity: \{method\.request\.header\.Authorization=\*{6} allow\}/);
    assert.match(
      log,
      /Endpoint request body after transformations: \{"type":"TOKEN","authorizationToken":"\*+ allow"/,
    );
    assert.match(log, /Authorizer result body before parsing: \{"principalId":"user-1"/);
    assert.match(log, /Successfully completed authorizer execution/);
    assert.ok(!log.includes("Bearer allow"), "the token is masked in the log");
    // No result cache between test runs: the function counts a second call.
    const second = await invoke("token", { headers: { Authorization: "Bearer allow" } });
    assert.equal(Number(second.authorization?.calls?.[0]), Number(first.authorization?.calls?.[0]) + 1);
  });

  test("TOKEN refusals: what a client would get, and why, in the log", async () => {
    const denied = await invoke("token", { headers: { Authorization: "Bearer nope" } });
    assert.equal(denied.clientStatus, 403, denied.log);
    assert.equal(JSON.parse(denied.policy!).Statement[0].Effect, "Deny");
    assert.match(denied.log!, /User is not authorized to access this resource with an explicit deny/);

    const thrown = await invoke("token", { headers: { Authorization: "Bearer error" } });
    assert.equal(thrown.clientStatus, 401);
    assert.match(thrown.log!, /customer function error: Error: Unauthorized/);
    assert.match(thrown.log!, /Unauthorized request: /);

    const broken = await invoke("token", { headers: { Authorization: "Bearer broken" } });
    assert.equal(broken.clientStatus, 500);
    assert.equal(broken.policy, undefined);
    assert.match(broken.log!, /not a valid authorizer response/);
    assert.match(broken.log!, /Execution failed due to configuration error: Authorizer error/);

    for (const headers of [{}, { Authorization: "Token abc" }] as Record<string, string>[]) {
      const refused = await invoke("token", { headers });
      assert.equal(refused.clientStatus, 401, JSON.stringify(headers));
      assert.doesNotMatch(refused.log!, /Endpoint request body/, "the function is not invoked");
    }

    const missing = await invoke("undeclared", { headers: { Authorization: "Bearer allow" } });
    assert.equal(missing.clientStatus, 500);
    assert.match(missing.log!, /function:notInTheConfig\) is not declared under functions: in the config/);
  });

  test("REQUEST: headers, multiValueHeaders, the path's query string and stage variables reach the function", async () => {
    const allowed = await invoke("request", {
      pathWithQueryString: "/orders?tenant=acme",
      headers: { "X-Key": "k-123" },
      multiValueHeaders: { "X-Extra": ["a", "b"] },
      stageVariables: { tier: "gold" },
      additionalContext: { note: "ignored" },
    });
    assert.equal(allowed.clientStatus, 200, allowed.log);
    assert.equal(allowed.principalId, "acme");
    assert.deepEqual(allowed.authorization?.tenant, ["acme"]);
    assert.deepEqual(allowed.authorization?.key, ["k-123"]);
    const event = JSON.parse(/Endpoint request body after transformations: (.*)$/m.exec(allowed.log!)![1]!);
    assert.equal(event.type, "REQUEST");
    assert.equal(event.path, "/orders");
    assert.deepEqual(event.queryStringParameters, { tenant: "acme" });
    assert.deepEqual(event.multiValueHeaders["X-Extra"], ["a", "b"]);
    assert.deepEqual(event.stageVariables, { tier: "gold" });
    assert.equal(event.requestContext.stage, "ESTestInvoke-stage");
    // Its policy allows GET /orders only: another path is what a client there would get, 403.
    const elsewhere = await invoke("request", {
      pathWithQueryString: "/?tenant=acme",
      headers: { "X-Key": "k" },
    });
    assert.equal(elsewhere.clientStatus, 403);
    assert.equal(elsewhere.principalId, "acme");
    const noIdentity = await invoke("request", { pathWithQueryString: "/orders", headers: { "X-Key": "k" } });
    assert.equal(noIdentity.clientStatus, 401, "the tenant query string is an identity source");
  });

  test("COGNITO_USER_POOLS: a pool's token gives its claims; others are 401", async () => {
    const token = await new SignJWT({
      sub: "u-7",
      email: "u7@example.com",
      token_use: "id",
      "cognito:groups": ["a"],
    })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(`${base}/${POOL}`)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(signing);
    const ok = await invoke("pool", { headers: { Authorization: token } });
    assert.equal(ok.clientStatus, 200, ok.log);
    assert.equal(ok.claims?.sub, "u-7");
    assert.equal(ok.claims?.email, "u7@example.com");
    assert.equal(ok.claims?.["cognito:groups"], '["a"]');
    assert.equal(ok.policy, undefined);
    const bad = await invoke("pool", { headers: { Authorization: `${token.slice(0, -4)}AAAA` } });
    assert.equal(bad.clientStatus, 401);
    assert.equal(bad.claims, undefined);
  });

  test("the AWS CLI; unknown authorizers and APIs are 404, bad input 400", async () => {
    const cli = await awsCli(gw.adminPort, [
      "test-invoke-authorizer",
      "--rest-api-id",
      id,
      "--authorizer-id",
      ids.token!,
      "--headers",
      "Authorization=Bearer allow",
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    const out = cli.json as { clientStatus: number; principalId: string; policy: string; log: string };
    assert.equal(out.clientStatus, 200);
    assert.equal(out.principalId, "user-1");
    assert.equal(JSON.parse(out.policy).Statement[0].Effect, "Allow");

    const unknown = await awsCli(gw.adminPort, [
      "test-invoke-authorizer",
      "--rest-api-id",
      id,
      "--authorizer-id",
      "nosuch",
      "--headers",
      "Authorization=x",
    ]);
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /NotFoundException.*Invalid Authorizer identifier specified/);

    await assert.rejects(
      client.send(new TestInvokeAuthorizerCommand({ restApiId: "nosuchapi1", authorizerId: ids.token })),
      (e: Error) => e.name === "NotFoundException" && e.message === "Invalid API identifier specified",
    );
    const raw = (body: string) =>
      fetch(`http://127.0.0.1:${gw.adminPort}/restapis/${id}/authorizers/${ids.token}`, {
        method: "POST",
        body,
      });
    assert.equal((await raw("{}")).status, 403, "unsigned requests are refused before anything else");
    for (const bad of [
      { headers: { Authorization: 5 } },
      { multiValueHeaders: { a: "not-a-list" } },
      { pathWithQueryString: "no-slash" },
      { pathWithQueryString: "/with space" },
    ]) {
      await assert.rejects(
        invoke("token", bad as never),
        (e: Error) => e.name === "BadRequestException",
        JSON.stringify(bad),
      );
    }
    // The gateway still serves the deployed API as before.
    assert.equal((await gw.call(id, "/prod/me", { headers: { authorization: "Bearer allow" } })).status, 200);
  });
  test("only the authorizer is tested: the API's resource policy does not take part", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
      ],
    });
    await client.send(
      new UpdateRestApiCommand({
        restApiId: id,
        patchOperations: [{ op: "replace", path: "/policy", value: policy }],
      }),
    );
    const run = await invoke("token", { headers: { Authorization: "Bearer allow" } });
    assert.equal(run.clientStatus, 200, run.log);
  });
});
