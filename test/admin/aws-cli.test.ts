import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";

/**
 * The real AWS CLI (Debian's `awscli`; .ci/run installs it), pointed at Portico's admin API. Run
 * asynchronously: the gateway answering it lives in this process.
 */
async function aws(gw: TestGateway, args: string[], secret = "test", service = "apigateway") {
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }>(
    (resolve) => {
      execFile(
        "aws",
        [service, ...args, "--endpoint-url", `http://127.0.0.1:${gw.adminPort}`, "--output", "json"],
        { encoding: "utf8", timeout: 60_000, env: awsEnv(secret) },
        (error, stdout, stderr) =>
          resolve({
            status: error ? (typeof error.code === "number" ? error.code : null) : 0,
            stdout,
            stderr,
            error: error && typeof error.code !== "number" ? error : undefined,
          }),
      );
    },
  );
  if (r.error) throw new Error(`the AWS CLI could not run (is awscli installed?): ${r.error.message}`);
  return {
    status: r.status,
    json: r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : undefined,
    stderr: r.stderr,
  };
}

/** `aws apigatewayv2 …` (HTTP and WebSocket APIs). */
const v2 = (gw: TestGateway, args: string[]) => aws(gw, args, "test", "apigatewayv2");

function awsEnv(secret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_PAGER: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

describe("the AWS CLI manages Portico unchanged", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test("import-rest-api, get-resources, create-deployment, update-stage, invoke", async () => {
    const petstore = join(ROOT, "test", "fixtures", "openapi", "petstore-aws.yaml");
    const imported = await aws(gw, ["import-rest-api", "--body", `fileb://${petstore}`]);
    assert.equal(imported.status, 0, imported.stderr);
    const id = imported.json.id as string;
    assert.equal(imported.json.name, "PetStore");
    const resources = await aws(gw, ["get-resources", "--rest-api-id", id]);
    assert.deepEqual((resources.json.items as { path: string }[]).map((r) => r.path).sort(), [
      "/",
      "/pets",
      "/pets/{petId}",
    ]);
    const deployed = await aws(gw, ["create-deployment", "--rest-api-id", id, "--stage-name", "prod"]);
    assert.equal(deployed.status, 0, deployed.stderr);
    const patched = await aws(gw, [
      "update-stage",
      "--rest-api-id",
      id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=replace,path=/*/*/caching/ttlInSeconds,value=3600",
    ]);
    assert.equal(patched.status, 0, patched.stderr);
    assert.equal(patched.json.methodSettings["*/*"].cacheTtlInSeconds, 3600);
    const refused = await aws(gw, [
      "update-stage",
      "--rest-api-id",
      id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=replace,path=/*/*/caching/ttlInSeconds,value=3601",
    ]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /BadRequestException/);
    const root = await gw.call(id, "/prod/");
    assert.equal(root.status, 200);
    assert.match(root.text, /Welcome to your Pet Store API/);
  });

  test("wrong credentials and unknown ids give AWS's errors", async () => {
    const wrong = await aws(gw, ["get-rest-apis"], "wrong-secret");
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /InvalidSignatureException/);
    const missing = await aws(gw, ["get-rest-api", "--rest-api-id", "nope000000"]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /NotFoundException.*Invalid API identifier specified/);
  });
});

describe("the AWS CLI manages a WebSocket API (apigatewayv2)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test("create-api, create-integration, create-route, responses, deployment, stage", async () => {
    const ok = (r: { status: number | null; stderr: string }) => assert.equal(r.status, 0, r.stderr);
    const api = await v2(gw, [
      "create-api",
      "--name",
      "chat",
      "--protocol-type",
      "WEBSOCKET",
      "--route-selection-expression",
      "$request.body.action",
    ]);
    ok(api);
    const apiId = api.json.ApiId as string;
    // Where this gateway serves it (its data plane's port), not AWS's amazonaws.com.
    assert.equal(api.json.ApiEndpoint, `ws://${apiId}.execute-api.us-east-1.localhost:${gw.port}`);
    assert.equal(api.json.ApiKeySelectionExpression, "$request.header.x-api-key");

    const integration = await v2(gw, [
      "create-integration",
      "--api-id",
      apiId,
      "--integration-type",
      "MOCK",
      "--request-templates",
      JSON.stringify({ $default: '{"statusCode": 200}' }),
      "--template-selection-expression",
      "\\$default",
    ]);
    ok(integration);
    const integrationId = integration.json.IntegrationId as string;
    assert.equal(
      integration.json.IntegrationResponseSelectionExpression,
      "${integration.response.statuscode}",
    );
    assert.equal(integration.json.TimeoutInMillis, 29000);
    assert.equal(integration.json.PassthroughBehavior, "WHEN_NO_MATCH");

    const response = await v2(gw, [
      "create-integration-response",
      "--api-id",
      apiId,
      "--integration-id",
      integrationId,
      "--integration-response-key",
      "$default",
      "--response-templates",
      JSON.stringify({ $default: "{\"echo\": $input.json('$')}" }),
    ]);
    ok(response);
    assert.equal(response.json.IntegrationResponseKey, "$default");
    const listed = await v2(gw, [
      "get-integration-responses",
      "--api-id",
      apiId,
      "--integration-id",
      integrationId,
    ]);
    ok(listed);
    assert.equal(listed.json.Items.length, 1);

    const route = await v2(gw, [
      "create-route",
      "--api-id",
      apiId,
      "--route-key",
      "sendMessage",
      "--target",
      `integrations/${integrationId}`,
      "--route-response-selection-expression",
      "$default",
    ]);
    ok(route);
    assert.equal(route.json.AuthorizationType, "NONE");
    assert.equal(route.json.ApiKeyRequired, false);
    const routeResponse = await v2(gw, [
      "create-route-response",
      "--api-id",
      apiId,
      "--route-id",
      route.json.RouteId,
      "--route-response-key",
      "$default",
    ]);
    ok(routeResponse);
    assert.equal(routeResponse.json.RouteResponseKey, "$default");

    const iam = await v2(gw, [
      "create-route",
      "--api-id",
      apiId,
      "--route-key",
      "join",
      "--authorization-type",
      "AWS_IAM",
    ]);
    assert.notEqual(iam.status, 0);
    assert.match(
      iam.stderr,
      /BadRequestException.*Currently, authorization is restricted to the \$connect route only/,
    );
    const reserved = await v2(gw, ["create-route", "--api-id", apiId, "--route-key", "$join"]);
    assert.notEqual(reserved.status, 0);
    assert.match(reserved.stderr, /BadRequestException.*The provided route key is not formatted properly/);

    const deployment = await v2(gw, ["create-deployment", "--api-id", apiId, "--description", "v1"]);
    ok(deployment);
    assert.equal(deployment.json.DeploymentStatus, "DEPLOYED");
    const stage = await v2(gw, [
      "create-stage",
      "--api-id",
      apiId,
      "--stage-name",
      "production",
      "--deployment-id",
      deployment.json.DeploymentId,
      "--stage-variables",
      "backend=chat.example.com",
      "--route-settings",
      JSON.stringify({ sendMessage: { ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5 } }),
    ]);
    ok(stage);
    assert.equal(stage.json.DeploymentId, deployment.json.DeploymentId);
    assert.equal(stage.json.DefaultRouteSettings.LoggingLevel, "OFF");
    assert.equal(stage.json.RouteSettings.sendMessage.ThrottlingBurstLimit, 10);
    assert.deepEqual(stage.json.StageVariables, { backend: "chat.example.com" });

    const missing = await v2(gw, [
      "get-integration-response",
      "--api-id",
      apiId,
      "--integration-id",
      integrationId,
      "--integration-response-id",
      "nope123",
    ]);
    assert.notEqual(missing.status, 0);
    assert.match(
      missing.stderr,
      /NotFoundException.*Invalid IntegrationResponse identifier specified nope123/,
    );
  });
});
