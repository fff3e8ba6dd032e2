import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveTemplate } from "../../src/templates/cfn/resolve-template.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { propertiesOf, resolveYaml, STACK } from "./cfn-resolve-support.ts";

const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof TemplateError && pattern.test(error.message);
const resolveObject = (template: Record<string, unknown>) =>
  resolveTemplate(template, { file: "template.json", baseDir: "/nonexistent", ...STACK });

test("resources come in creation order, each after what it needs, with its dependencies listed", () => {
  const resolved = resolveYaml(`Resources:
  Permission:
    Type: AWS::Lambda::Permission
    DependsOn: Role
    Properties: { FunctionName: !GetAtt Fn.Arn, SourceArn: !Sub "arn:\${Api}" }
  Api:
    Type: AWS::ApiGateway::RestApi
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Role: !GetAtt Role.Arn }
  Role:
    Type: AWS::IAM::Role`);
  const order = resolved.resources.map((r) => r.logicalId);
  assert.deepEqual(order, ["Role", "Fn", "Api", "Permission"]);
  const permission = resolved.resources.find((r) => r.logicalId === "Permission")!;
  assert.deepEqual(permission.dependsOn, ["Role", "Fn", "Api"]);
});

test("a loop through Ref, GetAtt, Sub or DependsOn is CloudFormation's circular dependency", () => {
  const loops = [
    "  A:\n    Type: AWS::SNS::Topic\n    Properties: { X: !Ref B }\n  B:\n    Type: AWS::SNS::Topic\n    Properties: { X: !GetAtt A.TopicArn }",
    "  A:\n    Type: AWS::SNS::Topic\n    Properties: { X: !Sub '${B}' }\n  B:\n    Type: AWS::SNS::Topic\n    DependsOn: [A]",
    "  A:\n    Type: AWS::SNS::Topic\n    DependsOn: B\n  B:\n    Type: AWS::SNS::Topic\n    Properties: { X: !Sub '${A.TopicName}' }",
  ];
  for (const body of loops)
    assert.throws(
      () => resolveYaml(`Resources:\n${body}`),
      refusal(/^template\.yaml: Resources: Circular dependency between resources: \[A, B\]$/),
      body,
    );
  assert.throws(
    () => resolveYaml("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: { X: !Ref A }"),
    refusal(/Circular dependency between resources: \[A\]/),
  );
});

test("a Ref to a name nothing declares is CloudFormation's unresolved dependency, naming every such name", () => {
  assert.throws(
    () =>
      resolveYaml(
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: Gone\n    Properties: { X: !Ref Missing, Y: !Ref Missing }",
      ),
    refusal(
      /^template\.yaml: Resources: Template format error: Unresolved resource dependencies \[Gone, Missing\] in the Resources block of the template$/,
    ),
  );
});

test("a Ref in the false branch of Fn::If needs nothing, so it makes no loop", () => {
  const resolved = resolveYaml(`Conditions:
  Never: !Equals [a, b]
Resources:
  A:
    Type: AWS::SNS::Topic
    Properties: { X: !If [Never, !Ref B, none] }
  B:
    Type: AWS::SNS::Topic
    Properties: { X: !Ref A }`);
  assert.deepEqual(
    resolved.resources.map((r) => r.logicalId),
    ["A", "B"],
  );
});

test("the Resources section and each resource's shape are checked, naming the logical id", () => {
  const cases: [string, RegExp][] = [
    [
      "Parameters: {}",
      /^template\.yaml: Resources: Template format error: At least one Resources member must be defined\.$/,
    ],
    ["Resources: {}", /At least one Resources member must be defined/],
    ["Resources: [a]", /At least one Resources member must be defined/],
    [
      "Resources:\n  A: { Properties: {} }",
      /Resources\.A: Template format error: \[\/Resources\/A\] Every Resources object must contain a Type member\./,
    ],
    ["Resources:\n  A: { Type: 3 }", /Resources\.A: .*must contain a Type member/],
    ["Resources:\n  A: just-a-string", /Resources\.A: .*must contain a Type member/],
    ["Resources:\n  my-bucket: { Type: AWS::S3::Bucket }", /Resource name my-bucket is non alphanumeric/],
    [
      "Resources:\n  A: { Type: AWS::SNS::Topic, Properties: [x] }",
      /Resources\.A\.Properties: Properties must be a mapping/,
    ],
    [
      "Resources:\n  A: { Type: AWS::SNS::Topic, DependsOn: [1] }",
      /Resources\.A\.DependsOn: DependsOn must be/,
    ],
    [
      "Resources:\n  A: { Type: AWS::SNS::Topic, Condition: [x] }",
      /Resources\.A\.Condition: Condition must be the name/,
    ],
    [
      "Resources:\n  A: { Type: AWS::SNS::Topic }\nOutputs:\n  O: { Description: x }",
      /Outputs\.O: .*must contain a Value/,
    ],
    ["Resources:\n  A: { Type: AWS::SNS::Topic }\nMappings: [x]", /Mappings: Mappings must be a mapping/],
  ];
  for (const [text, pattern] of cases) assert.throws(() => resolveYaml(text), refusal(pattern), text);
});

test("SAM resources that reach the resolver ask for the SAM transform", () => {
  assert.throws(
    () => resolveYaml("Resources:\n  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: a.b } }"),
    refusal(
      /Resources\.Fn\.Type: AWS::Serverless::Function is a SAM resource: the template needs Transform: AWS::Serverless-2016-10-31/,
    ),
  );
});

test("the input template is never changed", () => {
  const template = {
    Parameters: { Name: { Type: "String", Default: "n" } },
    Conditions: { Yes: { "Fn::Equals": ["a", "a"] } },
    Resources: {
      T: {
        Type: "AWS::SNS::Topic",
        Properties: {
          Gone: { Ref: "AWS::NoValue" },
          Name: { Ref: "Name" },
          If: { "Fn::If": ["Yes", "y", "n"] },
        },
      },
    },
  };
  const before = structuredClone(template);
  const resolved = resolveObject(template);
  assert.deepEqual(template, before);
  (propertiesOf(resolved, "T") as Record<string, unknown>).Name = "changed";
  assert.deepEqual(template, before);
});

test("a __proto__ key is dropped with a notice and pollutes nothing", () => {
  const template = JSON.parse(
    '{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"__proto__":{"polluted":true},"Tags":[{"__proto__":{"x":1},"Key":"k"}]}}}}',
  ) as Record<string, unknown>;
  const resolved = resolveObject(template);
  const properties = propertiesOf(resolved, "T");
  assert.equal(Object.getPrototypeOf(properties), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(properties, { Tags: [{ Key: "k" }] });
  assert.deepEqual(
    resolved.notices.map((n) => n.path),
    ["Resources.T.Properties.__proto__", "Resources.T.Properties.Tags[0].__proto__"],
  );
});

test("a template nested without end, or cyclic, is refused instead of overflowing the stack", () => {
  let deep: unknown = "leaf";
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  assert.throws(
    () => resolveObject({ Resources: { T: { Type: "AWS::SNS::Topic", Properties: { Deep: deep } } } }),
    refusal(/nested more than 128 levels deep/),
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(
    () => resolveObject({ Resources: { T: { Type: "AWS::SNS::Topic", Properties: cyclic } } }),
    refusal(/nested more than 128 levels deep/),
  );
  assert.throws(
    () => resolveObject([] as unknown as Record<string, unknown>),
    refusal(/a template is a mapping/),
  );
});
