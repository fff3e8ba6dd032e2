import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type JwtIssuer, startJwtIssuer } from "../support/jwt-issuer.ts";

// HTTP APIs with JWT and Lambda authorizers as SAM (AWS::Serverless::HttpApi Auth, following SAM's
// documented HttpApi JWT example) and serverless.yml (provider.httpApi.authorizers, following the
// framework's HTTP API guide) declare them, run from the template and called with real tokens from a
// loopback issuer. The issuer's URL reaches the template as a parameter, and as an environment variable.

const HANDLERS = `export async function me(event) {
  return { statusCode: 200, body: JSON.stringify({ sub: event.requestContext.authorizer?.jwt?.claims?.sub ?? null, stage: event.stageVariables?.tier ?? null }) };
}
export async function simple(event) {
  return { isAuthorized: event.headers?.authorization === "let-me-in", context: { who: "lambda" } };
}
export async function secret(event) {
  return { statusCode: 200, body: JSON.stringify({ who: event.requestContext.authorizer?.lambda?.who ?? null }) };
}
`;

const SAM = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Issuer: { Type: String }
Globals:
  Function: { Runtime: nodejs22.x, CodeUri: . }
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: live
      StageVariables: { tier: gold }
      Auth:
        DefaultAuthorizer: OAuth
        Authorizers:
          OAuth:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: !Ref Issuer, audience: [my-app] }
          Simple:
            FunctionArn: !GetAtt SimpleFunction.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            Identity: { Headers: [Authorization] }
  MeFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.me
      Events:
        Me: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /me, Method: get } }
        Admin:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /admin, Method: get, Auth: { AuthorizationScopes: [admin] } }
  SecretFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.secret
      Events:
        Secret:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /secret, Method: get, Auth: { Authorizer: Simple } }
  SimpleFunction:
    Type: AWS::Serverless::Function
    Properties: { Handler: app.simple }
`;

const SERVERLESS = `service: jwtdemo
provider:
  name: aws
  runtime: nodejs20.x
  httpApi:
    authorizers:
      issuerJwt:
        identitySource: $request.header.Authorization
        issuerUrl: \${env:TEST_ISSUER}
        audience: [my-app]
functions:
  me:
    handler: app.me
    events:
      - httpApi:
          method: GET
          path: /me
          authorizer: { name: issuerJwt }
`;

describe("HTTP API authorizers declared in templates", () => {
  let jwt: JwtIssuer;
  let issuer: string;
  let dir: string;
  let gw: TestGateway;
  const mint = (claims: Record<string, unknown>) => jwt.mint(claims);

  before(async () => {
    jwt = await startJwtIssuer();
    issuer = jwt.url;
    dir = mkdtempSync(join(tmpdir(), "portico-http-auth-"));
    for (const sub of ["sam", "sls"]) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, "app.mjs"), HANDLERS);
    }
    writeFileSync(join(dir, "sam", "template.yaml"), SAM);
    writeFileSync(join(dir, "sls", "serverless.yml"), SERVERLESS);
    process.env.TEST_ISSUER = issuer;
    gw = await startTestGateway({
      templates: [
        { template: join(dir, "sam", "template.yaml"), parameters: { Issuer: issuer } },
        { template: join(dir, "sls", "serverless.yml") },
      ],
    });
  });
  after(async () => {
    delete process.env.TEST_ISSUER;
    await gw?.close();
    await jwt?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const apiNamed = async (name: string) => {
    const found = (await gw.portico.control.listRoutes()).find((r) => r.apiName === name);
    assert.ok(found, `no API ${name}`);
    return found.apiId;
  };

  test("SAM: the default JWT authorizer, a route's scopes, a Lambda authorizer, stage variables", async () => {
    const apiId = await apiNamed("sam");
    assert.equal((await gw.call(apiId, "/live/me")).status, 401);
    const token = await mint({ sub: "ann", aud: "my-app", scope: "read" });
    const me = await gw.call(apiId, "/live/me", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(JSON.parse(me.text), { sub: "ann", stage: "gold" });
    const wrongAudience = await mint({ sub: "ann", aud: "other" });
    assert.equal(
      (await gw.call(apiId, "/live/me", { headers: { authorization: `Bearer ${wrongAudience}` } })).status,
      401,
    );
    assert.equal(
      (await gw.call(apiId, "/live/admin", { headers: { authorization: `Bearer ${token}` } })).status,
      403,
      "no admin scope",
    );
    const admin = await mint({ sub: "bob", aud: "my-app", scope: "admin" });
    assert.equal(
      (await gw.call(apiId, "/live/admin", { headers: { authorization: `Bearer ${admin}` } })).status,
      200,
    );
    assert.equal((await gw.call(apiId, "/live/secret", { headers: { authorization: "nope" } })).status, 403);
    const secret = await gw.call(apiId, "/live/secret", { headers: { authorization: "let-me-in" } });
    assert.deepEqual(JSON.parse(secret.text), { who: "lambda" });
  });

  test("serverless.yml: an httpApi JWT authorizer whose issuer comes from ${env:…}", async () => {
    const apiId = await apiNamed("dev-jwtdemo");
    assert.equal((await gw.call(apiId, "/me")).status, 401);
    const token = await mint({ sub: "cy", aud: "my-app" });
    const me = await gw.call(apiId, "/me", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200, me.text);
    assert.equal(JSON.parse(me.text).sub, "cy");
  });
});
