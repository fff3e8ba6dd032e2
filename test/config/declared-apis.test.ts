import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { startTestGateway } from "../support/gateway.ts";

// A declared API is deployed at start-up as CreateDeployment deploys: a method without an integration
// refuses the deployment, and the refusal names the file and the methods (AWS's words name neither).

const dir = mkdtempSync(join(tmpdir(), "portico-declared-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a declared REST API with a method without integration does not start, and says which", async () => {
  const file = join(dir, "bare.yaml");
  writeFileSync(
    file,
    `openapi: 3.0.1
info: { title: Bare, version: "1" }
paths:
  /pets:
    get:
      responses: { "200": { description: ok } }
    post:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }
  /toys:
    delete:
      responses: { "200": { description: ok } }
`,
  );
  await assert.rejects(
    startTestGateway({ apis: [{ openapi: file, type: "REST" }] }),
    (err: Error & { type?: string }) => {
      assert.equal(err.type, "BadRequestException");
      assert.equal(err.message, `${file}: No integration defined for method (DELETE /toys, GET /pets)`);
      return true;
    },
  );
});
