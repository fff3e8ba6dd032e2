import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { resolveTemplate } from "../../src/templates/cfn/resolve-template.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";
import { folderWith, propertiesOf, resolveYaml, STACK } from "./cfn-resolve-support.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "real-inputs");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof TemplateError && pattern.test(error.message);

const API_TEMPLATE = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: pets }
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: ./api.yaml
`;

test("Fn::Transform AWS::Include puts a local file in place, its intrinsics resolved, includes within includes too", () => {
  const dir = folderWith({
    "api.yaml": `openapi: "3.0.1"
paths:
  /pets:
    get:
      x-amazon-apigateway-integration:
        uri: !Sub "arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations"
      responses:
        Fn::Transform: { Name: AWS::Include, Parameters: { Location: responses.json } }
`,
    "responses.json": '{"200": {"description": "ok"}}',
  });
  const resolved = resolveYaml(API_TEMPLATE, undefined, dir);
  assert.deepEqual(propertiesOf(resolved, "Api").Body, {
    openapi: "3.0.1",
    paths: {
      "/pets": {
        get: {
          "x-amazon-apigateway-integration": {
            uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:pets/invocations",
          },
          responses: { "200": { description: "ok" } },
        },
      },
    },
  });
  const api = resolved.resources.find((r) => r.logicalId === "Api")!;
  assert.deepEqual(api.dependsOn, ["Fn"], "a Ref inside an included file is a dependency too");
});

test("an include beside other keys merges into them; the top-level Transform form adds sections", () => {
  const dir = folderWith({
    "more.yaml": "Extra:\n  Type: AWS::SNS::Topic\n",
    "outputs.yaml": "Outputs:\n  Region: { Value: !Ref AWS::Region }\n",
  });
  const resolved = resolveYaml(
    `Transform:
  Name: AWS::Include
  Parameters: { Location: outputs.yaml }
Resources:
  T: { Type: AWS::SNS::Topic }
  Fn::Transform: { Name: AWS::Include, Parameters: { Location: more.yaml } }`,
    undefined,
    dir,
  );
  assert.deepEqual(
    resolved.resources.map((r) => r.logicalId),
    ["T", "Extra"],
  );
  assert.deepEqual(resolved.outputs, { Region: "eu-west-1" });
});

test("AWS::Include refuses S3 locations, missing files, a file including itself and other macros", () => {
  const include = (location: string) =>
    `Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      Fn::Transform: { Name: AWS::Include, Parameters: { Location: "${location}" } }`;
  assert.throws(
    () => resolveYaml(include("s3://bucket/api.yaml")),
    refusal(
      /^template\.yaml: Resources\.T\.Properties\.Fn::Transform: AWS::Include Location s3:\/\/bucket\/api\.yaml: Portico reads included files from disk; use a local path/,
    ),
  );
  const dir = folderWith({
    "loop.yaml": "Fn::Transform: { Name: AWS::Include, Parameters: { Location: loop.yaml } }\n",
  });
  assert.throws(
    () => resolveYaml(include("missing.yaml"), undefined, dir),
    refusal(/AWS::Include cannot read .*missing\.yaml \(ENOENT\)/),
  );
  assert.throws(
    () => resolveYaml(include("loop.yaml"), undefined, dir),
    refusal(/loop\.yaml includes itself/),
  );
  assert.throws(
    () =>
      resolveYaml(
        "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      Fn::Transform: { Name: MyMacro }",
      ),
    refusal(/the transform MyMacro is a macro; Portico runs only AWS::Include/),
  );
  const broken = folderWith({ "bad.yaml": "a: [1,\n" });
  assert.throws(() => resolveYaml(include("bad.yaml"), undefined, broken), refusal(/bad\.yaml:\d+:\d+/));
});

test("real input: the SAM translator's implicit API output resolves to concrete function ARNs", () => {
  const template = JSON.parse(fixture("sam-translator-implicit_api.output-cfn.json")) as Record<
    string,
    unknown
  >;
  const resolved = resolveTemplate(template, { file: "implicit_api.json", baseDir: FIXTURES, ...STACK });
  const body = propertiesOf(resolved, "ServerlessRestApi").Body as {
    paths: Record<string, Record<string, { "x-amazon-apigateway-integration": { uri: string } }>>;
  };
  const uris = Object.values(body.paths).flatMap((methods) =>
    Object.values(methods).map((m) => m["x-amazon-apigateway-integration"].uri),
  );
  assert.equal(uris.length, 4);
  for (const uri of uris)
    assert.match(
      uri,
      /^arn:aws:apigateway:eu-west-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:eu-west-1:123456789012:function:(RestApiFunction|GetHtmlFunction)\/invocations$/,
    );
  assert.ok(uris.some((u) => u.includes(":function:GetHtmlFunction/")));
  const permission = propertiesOf(resolved, "RestApiFunctionAddItemPermissionProd");
  assert.match(
    String(permission.SourceArn),
    /^arn:aws:execute-api:eu-west-1:123456789012:[a-z0-9]{10}\/\*\/POST\/add$/,
  );
  assert.ok(JSON.stringify(resolved).indexOf('"Fn::') < 0 && JSON.stringify(resolved).indexOf('"Ref"') < 0);
  const order = resolved.resources.map((r) => r.logicalId);
  assert.ok(order.indexOf("RestApiFunction") < order.indexOf("ServerlessRestApi"));
});

test("real input: the direct-integration OpenAPI file, included by its template, resolves", () => {
  // Its SAM template with AWS::Serverless::HttpApi as the SAM transform writes it (AWS::ApiGatewayV2::Api
  // with Body), and the other resources as they are; api.yaml is the sample's file byte for byte.
  const sam = parseTemplateText(
    fixture("sessions-with-aws-sam-http-api-direct-integration-template.yaml"),
    "template.yaml",
  );
  const resources = structuredClone(sam.Resources) as Record<string, Record<string, unknown>>;
  delete resources.MyTriggeredLambda;
  const serverlessApi = resources.MyHttpApi!;
  resources.MyHttpApi = {
    Type: "AWS::ApiGatewayV2::Api",
    Properties: { Body: (serverlessApi.Properties as Record<string, unknown>).DefinitionBody },
  };
  const dir = folderWith({
    "api.yaml": fixture("sessions-with-aws-sam-http-api-direct-integration-api.yaml"),
  });
  const resolved = resolveTemplate(
    { ...sam, Transform: undefined, Resources: resources },
    { file: "template.yaml", baseDir: dir, ...STACK },
  );
  const paths = (
    propertiesOf(resolved, "MyHttpApi").Body as {
      paths: Record<string, { post: Record<string, Record<string, unknown>> }>;
    }
  ).paths;
  const sqs = paths["/sqs"]!.post["x-amazon-apigateway-integration"]!;
  assert.equal(sqs.credentials, "arn:aws:iam::123456789012:role/shop-MyHttpApiRole");
  assert.equal(
    (sqs.requestParameters as Record<string, unknown>).QueueUrl,
    "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-MyQueue",
  );
  const kinesis = paths["/kinesis"]!.post["x-amazon-apigateway-integration"]!;
  assert.equal((kinesis.requestParameters as Record<string, unknown>).StreamName, "shop-MyStream");
  const api = resolved.resources.find((r) => r.logicalId === "MyHttpApi")!;
  assert.deepEqual(api.dependsOn.sort(), ["MyHttpApiRole", "MyQueue", "MyStream"]);
  assert.match(
    String(resolved.outputs.ApiEndpoint),
    /^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/,
  );
  const role = propertiesOf(resolved, "MyHttpApiRole") as {
    Policies: { PolicyDocument: { Statement: { Resource: string[] } } }[];
  };
  assert.deepEqual(role.Policies[1]!.PolicyDocument.Statement.Resource, [
    "arn:aws:events:eu-west-1:123456789012:event-bus/default",
  ]);
});

test("real input: the SAM template itself is refused until the SAM transform has run", () => {
  const sam = parseTemplateText(
    fixture("sessions-with-aws-sam-http-api-direct-integration-template.yaml"),
    "template.yaml",
  );
  const dir = folderWith({
    "api.yaml": fixture("sessions-with-aws-sam-http-api-direct-integration-api.yaml"),
  });
  assert.throws(
    () => resolveTemplate(sam, { file: "template.yaml", baseDir: dir, ...STACK }),
    refusal(/Resources\.MyHttpApi\.Type: AWS::Serverless::HttpApi is a SAM resource/),
  );
});
