import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { request } from "undici";
import { LogDestinationError } from "../../src/observe/log-destination.ts";
import { startTestGateway } from "../support/gateway.ts";
import { runCli, spawnPortico } from "../support/process.ts";

// Where access lines go is the config file's business (accessLogs:): a destination that cannot be
// opened is refused at start with a message naming it; lines buffered at shutdown are written out.

const API = `
openapi: "3.0.1"
info: { title: Destined, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":true}' } } }
`;

describe("access-log destinations", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "portico-destinations-"));
    writeFileSync(join(dir, "api.yaml"), API);
    mkdirSync(join(dir, "a-directory"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("in process: a destination that cannot be opened fails startPortico with LogDestinationError", async () => {
    await assert.rejects(
      startTestGateway({ accessLogs: { destinations: { "my-group": join(dir, "a-directory") } } }),
      (err: Error) =>
        err instanceof LogDestinationError &&
        err.message.includes('accessLogs.destinations["my-group"]') &&
        err.message.includes(join(dir, "a-directory")),
    );
    await assert.rejects(
      startTestGateway({ executionLogs: { destination: join(dir, "api.yaml", "below-a-file.log") } }),
      (err: Error) => err instanceof LogDestinationError && err.message.includes("executionLogs.destination"),
    );
  });

  test("portico start: the error is printed and the process exits 1, without a stack trace", () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, "accessLogs:\n  default: a-directory\n");
    const r = runCli(
      ["start", "--config", config, "--port", "0", "--admin-port", "0", "--host", "127.0.0.1"],
      {
        PORTICO_LOG_LEVEL: "silent",
      },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /accessLogs\.default: cannot open .*a-directory/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("an unknown key under accessLogs is a config error naming it", () => {
    const config = join(dir, "unknown.yaml");
    writeFileSync(config, "accessLogs:\n  destination: stdout\n");
    const r = runCli(["start", "--config", config, "--port", "0", "--admin-port", "0"], {
      PORTICO_LOG_LEVEL: "silent",
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /accessLogs/);
    assert.match(r.stderr, /destination/);
  });

  test("a real process: a path relative to the config file, lines written out on SIGTERM", async () => {
    const config = join(dir, "good.yaml");
    writeFileSync(
      config,
      [
        "accessLogs:",
        "  default: off",
        "  destinations:",
        "    destined-api: logs/access.log",
        "apis:",
        "  - openapi: api.yaml",
        "    id: destined01",
        "    stage: v1",
        "",
      ].join("\n"),
    );
    const portico = await spawnPortico(["--config", config]);
    const client = new APIGatewayClient({
      endpoint: portico.adminUrl,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    try {
      await client.send(
        new UpdateStageCommand({
          restApiId: "destined01",
          stageName: "v1",
          patchOperations: [
            {
              op: "replace",
              path: "/accessLogSettings/destinationArn",
              value: "arn:aws:logs:us-east-1:000000000000:log-group:destined-api",
            },
            { op: "replace", path: "/accessLogSettings/format", value: "$context.requestId $context.status" },
          ],
        }),
      );
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await request(`http://127.0.0.1:${portico.port}/v1/hello`, {
          headers: { host: "destined01.execute-api.us-east-1.localhost" },
        });
        await r.body.text();
        ids.push(String(r.headers["x-amzn-requestid"]));
      }
      portico.child.kill("SIGTERM");
      assert.equal(await portico.exited, 0, portico.stderr());
      const lines = readFileSync(join(dir, "logs", "access.log"), "utf8")
        .split("\n")
        .slice(0, -1);
      assert.deepEqual(
        lines,
        ids.map((id) => `${id} 200`),
      );
    } finally {
      client.destroy();
      portico.child.kill("SIGKILL");
    }
  });
});
