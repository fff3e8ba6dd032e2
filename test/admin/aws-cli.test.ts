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
async function aws(gw: TestGateway, args: string[], secret = "test") {
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }>(
    (resolve) => {
      execFile(
        "aws",
        ["apigateway", ...args, "--endpoint-url", `http://127.0.0.1:${gw.adminPort}`, "--output", "json"],
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
