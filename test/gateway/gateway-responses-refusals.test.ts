import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

// AWS applies an API's customised gateway responses to every refusal of their type, and DEFAULT_4XX /
// DEFAULT_5XX to every type without its own setting
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html):
// CORS headers on DEFAULT_4XX reach authorizer 401s and 403s, policy denials and IAM refusals too.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const MOCK = `x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200" } }`;

const api = (customisation: string) => `
openapi: 3.0.1
info: { title: Refusals, version: "1" }
x-amazon-apigateway-gateway-responses:
${customisation}
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: execute-api:/* }
    - { Effect: Deny, Principal: "*", Action: execute-api:Invoke, Resource: execute-api:/*/GET/closed }
components:
  securitySchemes:
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: "${invocationArn("tokenAuthorizer")}"
        authorizerResultTtlInSeconds: 0
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /me:
    get:
      security: [{ token: [] }]
      ${MOCK}
  /closed:
    get:
      ${MOCK}
  /signed:
    get:
      security: [{ sigv4: [] }]
      ${MOCK}
`;

const CORS = `  DEFAULT_4XX:
    responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "'*'" }
  DEFAULT_5XX:
    responseParameters: { gatewayresponse.header.X-Failed: "'yes'" }`;

const TEMPLATED = `  ACCESS_DENIED:
    statusCode: "401"
    responseParameters: { gatewayresponse.header.X-Denied: "'1'" }
    responseTemplates:
      application/json: '{"why": $context.error.messageString, "type": "$context.error.responseType"}'`;

describe("customised gateway responses apply to every refusal of their type", () => {
  let gw: TestGateway;
  let cors: string;
  let templated: string;
  let plain: string;
  before(async () => {
    gw = await startTestGateway({
      functions: { tokenAuthorizer: { handler: join(FIXTURES, "handlers.tokenAuthorizer") } },
    });
    cors = await gw.deployRest(api(CORS), "prod");
    templated = await gw.deployRest(api(TEMPLATED), "prod");
    plain = await gw.deployRest(api("  {}"), "prod");
  });
  after(() => gw.close());

  const me = (id: string, authorization?: string) =>
    gw.call(id, "/prod/me", { headers: authorization === undefined ? {} : { authorization } });

  test("DEFAULT_4XX reaches the authorizer's 401 and 403, a policy's 403 and IAM's 403", async () => {
    const refusals = [
      await me(cors),
      await me(cors, "Bearer deny"),
      await gw.call(cors, "/prod/closed"),
      await gw.call(cors, "/prod/signed"),
    ];
    assert.deepEqual(
      refusals.map((r) => r.status),
      [401, 403, 403, 403],
    );
    for (const r of refusals) assert.equal(r.headers["access-control-allow-origin"], "*", r.text);
    assert.equal((await me(cors, "Bearer allow")).status, 200);
  });

  test("DEFAULT_5XX reaches the authorizer's configuration error", async () => {
    const r = await me(cors, "Bearer broken");
    assert.equal(r.status, 500);
    assert.equal(r.headers["x-failed"], "yes");
  });

  test("a customised ACCESS_DENIED renders each denial's own message through its template, with its status", async () => {
    const policy = await gw.call(templated, "/prod/closed");
    assert.equal(policy.status, 401);
    assert.equal(policy.headers["x-denied"], "1");
    const body = JSON.parse(policy.text) as { why: string; type: string };
    assert.equal(body.type, "ACCESS_DENIED");
    assert.match(
      body.why,
      /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:.*\/prod\/GET\/closed/,
    );
    const authorizer = JSON.parse((await me(templated, "Bearer deny")).text) as { why: string };
    assert.equal(authorizer.why, "User is not authorized to access this resource with an explicit deny");
  });

  test("without customisation the bytes are AWS's built-in answers", async () => {
    const denied = await gw.call(plain, "/prod/closed");
    assert.equal(denied.status, 403);
    assert.equal(denied.headers["x-amzn-errortype"], "AccessDeniedException");
    assert.match(denied.text, /^\{"Message":"User: anonymous is not authorized/);
    const unauthorized = await me(plain);
    assert.equal(unauthorized.text, '{"message":"Unauthorized"}');
    assert.equal(unauthorized.headers["access-control-allow-origin"], undefined);
  });
});
