import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { propertiesOf, resolveYaml } from "./cfn-resolve-support.ts";

const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof TemplateError && pattern.test(error.message);

const TEMPLATE = `Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Region2: { Type: String, Default: "" }
Mappings:
  Sizes:
    dev: { Cache: "0.5" }
    prod: { Cache: "6.1" }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  HasRegion2: !Not [!Equals [!Ref Region2, ""]]
  ProdWithRegion2: !And [!Condition IsProd, !Condition HasRegion2]
  AnyOf: !Or [!Condition IsProd, !Equals [!FindInMap [Sizes, !Ref Stage, Cache], "0.5"]]
  InEurope: !Equals [!Select [0, !Split ["-", !Ref AWS::Region]], eu]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: !If [IsProd, prod-api, !Sub "\${Stage}-api"]
      Cache: !If [IsProd, true, !Ref AWS::NoValue]
      Europe: !If [InEurope, yes, no]
      Any: !If [AnyOf, yes, no]
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Replica:
    Type: AWS::SNS::Topic
    Condition: ProdWithRegion2
  Alarm:
    Type: AWS::SNS::Topic
    Properties:
      Topic: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue]
Outputs:
  ProdTopic:
    Condition: IsProd
    Value: !Ref ProdOnly
  ApiName:
    Value: !If [IsDev, dev, prod]
`;

test("Fn::If picks its branch by the condition; Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition evaluate", () => {
  const dev = resolveYaml(TEMPLATE);
  assert.deepEqual(propertiesOf(dev, "Api"), { Name: "dev-api", Europe: "yes", Any: "yes" });
  assert.deepEqual(propertiesOf(dev, "Alarm"), {});
  const prod = resolveYaml(TEMPLATE, { Stage: "prod" });
  assert.deepEqual(propertiesOf(prod, "Api"), { Name: "prod-api", Cache: true, Europe: "yes", Any: "yes" });
  assert.match(
    String(propertiesOf(prod, "Alarm").Topic),
    /^arn:aws:sns:eu-west-1:123456789012:shop-ProdOnly$/,
  );
});

test("a resource whose Condition is false is left out, and so is an output's", () => {
  const ids = (r: ReturnType<typeof resolveYaml>) => r.resources.map((x) => x.logicalId).sort();
  const dev = resolveYaml(TEMPLATE);
  assert.deepEqual(ids(dev), ["Alarm", "Api"]);
  assert.deepEqual(dev.outputs, { ApiName: "dev" });
  const prod = resolveYaml(TEMPLATE, { Stage: "prod" });
  assert.deepEqual(ids(prod), ["Alarm", "Api", "ProdOnly"]);
  assert.deepEqual(Object.keys(prod.outputs).sort(), ["ApiName", "ProdTopic"]);
  assert.deepEqual(ids(resolveYaml(TEMPLATE, { Stage: "prod", Region2: "us-east-1" })), [
    "Alarm",
    "Api",
    "ProdOnly",
    "Replica",
  ]);
});

test("a Ref to a left-out resource outside a false branch is CloudFormation's unresolved dependency", () => {
  const text = TEMPLATE.replace(
    "      Topic: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue]",
    "      Topic: !Ref ProdOnly",
  );
  assert.throws(
    () => resolveYaml(text),
    refusal(
      /^template\.yaml: Resources: Template format error: Unresolved resource dependencies \[ProdOnly\] in the Resources block of the template$/,
    ),
  );
  assert.doesNotThrow(() => resolveYaml(text, { Stage: "prod" }));
  const output = TEMPLATE.replace(
    "    Condition: IsProd\n    Value: !Ref ProdOnly",
    "    Value: !Ref ProdOnly",
  );
  assert.throws(
    () => resolveYaml(output),
    refusal(/Unresolved resource dependencies \[ProdOnly\] in the Outputs block/),
  );
  const dependsOn = TEMPLATE.replace(
    "  Alarm:\n    Type: AWS::SNS::Topic\n",
    "  Alarm:\n    Type: AWS::SNS::Topic\n    DependsOn: ProdOnly\n",
  );
  assert.throws(() => resolveYaml(dependsOn), refusal(/Unresolved resource dependencies \[ProdOnly\]/));
});

test("conditions that name each other in a loop are refused", () => {
  const text = `Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  T: { Type: AWS::SNS::Topic }`;
  assert.throws(() => resolveYaml(text), refusal(/Circular dependency between conditions: \[A, B\]/));
});

test("an undeclared condition, a resource in Conditions and a malformed condition are refused", () => {
  assert.throws(
    () => resolveYaml("Resources:\n  T: { Type: AWS::SNS::Topic, Condition: Nope }"),
    refusal(/Resources\.T\.Condition: Template format error: Unresolved condition dependency Nope/),
  );
  assert.throws(
    () => resolveYaml("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: { A: !If [Nope, a, b] }"),
    refusal(/Resources\.T\.Properties\.A: Template format error: Unresolved condition dependency Nope/),
  );
  assert.throws(
    () => resolveYaml("Conditions:\n  C: !Equals [!Ref T, x]\nResources:\n  T: { Type: AWS::SNS::Topic }"),
    refusal(
      /Unresolved dependencies \[T\]\. Cannot reference resources in the Conditions block of the template/,
    ),
  );
  assert.throws(
    () => resolveYaml("Conditions:\n  C: !Equals [a]\nResources:\n  T: { Type: AWS::SNS::Topic }"),
    refusal(/Conditions\.C\.Fn::Equals: Fn::Equals takes a list of 2 items/),
  );
  assert.throws(
    () => resolveYaml("Conditions:\n  C: true\nResources:\n  T: { Type: AWS::SNS::Topic }"),
    refusal(/Conditions\.C: a condition is one of Fn::Equals/),
  );
  assert.throws(
    () => resolveYaml("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: { A: !If [C, a] }"),
    refusal(/Fn::If takes \[ConditionName, valueIfTrue, valueIfFalse\]/),
  );
});

test("Properties given wholly by Fn::If become the chosen mapping", () => {
  const resolved = resolveYaml(`Parameters:
  On: { Type: String, Default: "yes" }
Conditions:
  IsOn: !Equals [!Ref On, "yes"]
Resources:
  T:
    Type: AWS::SNS::Topic
    Properties: !If [IsOn, { TopicName: on }, !Ref AWS::NoValue]`);
  assert.deepEqual(propertiesOf(resolved, "T"), { TopicName: "on" });
  assert.deepEqual(
    propertiesOf(
      resolveYaml(
        "Parameters:\n  On: { Type: String, Default: 'no' }\nConditions:\n  IsOn: !Equals [!Ref On, 'yes']\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: !If [IsOn, { TopicName: on }, !Ref AWS::NoValue]",
      ),
      "T",
    ),
    {},
  );
});
