import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";
import { planFromCloudFormation } from "../../src/templates/cfn/plan-template.ts";
import type { PlannedDocumentApi } from "../../src/templates/template-plan.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { att, folder, HANDLER, lambdaUri, options, ref, res, template } from "./cfn-plan-support.ts";

const REST = "AWS::ApiGateway::RestApi";
const FN = "AWS::Lambda::Function";

/**
 * What `cdk synth` writes for `new LambdaRestApi(this, "Api", { handler })` (aws-cdk-lib 2): the
 * RestApi, a `{proxy+}` Resource, ANY Methods on it and on the root with Fn::Join'ed AWS_PROXY URIs,
 * a Deployment, the `prod` Stage, the CloudWatch role and Account, the function with its asset
 * metadata, permissions and CDKMetadata — here as the resolver leaves it (Fn::Join, Fn::GetAtt and
 * Ref evaluated, ids from references.ts).
 */
function cdkLambdaRestApi() {
  const api = ref("Api49610EDF", REST);
  const root = att("Api49610EDF", REST, "RootResourceId");
  const proxy = ref("ApiproxyE1E9B16C", "AWS::ApiGateway::Resource");
  const deployment = ref("ApiDeploymentB17BE62D3f5a1e2b", "AWS::ApiGateway::Deployment");
  const integration = {
    IntegrationHttpMethod: "POST",
    Type: "AWS_PROXY",
    Uri: lambdaUri("Handler886CB40B"),
  };
  return template([
    res("HandlerServiceRoleFCDC14AE", "AWS::IAM::Role", { AssumeRolePolicyDocument: {} }),
    res(
      "Handler886CB40B",
      FN,
      {
        Code: { S3Bucket: "cdk-hnb659fds-assets-123456789012-eu-west-1", S3Key: "3f5a1e2b.zip" },
        Role: "arn:aws:iam::123456789012:role/shop-HandlerServiceRoleFCDC14AE",
        Handler: "index.handler",
        Runtime: "nodejs20.x",
      },
      {
        dependsOn: ["HandlerServiceRoleFCDC14AE"],
        metadata: {
          "aws:cdk:path": "Shop/Handler/Resource",
          "aws:asset:path": "asset.3f5a1e2b",
          "aws:asset:is-bundled": false,
          "aws:asset:property": "Code",
        },
      },
    ),
    res("Api49610EDF", REST, { Name: "Api" }),
    res("ApiCloudWatchRole73EC6FC4", "AWS::IAM::Role", { AssumeRolePolicyDocument: {} }),
    res("ApiAccountA18C9B29", "AWS::ApiGateway::Account", { CloudWatchRoleArn: "arn:aws:iam::1:role/x" }),
    res("ApiDeploymentB17BE62D3f5a1e2b", "AWS::ApiGateway::Deployment", {
      RestApiId: api,
      Description: "Automatically created by the RestApi construct",
    }),
    res("ApiDeploymentStageprod3EB9684E", "AWS::ApiGateway::Stage", {
      DeploymentId: deployment,
      RestApiId: api,
      StageName: "prod",
    }),
    res("ApiproxyE1E9B16C", "AWS::ApiGateway::Resource", {
      ParentId: root,
      PathPart: "{proxy+}",
      RestApiId: api,
    }),
    res("ApiproxyANY7F13F09C", "AWS::ApiGateway::Method", {
      HttpMethod: "ANY",
      ResourceId: proxy,
      RestApiId: api,
      AuthorizationType: "NONE",
      Integration: integration,
    }),
    res("ApiANYB3DF8C3C", "AWS::ApiGateway::Method", {
      HttpMethod: "ANY",
      ResourceId: root,
      RestApiId: api,
      AuthorizationType: "NONE",
      Integration: integration,
    }),
    res("ApiproxyANYApiPermissionShopApi", "AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      FunctionName: "arn:aws:lambda:eu-west-1:123456789012:function:Handler886CB40B",
      Principal: "apigateway.amazonaws.com",
    }),
    res("CDKMetadata", "AWS::CDK::Metadata", { Analytics: "v2:deflate64:H4sI" }),
  ]);
}

const imported = (api: PlannedDocumentApi) => importRestApi(parseDocument(JSON.stringify(api.document)));

test("a CDK LambdaRestApi: proxy and root methods, the prod stage, the function from its asset folder", () => {
  const cdkOut = folder({ "asset.3f5a1e2b/index.js": HANDLER });
  const plan = planFromCloudFormation(cdkLambdaRestApi(), options(cdkOut));
  assert.deepEqual(plan.functions, {
    Handler886CB40B: { handler: join(cdkOut, "asset.3f5a1e2b", "index.handler"), runtime: "nodejs20.x" },
  });
  assert.equal(plan.apis.length, 1);
  const api = plan.apis[0] as PlannedDocumentApi;
  assert.equal(api.type, "REST");
  assert.equal(api.id, ref("Api49610EDF", REST));
  assert.deepEqual(api.stages, [{ name: "prod" }]);
  const { definition, warnings } = imported(api);
  assert.deepEqual(warnings, []);
  assert.equal(definition.api.name, "Api");
  const byPath = Object.fromEntries(Object.values(definition.resources).map((r) => [r.path, r]));
  assert.deepEqual(Object.keys(byPath).sort(), ["/", "/{proxy+}"]);
  for (const path of ["/", "/{proxy+}"]) {
    const method = byPath[path]!.resourceMethods!.ANY!;
    assert.equal(method.authorizationType, "NONE");
    assert.equal(method.methodIntegration!.type, "AWS_PROXY");
    assert.equal(method.methodIntegration!.uri, lambdaUri("Handler886CB40B"));
  }
  // The Account resource is the one thing not carried over; roles, permissions, metadata are silent.
  assert.deepEqual(
    plan.warnings.map((w) => w.path),
    ["Resources.ApiAccountA18C9B29.Type"],
  );
});

test("a Method on a RestApi the template does not hold is refused, naming the method", () => {
  const t = cdkLambdaRestApi();
  t.resources = t.resources.map((r) =>
    r.logicalId === "ApiANYB3DF8C3C" ? { ...r, properties: { ...r.properties, RestApiId: "abcdefghij" } } : r,
  );
  const dir = folder({ "asset.3f5a1e2b/index.js": HANDLER });
  assert.throws(
    () => planFromCloudFormation(t, options(dir)),
    (err: unknown) =>
      err instanceof TemplateError &&
      err.path.endsWith("Resources.ApiANYB3DF8C3C.Properties.RestApiId") &&
      /abcdefghij.*no AWS::ApiGateway::RestApi/.test(err.message),
  );
});

test("an API with no stage is planned without one, and a notice says so", () => {
  const plan = planFromCloudFormation(
    template([res("Lonely", REST, { Name: "lonely" })]),
    options(folder({})),
  );
  assert.deepEqual((plan.apis[0] as PlannedDocumentApi).stages, []);
  assert.equal(plan.warnings.length, 1);
  assert.equal(plan.warnings[0]!.path, "Resources.Lonely.Type");
  assert.match(plan.warnings[0]!.message, /no stage/);
});
