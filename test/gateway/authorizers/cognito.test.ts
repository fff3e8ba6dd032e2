import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { startTestGateway, type TestGateway } from "../../support/gateway.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");
const POOL = "us-east-1_AbCdEf123";

let cognito: Server;
let base: string;
let signing: CryptoKey;
const jwks: { keys: JWK[] } = { keys: [] };
let gw: TestGateway;
let id: string;

before(async () => {
  const pair = await generateKeyPair("RS256");
  signing = pair.privateKey;
  jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: "pool-key", alg: "RS256", use: "sig" });
  // A stand-in for the user pool's public endpoint (its JWKS), as PORTICO_COGNITO_ENDPOINT allows.
  cognito = createServer((req, res) => {
    const found = req.url === `/${POOL}/.well-known/jwks.json`;
    res
      .writeHead(found ? 200 : 404, { "content-type": "application/json" })
      .end(JSON.stringify(found ? jwks : {}));
  });
  await new Promise<void>((ok) => cognito.listen(0, "127.0.0.1", () => ok()));
  base = `http://127.0.0.1:${(cognito.address() as AddressInfo).port}`;
  process.env.PORTICO_COGNITO_ENDPOINT = base;
  gw = await startTestGateway({ functions: { echo: { handler: join(FIXTURES, "handlers.echo") } } });
  id = await gw.deployRest(
    `openapi: 3.0.1
info: { title: Cognito, version: "1" }
components:
  securitySchemes:
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}"]
paths:
  /profile:
    get:
      security: [{ pool: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations" }
  /orders:
    get:
      security: [{ pool: ["orders/read"] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations" }
`,
    "prod",
  );
});
after(async () => {
  delete process.env.PORTICO_COGNITO_ENDPOINT;
  await gw.close();
  await new Promise((ok) => cognito.close(ok));
});

const token = (claims: Record<string, unknown>, issuer = `${base}/${POOL}`) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "pool-key" })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(signing);

test("an ID token from the pool passes; its claims reach the integration", async () => {
  const r = await gw.call(id, "/prod/profile", {
    headers: { authorization: await token({ sub: "u-1", email: "a@example.com", token_use: "id" }) },
  });
  assert.equal(r.status, 200, r.text);
  const claims = JSON.parse(r.text).event.requestContext.authorizer.claims;
  assert.equal(claims.sub, "u-1");
  assert.equal(claims.email, "a@example.com");
});

test("missing tokens, other issuers and missing scopes are 401", async () => {
  assert.equal((await gw.call(id, "/prod/profile")).status, 401);
  const other = await token({ sub: "x", token_use: "id" }, `${base}/us-east-1_Other`);
  assert.equal((await gw.call(id, "/prod/profile", { headers: { authorization: other } })).status, 401);
  const idToken = await token({ sub: "u-1", token_use: "id" });
  assert.equal(
    (await gw.call(id, "/prod/orders", { headers: { authorization: idToken } })).status,
    401,
    "scoped methods need an access token",
  );
  const access = await token({ sub: "u-1", token_use: "access", scope: "orders/read" });
  assert.equal((await gw.call(id, "/prod/orders", { headers: { authorization: access } })).status, 200);
});
