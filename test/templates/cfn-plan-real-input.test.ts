import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import type { ResolvedTemplate } from "../../src/templates/cfn/resolved.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { att, folder, lambdaUri, options, ref, STACK } from "./cfn-plan-support.ts";

/**
 * What the SAM transform makes of tests/translator/input/implicit_api.yaml (aws/serverless-application-model;
 * /work/shared/real-inputs/ORIGINS.md).
 */
const REAL = "/work/shared/real-inputs/sam-translator-implicit_api.output-cfn.json";

const FN = "AWS::Lambda::Function";
const REST = "AWS::ApiGateway::RestApi";

/**
 * INTERIM, until the resolver (src/templates/cfn/resolve-template.ts) lands: this one file's
 * intrinsics replaced by the concrete strings the resolver gives them, from an explicit table of
 * exactly the Refs, Fn::GetAtts and `${…}` names the file uses. Anything else fails the test, so the
 * table cannot quietly stand in for a resolver.
 */
function interimResolve(text: string): ResolvedTemplate {
  const values: Record<string, string> = {
    "AWS::Region": STACK.region,
    "AWS::AccountId": STACK.accountId,
    "AWS::StackName": STACK.stackName,
    ServerlessRestApi: ref("ServerlessRestApi", REST),
    ServerlessRestApiDeployment127e3fb911: ref(
      "ServerlessRestApiDeployment127e3fb911",
      "AWS::ApiGateway::Deployment",
    ),
    GetHtmlFunction: "GetHtmlFunction",
    RestApiFunction: "RestApiFunction",
    "GetHtmlFunction.Arn": att("GetHtmlFunction", FN, "Arn"),
    "RestApiFunction.Arn": att("RestApiFunction", FN, "Arn"),
    "GetHtmlFunctionRole.Arn": att("GetHtmlFunctionRole", "AWS::IAM::Role", "Arn"),
    "RestApiFunctionRole.Arn": att("RestApiFunctionRole", "AWS::IAM::Role", "Arn"),
  };
  const known = (name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`interimResolve: ${name} is not in the table`);
    return v;
  };
  const sub = (s: string, vars: Record<string, unknown>) =>
    s.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(vars[name] ?? known(name)));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === "string") return known(o.Ref);
    if (Array.isArray(o["Fn::GetAtt"])) return known((o["Fn::GetAtt"] as string[]).join("."));
    const s = o["Fn::Sub"];
    if (typeof s === "string") return sub(s, {});
    if (Array.isArray(s)) return sub(s[0] as string, walk(s[1]) as Record<string, unknown>);
    if (Object.keys(o).some((k) => k.startsWith("Fn::")))
      throw new Error(`interimResolve: ${Object.keys(o)}`);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  const raw = JSON.parse(text) as { Resources: Record<string, Record<string, unknown>> };
  return {
    resources: Object.entries(raw.Resources).map(([logicalId, r]) => ({
      logicalId,
      type: r.Type as string,
      properties: walk(r.Properties ?? {}) as Record<string, unknown>,
      dependsOn: [],
    })),
    outputs: {},
    parameters: {},
    notices: [],
  };
}

test("the SAM translator's implicit API output as it stands: its functions' S3 code is refused", () => {
  assert.throws(
    () => planFromCloudFormation(interimResolve(readFileSync(REAL, "utf8")), options(folder({}))),
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
  const resolved = interimResolve(readFileSync(REAL, "utf8"));
  // What the template holds before packaging: Code as the local folder (CodeUri: todo_list/).
  for (const r of resolved.resources) if (r.type === FN) r.properties.Code = "todo_list";
  const plan = planFromCloudFormation(resolved, options(dir));
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
