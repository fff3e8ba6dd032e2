import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { adminClientConfig, startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { type JwtIssuer, startJwtIssuer } from "../../support/jwt-issuer.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");

describe("HTTP API JWT authorizers against a real issuer (OpenID discovery + JWKS on loopback)", () => {
  let jwt: JwtIssuer;
  let issuer: string;
  let jwks: { keys: JWK[] };
  let key1: CryptoKey;
  let gw: TestGateway;
  let apiId: string;

  const mint = async (
    claims: Record<string, unknown>,
    opts: { key?: CryptoKey; kid?: string; exp?: string | number } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? "k1" })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "5m")
      .sign(opts.key ?? key1);

  before(async () => {
    jwt = await startJwtIssuer();
    issuer = jwt.url;
    key1 = jwt.key;
    jwks = jwt.jwks;

    gw = await startTestGateway({ functions: { echo: { handler: join(FIXTURES, "handlers.echo") } } });
    const client = new ApiGatewayV2Client(adminClientConfig(gw));
    try {
      const api = await client.send(new CreateApiCommand({ Name: "Jwt", ProtocolType: "HTTP" }));
      apiId = api.ApiId!;
      const integration = await client.send(
        new CreateIntegrationCommand({
          ApiId: apiId,
          IntegrationType: "AWS_PROXY",
          IntegrationUri: "arn:aws:lambda:us-east-1:000000000000:function:echo",
          PayloadFormatVersion: "2.0",
        }),
      );
      const authorizer = await client.send(
        new CreateAuthorizerCommand({
          ApiId: apiId,
          Name: "jwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
          JwtConfiguration: { Issuer: issuer, Audience: ["my-app"] },
        }),
      );
      for (const [routeKey, scopes] of [
        ["GET /me", undefined],
        ["GET /admin", ["admin"]],
      ] as const) {
        await client.send(
          new CreateRouteCommand({
            ApiId: apiId,
            RouteKey: routeKey,
            Target: `integrations/${integration.IntegrationId}`,
            AuthorizationType: "JWT",
            AuthorizerId: authorizer.AuthorizerId,
            AuthorizationScopes: scopes ? [...scopes] : undefined,
          }),
        );
      }
      await client.send(new CreateStageCommand({ ApiId: apiId, StageName: "$default", AutoDeploy: true }));
    } finally {
      client.destroy();
    }
  });
  after(async () => {
    await gw.close();
    await jwt.close();
  });

  const call = (path: string, token?: string) =>
    gw.call(apiId, path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test("a valid token passes; claims and scopes reach the integration", async () => {
    const r = await call("/me", await mint({ sub: "alice", aud: "my-app", scope: "read write" }));
    assert.equal(r.status, 200, r.text);
    const jwt = JSON.parse(r.text).event.requestContext.authorizer.jwt;
    assert.equal(jwt.claims.sub, "alice");
    assert.deepEqual(jwt.scopes, ["read", "write"]);
    const cognito = await call("/me", await mint({ sub: "bob", client_id: "my-app", token_use: "access" }));
    assert.equal(cognito.status, 200, "Cognito access tokens carry client_id instead of aud");
  });

  test("missing, expired, wrong-audience and wrong-issuer tokens are 401", async () => {
    for (const [name, token] of [
      ["missing", undefined],
      ["expired", await mint({ aud: "my-app" }, { exp: Math.floor(Date.now() / 1000) - 60 })],
      ["audience", await mint({ aud: "someone-else" })],
      ["garbage", "not.a.jwt"],
    ] as const) {
      const r = await call("/me", token);
      assert.equal(r.status, 401, name);
      assert.equal(r.text, '{"message":"Unauthorized"}');
      assert.match(String(r.headers["www-authenticate"]), /^Bearer error="invalid_token"/);
    }
  });

  test("attacks: alg none, HMAC signed with the public key, a key the issuer never published", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const payload = { iss: issuer, aud: "my-app", sub: "mallory", exp: Math.floor(Date.now() / 1000) + 300 };
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
    assert.equal((await call("/me", none)).status, 401);
    const publicPem = JSON.stringify(jwks.keys[0]);
    const hmac = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(new TextEncoder().encode(publicPem));
    assert.equal((await call("/me", hmac)).status, 401);
    const rogue = (await generateKeyPair("RS256")).privateKey;
    assert.equal((await call("/me", await mint({ aud: "my-app" }, { key: rogue, kid: "k1" }))).status, 401);
  });

  test("route scopes: a token without any required scope is 403", async () => {
    const r = await call("/admin", await mint({ aud: "my-app", scope: "read" }));
    assert.equal(r.status, 403);
    assert.equal(r.text, '{"message":"Forbidden"}');
    assert.equal((await call("/admin", await mint({ aud: "my-app", scope: "read admin" }))).status, 200);
  });

  test("rotated keys are picked up from the JWKS", async () => {
    const pair = await generateKeyPair("RS256");
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: "k2", alg: "RS256", use: "sig" });
    await new Promise((r) => setTimeout(r, 1100));
    const r = await call("/me", await mint({ aud: "my-app" }, { key: pair.privateKey, kid: "k2" }));
    assert.equal(r.status, 200, r.text);
  });
});
