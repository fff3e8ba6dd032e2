import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readTemplateSource } from "../../src/templates/read-template.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";

// CloudFormation evaluates macros "from the most deeply nested outward to the most general"
// (User Guide, template-macros, Macro evaluation order): a DefinitionBody's AWS::Include is read
// before the SAM transform of the Transform section runs, so SAM's Cors applies to the included file.
test("an AWS::Include DefinitionBody is read before the SAM transform: Cors adds its OPTIONS methods", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-include-order-"));
  writeFileSync(
    join(dir, "api.yaml"),
    "swagger: '2.0'\ninfo: { title: Included }\npaths:\n  /items:\n    get:\n      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{\"statusCode\": 200}' } }\n",
  );
  writeFileSync(
    join(dir, "template.yaml"),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Cors: "'https://app.example'"
      DefinitionBody:
        Fn::Transform: { Name: AWS::Include, Parameters: { Location: ./api.yaml } }
`,
  );
  const [read] = readTemplateSource(
    { template: join(dir, "template.yaml") },
    { region: "us-east-1", accountId: "000000000000", env: {} },
  );
  const api = read!.plan.apis[0] as PlannedDocumentApi;
  const paths = api.document.paths as Record<
    string,
    Record<string, { "x-amazon-apigateway-integration"?: { responses?: unknown } }>
  >;
  assert.deepEqual(Object.keys(paths["/items"]!).sort(), ["get", "options"]);
  assert.match(JSON.stringify(paths["/items"]!.options), /'https:\/\/app\.example'/);
  assert.deepEqual(
    read!.plan.warnings.filter((w) => w.path.endsWith("Cors")),
    [],
    "no notice that Cors was not applied",
  );
});
