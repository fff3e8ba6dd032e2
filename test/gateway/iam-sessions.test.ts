import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, GetResourcesCommand, TestInvokeMethodCommand } from "@aws-sdk/client-api-gateway";
import { request } from "undici";
import { SessionKeyring } from "../../src/auth/iam/session-key.ts";
import { presignUrl, signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { capturingLog } from "../support/capturing-log.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ACCOUNT, ALICE, CREDENTIALS, ROLES, roleArn, userArn } from "../support/iam-fixture.ts";
import { invocationArn } from "../support/lambda-arn.ts";
import { assumeRole, type Credentials } from "../support/sts.ts";

/**
 * Temporary credentials on IAM-authorized methods: requests signed with them are the assumed-role
 * session, authorized by the role's permission policies intersected with the session policy, with
 * AWS's refusals for expired and invalid tokens and the session in `$context.identity` and proxy events.
 */

const IDENTITY = `{"caller": "$context.identity.caller", "user": "$context.identity.user", "userArn": "$context.identity.userArn", "accountId": "$context.identity.accountId", "accessKey": "$context.identity.accessKey"}`;
const ECHO = join(import.meta.dirname, "..", "fixtures", "functions", "handlers.echo");

// Each operation names its security: API Gateway's import reads it per operation.
const mock = (template = '{"ok":true}') =>
  `{ type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200", responseTemplates: { application/json: '${template}' } } } }`;

const API = `
openapi: 3.0.1
info: { title: Sessions, version: "1" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /pets:
    get: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock(IDENTITY)} }
    post: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock()} }
  /secret:
    get: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock()} }
  /other:
    get: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock()} }
  /event:
    get:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}" }
`;

const sessionArn = (role: string, session: string) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`;

// A resource policy granting to the guest role (every session of it), and to one session by its ARN.
const SHARED = `
openapi: 3.0.1
info: { title: Shared, version: "1" }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: { AWS: "${roleArn("guest")}" }, Action: execute-api:Invoke, Resource: "execute-api:/prod/GET/by-role" }
    - { Effect: Allow, Principal: { AWS: "${sessionArn("guest", "named")}" }, Action: execute-api:Invoke, Resource: "execute-api:/*/GET/by-session" }
    - { Sid: NoOne, Effect: Deny, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*/GET/closed" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /by-role:
    get: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock()} }
  /by-session:
    get: { security: [{ sigv4: [] }], x-amazon-apigateway-integration: ${mock()} }
  /closed:
    get: { x-amazon-apigateway-integration: ${mock()} }
`;

const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ONLY_S3 = policy({ Effect: "Allow", Action: "s3:*", Resource: "*" });

describe("temporary credentials on AWS_IAM methods", () => {
  let gw: TestGateway;
  let id: string;
  let shared: string;
  const captured = capturingLog("debug");
  before(async () => {
    gw = await startTestGateway(
      {
        credentials: CREDENTIALS,
        roles: [
          ...ROLES,
          {
            arn: roleArn("guest"),
            trustPolicy: {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Principal: { AWS: userArn("alice") }, Action: "sts:AssumeRole" },
              ],
            },
          },
        ],
        functions: { echo: { handler: ECHO, timeout: 3 } },
      },
      captured.log,
    );
    id = await gw.deployRest(API, "prod");
    shared = await gw.deployRest(SHARED, "prod");
  });
  after(() => gw.close());

  const session = (name: string, extra: { Policy?: string; RoleArn?: string } = {}) =>
    assumeRole(gw.adminPort, ALICE, { RoleArn: roleArn("reader"), RoleSessionName: name, ...extra });

  async function call(api: string, method: string, path: string, credentials: Credentials) {
    const host = `${api}.execute-api.us-east-1.localhost:${gw.port}`;
    const url = `http://127.0.0.1:${gw.port}${path}`;
    const signed = signRequest({
      method,
      url,
      headers: { host },
      credentials,
      region: "us-east-1",
      service: "execute-api",
    });
    const r = await request(url, { method: method as "GET", headers: { host, ...signed } });
    return { status: r.statusCode, type: r.headers["x-amzn-errortype"], text: await r.body.text() };
  }

  test("a session of the reader role may read, as its role policy says; $context.identity is the session", async () => {
    const creds = await session("reading");
    const r = await call(id, "GET", "/prod/pets", creds);
    assert.equal(r.status, 200, r.text);
    const identity = JSON.parse(r.text);
    assert.match(identity.caller, /^AROA[A-Z2-7]{17}:reading$/);
    assert.deepEqual(identity, {
      caller: identity.caller,
      user: identity.caller,
      userArn: sessionArn("reader", "reading"),
      accountId: ACCOUNT,
      accessKey: creds.accessKeyId,
    });
    // A presigned URL carries the token in X-Amz-Security-Token.
    const host = `${id}.execute-api.us-east-1.localhost:${gw.port}`;
    const url = presignUrl({
      method: "GET",
      url: `http://127.0.0.1:${gw.port}/prod/pets`,
      headers: { host },
      credentials: creds,
      region: "us-east-1",
      service: "execute-api",
    });
    assert.match(url, /X-Amz-Security-Token=/);
    const presigned = await request(url, { headers: { host } });
    assert.equal(presigned.statusCode, 200, await presigned.body.text());
  });

  test("the role's policies refuse: an explicit deny, and what they do not allow", async () => {
    const creds = await session("refused");
    const secret = await call(id, "GET", "/prod/secret", creds);
    assert.equal(secret.status, 403);
    assert.equal(secret.type, "AccessDeniedException");
    const arn = (m: string, p: string) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/prod/${m}/${p}`;
    assert.deepEqual(JSON.parse(secret.text), {
      Message: `User: ${sessionArn("reader", "refused")} is not authorized to perform: execute-api:Invoke on resource: ${arn("GET", "secret")} with an explicit deny`,
    });
    const post = await call(id, "POST", "/prod/pets", creds);
    assert.deepEqual(JSON.parse(post.text), {
      Message: `User: ${sessionArn("reader", "refused")} is not authorized to perform: execute-api:Invoke on resource: ${arn("POST", "pets")}`,
    });
  });

  test("a session policy narrows the role: effective = role ∩ session, an explicit deny in it wins", async () => {
    const narrow = await session("narrow", {
      Policy: policy({
        Effect: "Allow",
        Action: "execute-api:Invoke",
        Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${id}/prod/GET/pets`,
      }),
    });
    assert.equal((await call(id, "GET", "/prod/pets", narrow)).status, 200);
    const other = await call(id, "GET", "/prod/other", narrow);
    assert.equal(other.status, 403, "the role allows it, the session policy does not");
    assert.doesNotMatch(JSON.parse(other.text).Message, /explicit deny/);
    // A session policy cannot grant what the role does not: POST is still refused.
    const wide = await session("wide", { Policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }) });
    assert.equal((await call(id, "POST", "/prod/pets", wide)).status, 403);
    assert.equal((await call(id, "GET", "/prod/other", wide)).status, 200);
    const denying = await session("denying", {
      Policy: policy(
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Sid: "NoPets", Effect: "Deny", Action: "execute-api:Invoke", Resource: "*/prod/GET/pets" },
      ),
    });
    const pets = await call(id, "GET", "/prod/pets", denying);
    assert.equal(pets.status, 403);
    assert.match(JSON.parse(pets.text).Message, /with an explicit deny$/);
    const trace = captured.lines.join("\n");
    assert.match(trace, /Policy: explicit deny in the session policy \(NoPets\)/);
    assert.match(
      trace,
      /Policy: allowed by the identity policy \(Read\) and the session policy \(Statement\[0\]\)/,
    );
  });

  test("expired and invalid tokens answer AWS's 403s", async () => {
    const keyring = await SessionKeyring.open(gw.portico.store);
    const hourAgo = Date.now() - 3_600_000;
    const expired = keyring.current.issue({
      roleArn: roleArn("reader"),
      sessionName: "over",
      issuedAt: hourAgo - 900_000,
      expiresAt: hourAgo,
      sourceArn: userArn("alice"),
    });
    keyring.close();
    const r = await call(id, "GET", "/prod/pets", expired);
    assert.equal(r.status, 403);
    assert.equal(r.type, "ExpiredTokenException");
    assert.equal(r.text, '{"message":"The security token included in the request is expired"}');
    const valid = await session("valid");
    const token = valid.sessionToken!;
    const tampered = `${token.slice(0, 30)}${token[30] === "A" ? "B" : "A"}${token.slice(31)}`;
    const bad = await call(id, "GET", "/prod/pets", { ...valid, sessionToken: tampered });
    assert.equal(bad.status, 403);
    assert.equal(bad.type, "UnrecognizedClientException");
    assert.equal(bad.text, '{"message":"The security token included in the request is invalid."}');
    const none = await call(id, "GET", "/prod/pets", {
      accessKeyId: valid.accessKeyId,
      secretAccessKey: valid.secretAccessKey,
    });
    assert.equal(none.type, "UnrecognizedClientException");
    const wrongSecret = await call(id, "GET", "/prod/pets", { ...valid, secretAccessKey: "x".repeat(40) });
    assert.equal(wrongSecret.type, "InvalidSignatureException");
    assert.equal((await call(id, "GET", "/prod/pets", valid)).status, 200);
  });

  test("a proxy event's requestContext.identity is the assumed-role caller", async () => {
    const creds = await session("proxied");
    const r = await call(id, "GET", "/prod/event", creds);
    assert.equal(r.status, 200, r.text);
    const identity = JSON.parse(r.text).event.requestContext.identity;
    assert.equal(identity.userArn, sessionArn("reader", "proxied"));
    assert.match(identity.caller, /^AROA[A-Z2-7]{17}:proxied$/);
    assert.equal(identity.user, identity.caller);
    assert.equal(identity.accessKey, creds.accessKeyId);
    assert.equal(identity.accountId, ACCOUNT);
  });

  test("resource policies naming the role grant every session of it, limited by a session policy; naming the session, not limited", async () => {
    const guest = (name: string, Policy?: string) =>
      assumeRole(gw.adminPort, ALICE, {
        RoleArn: roleArn("guest"),
        RoleSessionName: name,
        ...(Policy ? { Policy } : {}),
      });
    const plain = await guest("plain");
    assert.equal((await call(shared, "GET", "/prod/by-role", plain)).status, 200, "granted to the role");
    assert.equal(
      (await call(shared, "GET", "/prod/by-session", plain)).status,
      403,
      "granted to another session only",
    );
    const limited = await guest("limited", ONLY_S3);
    assert.equal(
      (await call(shared, "GET", "/prod/by-role", limited)).status,
      403,
      "the session policy limits the role's grant",
    );
    const named = await guest("named", ONLY_S3);
    assert.equal(
      (await call(shared, "GET", "/prod/by-session", named)).status,
      200,
      "a grant to the session itself is not limited",
    );
    assert.match(
      captured.lines.join("\n"),
      /allowed by the resource policy \(Statement\[1\]\), which names this session/,
    );
  });

  test("an HTTP API's AWS_IAM route takes temporary credentials too", async () => {
    const http = await gw.deployHttp(
      `
openapi: 3.0.1
info: { title: HttpSessions, version: "1" }
components:
  securitySchemes:
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /items:
    get:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/", payloadFormatVersion: "1.0" }
`,
      "prod",
    );
    const creds = await session("http-route");
    // Allowed through IAM, the route then calls a backend that is not there: 503 is past authorization.
    const allowed = await call(http, "GET", "/prod/items", creds);
    assert.notEqual(allowed.status, 403, allowed.text);
    const narrow = await session("http-narrow", { Policy: ONLY_S3 });
    const refused = await call(http, "GET", "/prod/items", narrow);
    assert.equal(refused.status, 403);
    assert.equal(refused.type, "ForbiddenException", "HTTP APIs' ACCESS_DENIED");
  });

  test("test-invoke-method's log names the policy and statement that decided", async () => {
    const client = new APIGatewayClient(adminClientConfig(gw));
    const resources = await client.send(new GetResourcesCommand({ restApiId: shared }));
    const closed = resources.items!.find((r) => r.path === "/closed")!;
    const out = await client.send(
      new TestInvokeMethodCommand({ restApiId: shared, resourceId: closed.id!, httpMethod: "GET" }),
    );
    assert.equal(out.status, 403);
    assert.match(
      out.log ?? "",
      /Policy: explicit deny in the resource policy \(NoOne\): User: anonymous is not authorized/,
    );
  });

  test("no secret key or token is logged, the debug traces included", async () => {
    const creds = await session("secretive");
    await call(id, "GET", "/prod/pets", creds);
    const logged = captured.lines.join("\n");
    assert.ok(logged.includes("assumed-role/reader/secretive"), "the trace was logged");
    assert.ok(!logged.includes(creds.secretAccessKey));
    assert.ok(!logged.includes(creds.sessionToken!));
  });
});
