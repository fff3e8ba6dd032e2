import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { transformSam } from "../../src/templates/sam/transform-sam.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";
import { localCode, type Resources } from "./sam-fixture.ts";

// Public SAM templates nobody on this project wrote (see /work/shared/real-inputs/ORIGINS.md).
const REAL = "/work/shared/real-inputs";
const read = (name: string) => {
  const file = join(REAL, name);
  return localCode(parseTemplateText(readFileSync(file, "utf8"), file)) as Record<string, unknown>;
};

test("api_swagger_cors: the AWS::Include DefinitionBody survives for the resolver; Cors is noticed, not lost", () => {
  const out = transformSam(read("sam-api_swagger_cors-template.yaml"), {
    file: "template.yaml",
    baseDir: REAL,
  });
  const resources = out.template.Resources as Resources;
  assert.deepEqual(resources.ApiGatewayApi!.Properties.Body, {
    "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://<bucket>/swagger.yaml" } },
  });
  assert.equal(resources.ApiGatewayApi!.Type, "AWS::ApiGateway::RestApi");
  assert.equal(resources.ApiGatewayApiProdStage!.Properties.StageName, "Prod");
  assert.ok(
    out.notices.some(
      (n) => n.path === "Resources.ApiGatewayApi.Properties.Cors" && /AWS::Include/.test(n.message),
    ),
  );
  // The events' permissions are SAM's: every method on / and on /{proxy+} of the Prod stage.
  const sub = (id: string) =>
    (resources[id]!.Properties.SourceArn as { "Fn::Sub": [string, unknown] })["Fn::Sub"];
  assert.deepEqual(sub("LambdaFunctionProxyApiRootPermissionProd"), [
    "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/*/",
    { __ApiId__: { Ref: "ApiGatewayApi" }, __Stage__: "*" },
  ]);
  assert.equal(sub("LambdaFunctionProxyApiGreedyPermissionProd")[0].endsWith("/*/*"), true);
  assert.deepEqual(out.template.Outputs, read("sam-api_swagger_cors-template.yaml").Outputs);
});

test("http-api-direct-integration: the included OpenAPI survives; SQS, EventBridge and Kinesis events are noticed", () => {
  const template = read("sessions-with-aws-sam-http-api-direct-integration-template.yaml");
  const out = transformSam(template, { file: "template.yaml", baseDir: REAL });
  const resources = out.template.Resources as Resources;
  assert.equal(resources.MyHttpApi!.Type, "AWS::ApiGatewayV2::Api");
  assert.deepEqual(resources.MyHttpApi!.Properties.Body, {
    "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "./api.yaml" } },
  });
  assert.deepEqual(resources.MyHttpApiApiGatewayDefaultStage!.Properties, {
    ApiId: { Ref: "MyHttpApi" },
    StageName: "$default",
    AutoDeploy: true,
    Tags: { "httpapi:createdBy": "SAM" },
  });
  // Plain CloudFormation resources pass through untouched.
  assert.deepEqual(resources.MyHttpApiRole, (template.Resources as Resources).MyHttpApiRole);
  assert.equal(resources.MyQueue!.Type, "AWS::SQS::Queue");
  assert.equal(resources.MyTriggeredLambda!.Properties.Code, join(REAL, "src"));
  const events = out.notices.filter((n) =>
    n.path.startsWith("Resources.MyTriggeredLambda.Properties.Events."),
  );
  assert.deepEqual(events.map((n) => n.path).sort(), [
    "Resources.MyTriggeredLambda.Properties.Events.EventBridgeTrigger.Type",
    "Resources.MyTriggeredLambda.Properties.Events.KinesisTrigger.Type",
    "Resources.MyTriggeredLambda.Properties.Events.SQSTrigger.Type",
  ]);
});
