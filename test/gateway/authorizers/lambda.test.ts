import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { invocationArn } from "../../support/lambda-arn.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");
const arn = (name: string) => invocationArn(name);

// Shapes from AWS's "Use API Gateway Lambda authorizers" and x-amazon-apigateway-authorizer docs.
const API = `
openapi: 3.0.1
info: { title: Authorizers, version: "1" }
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
paths:
  /me:
    get:
      security: [{ token: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("echo")}" }
  /orders:
    x-amazon-apigateway-any-method:
      security: [{ request: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("echo")}" }
`;

const FUNCTIONS = {
  tokenAuthorizer: { handler: join(FIXTURES, "handlers.tokenAuthorizer") },
  requestAuthorizer: { handler: join(FIXTURES, "handlers.requestAuthorizer") },
  echo: { handler: join(FIXTURES, "handlers.echo") },
};

describe("Lambda authorizers (TOKEN and REQUEST)", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway({ functions: FUNCTIONS });
    id = await gw.deployRest(API, "prod");
  });
  after(() => gw.close());

  const me = (authorization?: string) =>
    gw.call(id, "/prod/me", { headers: authorization ? { authorization } : {} });

  test("TOKEN: allow passes principalId and context to the integration; results are cached by token", async () => {
    const first = await me("Bearer allow");
    assert.equal(first.status, 200, first.text);
    const authorizer = JSON.parse(first.text).event.requestContext.authorizer;
    assert.equal(authorizer.principalId, "user-1");
    assert.equal(authorizer.user, "alice");
    assert.equal(authorizer.admin, "false", "AWS hands context values on as strings");
    const again = await me("Bearer allow");
    assert.equal(
      JSON.parse(again.text).event.requestContext.authorizer.calls,
      authorizer.calls,
      "served from the cache",
    );
  });

  test("TOKEN: missing or malformed tokens are 401 without invoking; deny is 403; errors are 401 or 500", async () => {
    for (const auth of [undefined, "Basic abc"]) {
      const r = await me(auth);
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.text, '{"message":"Unauthorized"}');
      assert.equal(r.headers["x-amzn-errortype"], "UnauthorizedException");
    }
    const deny = await me("Bearer deny");
    assert.equal(deny.status, 403);
    assert.deepEqual(JSON.parse(deny.text), {
      Message: "User is not authorized to access this resource with an explicit deny",
    });
    assert.equal((await me("Bearer error")).status, 401, 'a function failing with "Unauthorized" is a 401');
    const broken = await me("Bearer broken");
    assert.equal(broken.status, 500);
    assert.equal(broken.headers["x-amzn-errortype"], "AuthorizerConfigurationException");
  });

  test("REQUEST: every identity source is required; a cached policy allowing one method does not allow another", async () => {
    const missing = await gw.call(id, "/prod/orders?tenant=acme");
    assert.equal(missing.status, 401);
    const get = await gw.call(id, "/prod/orders?tenant=acme", { headers: { "x-key": "k1" } });
    assert.equal(get.status, 200, get.text);
    const ctx = JSON.parse(get.text).event.requestContext.authorizer;
    assert.equal(ctx.principalId, "acme");
    assert.equal(ctx.key, "k1");
    const post = await gw.call(id, "/prod/orders?tenant=acme", {
      method: "POST",
      headers: { "x-key": "k1" },
    });
    assert.equal(post.status, 403);
    assert.deepEqual(JSON.parse(post.text), { Message: "User is not authorized to access this resource" });
    const again = await gw.call(id, "/prod/orders?tenant=acme", { headers: { "x-key": "k1" } });
    assert.equal(
      JSON.parse(again.text).event.requestContext.authorizer.calls,
      ctx.calls,
      "one invocation for the identity",
    );
  });
});

// AWS's "How API Gateway resource policies affect authorization workflow": with a Lambda authorizer
// the resource policy is evaluated in two phases — an explicit deny refuses before the authorizer
// runs; otherwise the authorizer's allow suffices where the resource policy is silent (Table A). A
// method without an authorizer still needs the resource policy's explicit allow.
const POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { IpAddress: { "aws:SourceIp": ["192.0.2.0/24"] } },
    },
    {
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringLike: { "aws:UserAgent": "blocked-*" } },
    },
  ],
};
const WITH_POLICY = `${API.replace("title: Authorizers", "title: AuthorizersWithPolicy")}
  /open:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${arn("echo")}" }
x-amazon-apigateway-policy: ${JSON.stringify(POLICY)}
`;

describe("Lambda authorizers with a resource policy", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway({ functions: FUNCTIONS });
    id = await gw.deployRest(WITH_POLICY, "prod");
  });
  after(() => gw.close());

  test("an explicit deny in the resource policy refuses before the authorizer is invoked", async () => {
    const blocked = await gw.call(id, "/prod/me", {
      headers: { authorization: "Bearer deny", "user-agent": "blocked-bot" },
    });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.headers["x-amzn-errortype"], "AccessDeniedException");
    assert.match(
      JSON.parse(blocked.text).Message,
      /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:\w+\/prod\/GET\/me with an explicit deny$/,
    );
    const allowed = await gw.call(id, "/prod/me", { headers: { authorization: "Bearer allow" } });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(
      JSON.parse(allowed.text).event.requestContext.authorizer.calls,
      "1",
      "the blocked request never reached the authorizer",
    );
  });

  test("the authorizer's allow suffices where the resource policy is silent; its deny still refuses", async () => {
    const ok = await gw.call(id, "/prod/me", { headers: { authorization: "Bearer allow" } });
    assert.equal(ok.status, 200, ok.text);
    const deny = await gw.call(id, "/prod/me", { headers: { authorization: "Bearer deny" } });
    assert.equal(deny.status, 403);
    assert.deepEqual(JSON.parse(deny.text), {
      Message: "User is not authorized to access this resource with an explicit deny",
    });
  });

  test("a method without an authorizer needs the resource policy's explicit allow", async () => {
    const r = await gw.call(id, "/prod/open");
    assert.equal(r.status, 403);
    assert.match(JSON.parse(r.text).Message, /^User: anonymous is not authorized .*\/prod\/GET\/open$/);
  });
});
