import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateStageCommand,
  ExportApiCommand,
  GetAuthorizersCommand,
  GetRoutesCommand,
  ImportApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import { type CryptoKey, SignJWT } from "jose";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type JwtIssuer, startJwtIssuer } from "../support/jwt-issuer.ts";
import { invocationArn } from "../support/lambda-arn.ts";

// An HTTP API whose OpenAPI document declares a JWT authorizer and a Lambda (request) authorizer the
// way AWS documents x-amazon-apigateway-authorizer for HTTP APIs (and SAM's HttpApi Auth writes it),
// imported through the admin API and called on the data plane with real tokens and a real function.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");

export function securedDocument(issuer: string, title = "Secured"): string {
  const integration = `x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("echo")}", payloadFormatVersion: "2.0" }`;
  return `
openapi: 3.0.1
info: { title: ${title}, version: "1" }
components:
  securitySchemes:
    jwt:
      type: oauth2
      flows: {}
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration: { issuer: "${issuer}", audience: [my-app] }
    lambda:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: "${invocationArn("simpleAuthorizer")}"
        authorizerPayloadFormatVersion: "2.0"
        enableSimpleResponses: true
        identitySource: $request.header.Authorization
        authorizerResultTtlInSeconds: 0
paths:
  /me:
    get:
      security: [{ jwt: [] }]
      ${integration}
  /admin:
    get:
      security: [{ jwt: [admin] }]
      ${integration}
  /secret:
    get:
      security: [{ lambda: [] }]
      ${integration}
  /open:
    get:
      ${integration}
`;
}

describe("an imported HTTP API's JWT and Lambda authorizers guard its routes", () => {
  let jwt: JwtIssuer;
  let issuer: string;
  let key: CryptoKey;
  let gw: TestGateway;
  let v2: ApiGatewayV2Client;
  let apiId: string;

  const mint = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);

  before(async () => {
    jwt = await startJwtIssuer();
    issuer = jwt.url;
    key = jwt.key;

    gw = await startTestGateway({
      functions: {
        echo: { handler: join(FIXTURES, "handlers.echo") },
        simpleAuthorizer: { handler: join(FIXTURES, "handlers.simpleAuthorizer") },
      },
    });
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    const imported = await v2.send(new ImportApiCommand({ Body: securedDocument(issuer) }));
    apiId = imported.ApiId!;
    await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: "$default", AutoDeploy: true }));
  });
  after(async () => {
    v2.destroy();
    await gw.close();
    await jwt.close();
  });

  test("the authorizers are stored as CreateAuthorizer stores the same fields", async () => {
    const imported = (await v2.send(new GetAuthorizersCommand({ ApiId: apiId }))).Items ?? [];
    assert.deepEqual(imported.map((a) => a.Name).sort(), ["jwt", "lambda"]);
    const other = (await v2.send(new CreateApiCommand({ Name: "ByHand", ProtocolType: "HTTP" }))).ApiId!;
    const byHand = [
      await v2.send(
        new CreateAuthorizerCommand({
          ApiId: other,
          Name: "jwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
          JwtConfiguration: { Issuer: issuer, Audience: ["my-app"] },
        }),
      ),
      await v2.send(
        new CreateAuthorizerCommand({
          ApiId: other,
          Name: "lambda",
          AuthorizerType: "REQUEST",
          AuthorizerUri: invocationArn("simpleAuthorizer"),
          AuthorizerPayloadFormatVersion: "2.0",
          EnableSimpleResponses: true,
          IdentitySource: ["$request.header.Authorization"],
          AuthorizerResultTtlInSeconds: 0,
        }),
      ),
    ];
    const shape = (a: object) =>
      Object.fromEntries(Object.entries(a).filter(([k]) => k !== "AuthorizerId" && k !== "$metadata"));
    for (const made of byHand) {
      const twin = imported.find((a) => a.Name === made.Name)!;
      assert.deepEqual(shape(twin), shape(made));
    }
  });

  test("routes name their authorizer: JWT with the requirement's scopes, CUSTOM for the Lambda", async () => {
    const authorizers = (await v2.send(new GetAuthorizersCommand({ ApiId: apiId }))).Items ?? [];
    const idOf = (name: string) => authorizers.find((a) => a.Name === name)!.AuthorizerId;
    const routes = (await v2.send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? [];
    const route = (key: string) => routes.find((r) => r.RouteKey === key)!;
    assert.equal(route("GET /me").AuthorizationType, "JWT");
    assert.equal(route("GET /me").AuthorizerId, idOf("jwt"));
    assert.equal(route("GET /me").AuthorizationScopes, undefined);
    assert.deepEqual(route("GET /admin").AuthorizationScopes, ["admin"]);
    assert.equal(route("GET /secret").AuthorizationType, "CUSTOM");
    assert.equal(route("GET /secret").AuthorizerId, idOf("lambda"));
    assert.equal(route("GET /open").AuthorizationType, "NONE");
    assert.equal(route("GET /open").AuthorizerId, undefined);
  });

  test("JWT routes: 401 without a valid token, claims to the integration, 403 without the route's scope", async () => {
    assert.equal((await gw.call(apiId, "/me")).status, 401);
    const wrongAudience = await mint({ sub: "eve", aud: "someone-else" });
    assert.equal(
      (await gw.call(apiId, "/me", { headers: { authorization: `Bearer ${wrongAudience}` } })).status,
      401,
    );
    const reader = await mint({ sub: "alice", aud: "my-app", scope: "read" });
    const me = await gw.call(apiId, "/me", { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(me.status, 200, me.text);
    assert.equal(JSON.parse(me.text).event.requestContext.authorizer.jwt.claims.sub, "alice");
    const denied = await gw.call(apiId, "/admin", { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(denied.status, 403);
    assert.equal(denied.text, '{"message":"Forbidden"}');
    const admin = await mint({ sub: "root", aud: "my-app", scope: "read admin" });
    assert.equal(
      (await gw.call(apiId, "/admin", { headers: { authorization: `Bearer ${admin}` } })).status,
      200,
    );
  });

  test("the Lambda route (payload 2.0, simple responses): 401 without identity, 403 refused, context passed on", async () => {
    const missing = await gw.call(apiId, "/secret");
    assert.equal(missing.status, 401);
    assert.equal(missing.text, '{"message":"Unauthorized"}');
    assert.equal((await gw.call(apiId, "/secret", { headers: { authorization: "nope" } })).status, 403);
    const ok = await gw.call(apiId, "/secret", { headers: { authorization: "let-me-in" } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(JSON.parse(ok.text).event.requestContext.authorizer, {
      lambda: { tier: "gold", route: "GET /secret", identity: "let-me-in" },
    });
    assert.equal((await gw.call(apiId, "/open")).status, 200);
  });

  test("export writes the schemes and each route's security; importing the export gives the same protection", async () => {
    const exported = await v2.send(
      new ExportApiCommand({
        ApiId: apiId,
        Specification: "OAS30",
        OutputType: "JSON",
        IncludeExtensions: true,
      }),
    );
    const doc = JSON.parse(Buffer.from(exported.body!).toString("utf8"));
    assert.deepEqual(doc.components.securitySchemes.jwt["x-amazon-apigateway-authorizer"], {
      type: "jwt",
      identitySource: "$request.header.Authorization",
      jwtConfiguration: { issuer, audience: ["my-app"] },
    });
    assert.deepEqual(doc.components.securitySchemes.lambda["x-amazon-apigateway-authorizer"], {
      type: "request",
      identitySource: "$request.header.Authorization",
      authorizerUri: invocationArn("simpleAuthorizer"),
      authorizerPayloadFormatVersion: "2.0",
      enableSimpleResponses: true,
      authorizerResultTtlInSeconds: 0,
    });
    assert.deepEqual(doc.paths["/admin"].get.security, [{ jwt: ["admin"] }]);
    assert.deepEqual(doc.paths["/secret"].get.security, [{ lambda: [] }]);
    assert.equal(doc.paths["/open"].get.security, undefined);

    const copy = (await v2.send(new ImportApiCommand({ Body: JSON.stringify(doc) }))).ApiId!;
    const strip = async (id: string) => {
      const authorizers = (await v2.send(new GetAuthorizersCommand({ ApiId: id }))).Items ?? [];
      const nameOf = new Map(authorizers.map((a) => [a.AuthorizerId, a.Name]));
      const routes = (await v2.send(new GetRoutesCommand({ ApiId: id }))).Items ?? [];
      return {
        authorizers: authorizers
          .map(({ AuthorizerId: _id, ...rest }) => rest)
          .sort((a, b) => a.Name!.localeCompare(b.Name!)),
        routes: routes
          .map((r) => ({
            key: r.RouteKey,
            type: r.AuthorizationType,
            authorizer: r.AuthorizerId && nameOf.get(r.AuthorizerId),
            scopes: r.AuthorizationScopes,
          }))
          .sort((a, b) => a.key!.localeCompare(b.key!)),
      };
    };
    assert.deepEqual(await strip(copy), await strip(apiId));
  });
});

test("a declared HTTP API with authorizers: a restart with the same document makes no new deployment", async () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-http-authorizers-"));
  try {
    const file = join(dir, "secured.yaml");
    writeFileSync(file, securedDocument("https://issuer.example"));
    const settings = {
      functions: {
        echo: { handler: join(FIXTURES, "handlers.echo") },
        simpleAuthorizer: { handler: join(FIXTURES, "handlers.simpleAuthorizer") },
      },
      apis: [{ openapi: file, type: "HTTP" as const }],
      dataDir: join(dir, "state"),
    };
    const snapshot = async (gw: TestGateway) => {
      const { control } = gw.portico;
      const [api] = await control.listHttpApis();
      const apiId = api!.api.apiId;
      return {
        definition: await control.getHttpApi(apiId),
        deployments: (await control.listHttpDeployments(apiId)).length,
        current: (await control.getHttpStage(apiId, "$default"))?.deploymentId,
      };
    };
    let gw = await startTestGateway(settings);
    const first = await snapshot(gw);
    await gw.close();
    assert.equal(Object.keys(first.definition!.authorizers ?? {}).length, 2);
    gw = await startTestGateway(settings);
    try {
      assert.deepEqual(await snapshot(gw), first);
    } finally {
      await gw.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
