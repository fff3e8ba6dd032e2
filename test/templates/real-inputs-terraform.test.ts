import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { APIGatewayClient, BadRequestException, ImportRestApiCommand } from "@aws-sdk/client-api-gateway";
import { type ServiceServer, startServiceServer } from "../support/aws-service-server.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { BIN } from "../support/process.ts";
import { projectDir, REAL, readReal, templatefile } from "./real-inputs-support.ts";

// Terraform `templatefile` inputs (test/fixtures/real-inputs/ORIGINS.md): OpenAPI with ${name}
// placeholders that Terraform renders before API Gateway sees them. As they are, AWS refuses them
// (the placeholder sits where an ARN's region must be); rendered as Terraform would, they run.

const run = promisify(execFile);

/** `portico import FILE` against a running gateway, in a child process, as a user runs it. */
async function cliImport(gw: TestGateway, file: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [BIN, "import", file], {
      env: { ...process.env, PORTICO_ADMIN_URL: `http://127.0.0.1:${gw.adminPort}` },
    });
    return { code: 0, stderr: "" };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

/** The three ways in refuse the unrendered file: the SDK with AWS's words, the CLI and config with a hint. */
async function refusedEverywhere(name: string, awsMessage: RegExp, placeholders: string): Promise<void> {
  const gw = await startTestGateway();
  try {
    const client = new APIGatewayClient(adminClientConfig(gw));
    await assert.rejects(
      client.send(new ImportRestApiCommand({ body: Buffer.from(readReal(name)) })),
      (err: unknown) => err instanceof BadRequestException && awsMessage.test(err.message),
    );
    client.destroy();
    const file = join(REAL, name);
    const cli = await cliImport(gw, file);
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, awsMessage);
    assert.ok(cli.stderr.includes(`template placeholders (${placeholders})`), cli.stderr);
    assert.match(cli.stderr, /Terraform templatefile input does: render it first/);
    assert.equal((await gw.portico.control.listRestApis()).length, 0, "nothing imported");
  } finally {
    await gw.close();
  }
  await assert.rejects(
    startTestGateway({ apis: [{ openapi: join(REAL, name), type: "REST", stage: "intg" }] }),
    (err: Error) => awsMessage.test(err.message) && err.message.includes(`(${placeholders})`),
  );
}

describe("tdr-backend_checks.json.tpl: Step Functions StartExecution behind a TOKEN authorizer", () => {
  test("as it is: the unrendered ${region} is refused, and the hint names the placeholders", () =>
    refusedEverywhere(
      "tdr-backend_checks.json.tpl",
      /securitySchemes\.lambda: Invalid Authorizer URI specified/,
      "${title}, ${environment}, ${role_arn}, ${region}, ${state_machine_arn}, ${lambda_arn}",
    ));

  describe("rendered as Terraform's templatefile would", () => {
    const MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:BackendChecks";
    let gw: TestGateway;
    let states: ServiceServer;
    let id: string;
    before(async () => {
      const dir = projectDir({
        // The authorizer lets the token "valid" in, as TDR's checks the user's Keycloak token.
        "authorizer.mjs": `export const handler = async (event) => ({
  principalId: "user",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke",
    Effect: event.authorizationToken === "Bearer valid" ? "Allow" : "Deny", Resource: event.methodArn }] },
});\n`,
      });
      states = await startServiceServer({ test: "test" }, () => ({
        status: 200,
        headers: { "content-type": "application/x-amz-json-1.0" },
        body: JSON.stringify({
          executionArn: `${MACHINE.replace("stateMachine", "execution")}:e-1`,
          startDate: 1,
        }),
      }));
      gw = await startTestGateway({
        functions: { "tdr-backend-checks-authorizer": { handler: join(dir, "authorizer.handler") } },
        services: { states: { endpoint: states.url } },
      });
      const text = templatefile(readReal("tdr-backend_checks.json.tpl"), {
        title: "TDR Backend Checks",
        environment: "intg",
        role_arn: "arn:aws:iam::000000000000:role/TDRBackendChecksRole",
        region: "us-east-1",
        state_machine_arn: MACHINE,
        lambda_arn: "arn:aws:lambda:us-east-1:000000000000:function:tdr-backend-checks-authorizer",
      });
      id = await gw.deployRest(text, "intg");
    });
    after(async () => {
      await gw.close();
      await states.close();
    });

    const post = (path: string, authorization?: string) =>
      gw.call(id, path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: "{}",
      });

    test("no token: 401 from the TOKEN authorizer; a denied one: 403; Step Functions not called", async () => {
      assert.equal((await post("/intg/backend-checks/c-1")).status, 401);
      assert.equal((await post("/intg/backend-checks/c-1", "Bearer other")).status, 403);
      assert.equal(states.calls.length, 0);
    });

    test("an allowed token: StartExecution with the VTL template's input, signed for states", async () => {
      const r = await post("/intg/backend-checks/a1b2/c3", "Bearer valid");
      assert.deepEqual(states.refused, []);
      assert.equal(r.status, 200, r.text);
      assert.equal(JSON.parse(r.text).executionArn, `${MACHINE.replace("stateMachine", "execution")}:e-1`);
      const call = states.calls.at(-1)!;
      assert.equal(call.service, "states");
      assert.equal(call.region, "us-east-1");
      assert.equal(call.headers["x-amz-target"], "AWSStepFunctions.StartExecution");
      assert.equal(call.headers["content-type"], "application/x-amz-json-1.1");
      assert.equal(call.headers["accept-encoding"], "identity");
      const sent = JSON.parse(call.body.toString()) as { input: string; stateMachineArn: string };
      assert.equal(sent.stateMachineArn, MACHINE);
      // The greedy {consignmentId+} keeps its slash.
      assert.deepEqual(JSON.parse(sent.input), { consignmentId: "a1b2/c3" });
    });
  });
});

describe("xsalazar-api-gateway.yaml.tpl: MOCK CORS preflights and an aws_proxy Lambda on / and /{proxy+}", () => {
  test("as it is: the unrendered ${region} in the Lambda URI is refused, the hint naming the placeholders", () =>
    refusedEverywhere(
      "xsalazar-api-gateway.yaml.tpl",
      /x-amazon-apigateway-integration: Invalid ARN specified in the request/,
      "${api_title}, ${region}, ${account_id}, ${lambda_name}",
    ));

  describe("rendered as Terraform's templatefile would", () => {
    let gw: TestGateway;
    let id: string;
    before(async () => {
      const dir = projectDir({
        "app.mjs": `export const handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json", "access-control-allow-origin": "https://example.com" },
  body: JSON.stringify({ method: event.httpMethod, path: event.path, resource: event.resource,
    proxy: event.pathParameters?.proxy ?? null, base64: event.isBase64Encoded }),
});\n`,
      });
      gw = await startTestGateway({ functions: { "docker-deploy": { handler: join(dir, "app.handler") } } });
      const text = templatefile(readReal("xsalazar-api-gateway.yaml.tpl"), {
        api_title: "terraform-aws-docker-deploy",
        region: "us-east-1",
        account_id: "000000000000",
        lambda_name: "docker-deploy",
      });
      id = await gw.deployRest(text, "prod");
    });
    after(() => gw.close());

    test("OPTIONS / and OPTIONS /{proxy+}: the MOCK's preflight headers", async () => {
      for (const path of ["/prod/", "/prod/api/items"]) {
        const r = await gw.call(id, path, {
          method: "OPTIONS",
          headers: { origin: "https://example.com", "access-control-request-method": "POST" },
        });
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        assert.equal(r.headers["access-control-allow-origin"], "https://example.com");
        assert.equal(r.headers["access-control-allow-methods"], "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");
        assert.equal(
          r.headers["access-control-allow-headers"],
          "Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token",
        );
      }
    });

    test("ANY / and ANY /{proxy+} reach the function; */* is binary, so a body arrives base64-encoded", async () => {
      const root = await gw.call(id, "/prod/");
      assert.equal(root.status, 200, root.text);
      assert.deepEqual(JSON.parse(root.text), {
        method: "GET",
        path: "/",
        resource: "/",
        proxy: null,
        base64: false,
      });
      const deep = await gw.call(id, "/prod/api/items/3", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: '{"n":1}',
      });
      assert.equal(deep.status, 200, deep.text);
      assert.deepEqual(JSON.parse(deep.text), {
        method: "PUT",
        path: "/api/items/3",
        resource: "/{proxy+}",
        proxy: "api/items/3",
        base64: true,
      });
    });
  });
});
