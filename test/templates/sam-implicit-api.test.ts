import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isSamTemplate, transformSam } from "../../src/templates/sam/transform-sam.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";

// SAM's own translator fixture: tests/translator/input/implicit_api.yaml and output/implicit_api.json
// (aws/serverless-application-model @ 7000d0a3), copied byte for byte into /work/shared/real-inputs.
const REAL = "/work/shared/real-inputs";
const inputFile = join(REAL, "sam-translator-implicit_api.input.yaml");
const input = parseTemplateText(readFileSync(inputFile, "utf8"), inputFile);
const expected = JSON.parse(readFileSync(join(REAL, "sam-translator-implicit_api.output-cfn.json"), "utf8"))
  .Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; [k: string]: unknown }>;

/** The fixture with its s3:// CodeUri pointed at a local folder, as a Portico user writes it. */
function localised(): Record<string, unknown> {
  const copy = structuredClone(input) as { Resources: Resources };
  for (const r of Object.values(copy.Resources)) if (r.Properties.CodeUri) r.Properties.CodeUri = "todo_list";
  return copy;
}

test("the fixture's s3:// CodeUri is refused with the place and what to do", () => {
  assert.throws(
    () => transformSam(input, { file: "implicit_api.yaml", baseDir: "/srv/app" }),
    (e: unknown) =>
      e instanceof TemplateError &&
      e.path === "implicit_api.yaml: Resources.RestApiFunction.Properties.CodeUri" &&
      /local folder/.test(e.message),
  );
});

test("implicit API: ServerlessRestApi's Body is SAM's, path for path and integration for integration", () => {
  const out = transformSam(localised(), { file: "implicit_api.yaml", baseDir: "/srv/app" });
  const resources = out.template.Resources as Resources;
  assert.equal(resources.ServerlessRestApi?.Type, "AWS::ApiGateway::RestApi");
  assert.deepEqual(resources.ServerlessRestApi?.Properties.Body, expected.ServerlessRestApi!.Properties.Body);
});

test("implicit API: the same resources and logical ids as SAM (roles aside, deployment hash aside)", () => {
  const resources = transformSam(localised(), { file: "t.yaml", baseDir: "/srv/app" }).template
    .Resources as Resources;
  const shape = (r: Record<string, { Type: string }>) =>
    Object.entries(r)
      .filter(([, v]) => v.Type !== "AWS::IAM::Role")
      .map(([k, v]) => `${k.replace(/^(ServerlessRestApiDeployment)[0-9a-f]{10}$/, "$1#")} ${v.Type}`)
      .sort();
  assert.deepEqual(shape(resources), shape(expected));
  for (const [id, r] of Object.entries(expected))
    if (r.Type === "AWS::Lambda::Permission") assert.deepEqual(resources[id]?.Properties, r.Properties, id);
});

test("implicit API: the Prod stage deploys a Deployment whose id carries the body's hash", () => {
  const resources = transformSam(localised(), { file: "t.yaml", baseDir: "/srv/app" }).template
    .Resources as Resources;
  const stage = resources.ServerlessRestApiProdStage!;
  assert.equal(stage.Type, "AWS::ApiGateway::Stage");
  assert.equal(stage.Properties.StageName, "Prod");
  assert.deepEqual(stage.Properties.RestApiId, { Ref: "ServerlessRestApi" });
  const deploymentId = (stage.Properties.DeploymentId as { Ref: string }).Ref;
  assert.match(deploymentId, /^ServerlessRestApiDeployment[0-9a-f]{10}$/);
  const deployment = resources[deploymentId]!;
  assert.equal(deployment.Properties.StageName, "Stage");
  assert.match(String(deployment.Properties.Description), /^RestApi deployment id: [0-9a-f]{40}$/);
  // A different body, a different deployment: CloudFormation redeploys only on a new logical id.
  const changed = localised() as { Resources: Resources };
  (changed.Resources.GetHtmlFunction!.Properties.Events as Resources).GetHtml!.Properties.Path = "/other";
  const again = transformSam(changed, { file: "t.yaml", baseDir: "/srv/app" }).template
    .Resources as Resources;
  assert.notEqual(
    (again.ServerlessRestApiProdStage!.Properties.DeploymentId as { Ref: string }).Ref,
    deploymentId,
  );
});

test("functions become AWS::Lambda::Function with Code the absolute local folder; Policies noticed", () => {
  const out = transformSam(localised(), { file: "t.yaml", baseDir: "/srv/app" });
  const fn = (out.template.Resources as Resources).RestApiFunction!;
  assert.equal(fn.Type, "AWS::Lambda::Function");
  assert.equal(fn.Properties.Code, "/srv/app/todo_list");
  assert.equal(fn.Properties.Handler, "index.restapi");
  assert.equal(fn.Properties.Runtime, "nodejs12.x");
  assert.deepEqual(fn.Properties.Tags, [{ Key: "lambda:createdBy", Value: "SAM" }]);
  assert.ok(
    out.notices.some(
      (n) => n.logicalId === "RestApiFunction" && n.path === "Resources.RestApiFunction.Properties.Policies",
    ),
  );
});

test("the input template is not changed, and Transform is gone from the output", () => {
  const template = { Transform: "AWS::Serverless-2016-10-31", ...localised() };
  const before = structuredClone(template);
  assert.equal(isSamTemplate(template), true);
  const out = transformSam(template, { file: "t.yaml", baseDir: "/srv/app" });
  assert.deepEqual(template, before);
  assert.equal("Transform" in out.template, false);
  assert.equal(isSamTemplate({ Transform: ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"] }), true);
  assert.equal(isSamTemplate({ Transform: "AWS::Include" }), false);
  assert.equal(isSamTemplate({ Resources: {} }), false);
});
