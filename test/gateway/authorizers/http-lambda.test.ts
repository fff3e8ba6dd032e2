import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  ResetAuthorizersCacheCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { invocationArn } from "../../support/lambda-arn.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");
const lambdaUri = (name: string) => invocationArn(name);

let gw: TestGateway;
let apiId: string;
before(async () => {
  gw = await startTestGateway({
    functions: {
      simpleAuthorizer: { handler: join(FIXTURES, "handlers.simpleAuthorizer") },
      echo: { handler: join(FIXTURES, "handlers.echo") },
    },
  });
  const client = new ApiGatewayV2Client(adminClientConfig(gw));
  try {
    apiId = (await client.send(new CreateApiCommand({ Name: "LambdaAuth", ProtocolType: "HTTP" }))).ApiId!;
    const integration = await client.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: "AWS_PROXY",
        IntegrationUri: lambdaUri("echo"),
        PayloadFormatVersion: "2.0",
      }),
    );
    const authorizer = await client.send(
      new CreateAuthorizerCommand({
        ApiId: apiId,
        Name: "simple",
        AuthorizerType: "REQUEST",
        AuthorizerUri: lambdaUri("simpleAuthorizer"),
        AuthorizerPayloadFormatVersion: "2.0",
        EnableSimpleResponses: true,
        IdentitySource: ["$request.header.Authorization"],
        AuthorizerResultTtlInSeconds: 0,
      }),
    );
    await client.send(
      new CreateRouteCommand({
        ApiId: apiId,
        RouteKey: "GET /secret",
        Target: `integrations/${integration.IntegrationId}`,
        AuthorizationType: "CUSTOM",
        AuthorizerId: authorizer.AuthorizerId,
      }),
    );
    await client.send(new CreateStageCommand({ ApiId: apiId, StageName: "$default", AutoDeploy: true }));
  } finally {
    client.destroy();
  }
});
after(() => gw.close());

test("HTTP API Lambda authorizer with simple responses: 401 without identity, 403 refused, context to the integration", async () => {
  const missing = await gw.call(apiId, "/secret");
  assert.equal(missing.status, 401);
  assert.equal(missing.text, '{"message":"Unauthorized"}');
  const refused = await gw.call(apiId, "/secret", { headers: { authorization: "nope" } });
  assert.equal(refused.status, 403);
  assert.equal(refused.text, '{"message":"Forbidden"}');
  const ok = await gw.call(apiId, "/secret", { headers: { authorization: "let-me-in" } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(JSON.parse(ok.text).event.requestContext.authorizer, {
    lambda: { tier: "gold", route: "GET /secret", identity: "let-me-in" },
  });
});

test("ResetAuthorizersCache: accepted for a stage, NotFoundException for an unknown one", async () => {
  const client = new ApiGatewayV2Client(adminClientConfig(gw));
  try {
    await client.send(new ResetAuthorizersCacheCommand({ ApiId: apiId, StageName: "$default" }));
    await assert.rejects(
      client.send(new ResetAuthorizersCacheCommand({ ApiId: apiId, StageName: "nope" })),
      (e: Error) => e.name === "NotFoundException",
    );
  } finally {
    client.destroy();
  }
  const ok = await gw.call(apiId, "/secret", { headers: { authorization: "let-me-in" } });
  assert.equal(ok.status, 200, "the stage serves after the reset");
});
