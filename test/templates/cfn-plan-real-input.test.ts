import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import { resolveTemplate } from "../../src/templates/cfn/resolve-template.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { folder, lambdaUri, options, ref, STACK } from "./cfn-plan-support.ts";

/**
 * What the SAM transform makes of tests/translator/input/implicit_api.yaml (aws/serverless-application-model;
 * test/fixtures/real-inputs/ORIGINS.md), resolved by the resolver as `portico start --template` does.
 */
const REAL = join(
  import.meta.dirname,
  "..",
  "fixtures",
  "real-inputs",
  "sam-translator-implicit_api.output-cfn.json",
);

const FN = "AWS::Lambda::Function";
const REST = "AWS::ApiGateway::RestApi";

const resolved = (baseDir: string) =>
  resolveTemplate(JSON.parse(readFileSync(REAL, "utf8")) as Record<string, unknown>, options(baseDir));

test("the SAM translator's implicit API output as it stands: its functions' S3 code is refused", () => {
  assert.throws(
    () => planFromCloudFormation(resolved(folder({})), options(folder({}))),
    (err: unknown) =>
      err instanceof TemplateError &&
      err.path.endsWith("Resources.GetHtmlFunction.Properties.Code") &&
      err.message.includes("Code names S3 (s3://sam-demo-bucket/todo_list.zip); Portico runs local code"),
  );
});

test("the same output with its code folder given locally: two functions, the Swagger body, stages Stage and Prod", () => {
  const dir = folder({
    "todo_list/index.js":
      "export const gethtml = async () => ({}); export const restapi = async () => ({});\n",
  });
  const template = resolved(dir);
  // What the template holds before packaging: Code as the local folder (CodeUri: todo_list/).
  for (const r of template.resources) if (r.type === FN) r.properties.Code = "todo_list";
  const plan = planFromCloudFormation(template, options(dir));
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.functions, {
    GetHtmlFunction: { handler: join(dir, "todo_list", "index.gethtml"), runtime: "nodejs12.x" },
    RestApiFunction: { handler: join(dir, "todo_list", "index.restapi"), runtime: "nodejs12.x" },
  });
  const api = plan.apis[0] as PlannedDocumentApi;
  assert.equal(api.id, ref("ServerlessRestApi", REST));
  assert.deepEqual(
    api.stages.map((s) => s.name),
    ["Stage", "Prod"],
  );
  const { definition, warnings } = importRestApi(parseDocument(JSON.stringify(api.document)));
  assert.deepEqual(warnings, []);
  assert.equal(definition.api.name, STACK.stackName);
  const methods = Object.values(definition.resources).flatMap((r) =>
    Object.entries(r.resourceMethods ?? {}).map(([m, method]) => [
      `${m} ${r.path}`,
      method.methodIntegration?.uri,
    ]),
  );
  assert.deepEqual(Object.fromEntries(methods), {
    "POST /add": lambdaUri("RestApiFunction"),
    "POST /complete": lambdaUri("RestApiFunction"),
    "GET /getlist": lambdaUri("RestApiFunction"),
    "ANY /{proxy+}": lambdaUri("GetHtmlFunction"),
  });
});
