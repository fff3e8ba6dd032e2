import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { propertiesOf, resolveYaml, topicWith } from "./cfn-resolve-support.ts";

const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof TemplateError && pattern.test(error.message);
const withParameters = (parameters: string, body = "      Name: fixed") =>
  topicWith(body, `Parameters:\n${parameters}`);

test("a parameter takes its Default, an override wins, and Ref gives the value (numbers as strings)", () => {
  const text = withParameters(
    `  Stage: { Type: String, Default: dev }
  Count: { Type: Number, Default: 3 }
  Secret: { Type: String, NoEcho: true, Default: s3cret }`,
    "      Stage: !Ref Stage\n      Count: !Ref Count\n      Secret: !Ref Secret",
  );
  assert.deepEqual(propertiesOf(resolveYaml(text), "Topic"), { Stage: "dev", Count: "3", Secret: "s3cret" });
  const overridden = resolveYaml(text, { Stage: "prod", Count: "7" });
  assert.deepEqual(propertiesOf(overridden, "Topic"), { Stage: "prod", Count: "7", Secret: "s3cret" });
  assert.deepEqual(overridden.parameters, { Stage: "prod", Count: "7", Secret: "s3cret" });
});

test("list parameters are lists, each item trimmed, usable by Fn::Join and Fn::Select", () => {
  const resolved = resolveYaml(
    withParameters(
      `  Zones: { Type: CommaDelimitedList, Default: "a, b ,c" }
  Ports: { Type: "List<Number>", Default: "80,443" }
  Subnets: { Type: "List<AWS::EC2::Subnet::Id>", Default: "subnet-1,subnet-2" }`,
      "      Zones: !Ref Zones\n      Joined: !Join ['+', !Ref Ports]\n      Second: !Select [1, !Ref Subnets]",
    ),
  );
  assert.deepEqual(propertiesOf(resolved, "Topic"), {
    Zones: ["a", "b", "c"],
    Joined: "80+443",
    Second: "subnet-2",
  });
  assert.deepEqual(resolved.parameters.Ports, ["80", "443"]);
});

test("a parameter with no Default and no override is refused as sam deploy refuses it", () => {
  const text = withParameters(
    "  Stage: { Type: String }\n  Owner: { Type: String }\n  Ok: { Type: String, Default: x }",
  );
  assert.throws(
    () => resolveYaml(text),
    refusal(/^template\.yaml: Parameters: Parameters: \[Stage, Owner\] must have values$/),
  );
  assert.doesNotThrow(() => resolveYaml(text, { Stage: "a", Owner: "b" }));
});

test("an override for a parameter the template does not declare is refused", () => {
  assert.throws(
    () => resolveYaml(withParameters("  Stage: { Type: String, Default: a }"), { Stag: "b" }),
    refusal(/Parameters: \[Stag\] do not exist in the template/),
  );
});

test("AllowedValues, AllowedPattern, MinLength, MaxLength, MinValue and MaxValue in CloudFormation's words", () => {
  const cases: [string, string, RegExp][] = [
    ["{ Type: String, AllowedValues: [dev, prod] }", "test", /Parameter 'P' must be one of AllowedValues/],
    ["{ Type: String, AllowedPattern: '[a-z]+' }", "abc1", /Parameter 'P' must match pattern \[a-z\]\+/],
    ["{ Type: String, MinLength: 3 }", "ab", /Parameter 'P' must contain at least 3 characters/],
    ["{ Type: String, MaxLength: 2 }", "abc", /Parameter 'P' must contain at most 2 characters/],
    ["{ Type: Number }", "ten", /Parameter 'P' must be a number$/],
    ["{ Type: Number, MinValue: 5 }", "4", /Parameter 'P' must be a number not less than 5/],
    ["{ Type: Number, MaxValue: 5 }", "5.5", /Parameter 'P' must be a number not greater than 5/],
    ["{ Type: 'List<Number>' }", "1,x", /Parameter 'P' must be a number/],
    [
      "{ Type: CommaDelimitedList, AllowedValues: [a, b] }",
      "a,c",
      /Parameter 'P' must be one of AllowedValues/,
    ],
    [
      "{ Type: String, AllowedPattern: '[a-z]+', ConstraintDescription: lower-case letters only }",
      "ABC",
      /Parameter 'P' failed to satisfy constraint: lower-case letters only/,
    ],
  ];
  for (const [decl, value, pattern] of cases) {
    const text = withParameters(`  P: ${decl}`);
    assert.throws(() => resolveYaml(text, { P: value }), refusal(pattern), `${decl} with ${value}`);
  }
  // The pattern matches the whole value, as Java's matches() does.
  assert.doesNotThrow(() =>
    resolveYaml(withParameters("  P: { Type: String, AllowedPattern: '[a-z]+' }"), { P: "abc" }),
  );
  assert.doesNotThrow(() =>
    resolveYaml(withParameters("  P: { Type: Number, MinValue: 1, MaxValue: 9 }"), { P: "9" }),
  );
  // A Default is checked too.
  assert.throws(
    () => resolveYaml(withParameters("  P: { Type: String, Default: x, AllowedValues: [a] }")),
    refusal(/must be one of AllowedValues/),
  );
});

test("SSM parameter types take an override as the value, or the Default with a notice", () => {
  const text = withParameters(
    "  Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /base/ami }",
    "      Ami: !Ref Ami",
  );
  const defaulted = resolveYaml(text);
  assert.equal(propertiesOf(defaulted, "Topic").Ami, "/base/ami");
  assert.equal(defaulted.notices.length, 1);
  assert.match(defaulted.notices[0]!.message, /does not read Systems Manager parameters/);
  const overridden = resolveYaml(text, { Ami: "ami-123" });
  assert.equal(propertiesOf(overridden, "Topic").Ami, "ami-123");
  assert.deepEqual(overridden.notices, []);
  assert.throws(
    () => resolveYaml(withParameters("  Ami: { Type: 'AWS::SSM::Parameter::Value<String>' }")),
    refusal(/Parameters: \[Ami\] must have values/),
  );
});

test("malformed declarations are refused naming the parameter", () => {
  assert.throws(
    () => resolveYaml(withParameters("  P: { Type: Text }")),
    refusal(/Parameters\.P\.Type: Template format error: Unrecognized parameter type: Text/),
  );
  assert.throws(
    () => resolveYaml(withParameters("  P: { Default: a }")),
    refusal(/Parameters\.P: Template format error: Every Parameters object must contain a Type member/),
  );
  assert.throws(
    () => resolveYaml(withParameters("  P: { Type: String, Default: { a: 1 } }")),
    refusal(/Parameters\.P\.Default: .*Every Default member must be a string/),
  );
  assert.throws(
    () => resolveYaml(withParameters("  P: { Type: String, Default: a, AllowedPattern: '[a-' }")),
    refusal(/Parameters\.P\.AllowedPattern: not a valid pattern/),
  );
  assert.throws(
    () => resolveYaml(withParameters("  my-param: { Type: String, Default: a }")),
    refusal(/non alphanumeric/),
  );
  assert.throws(
    () =>
      resolveYaml(
        `Parameters:\n  Topic: { Type: String, Default: a }\nResources:\n  Topic: { Type: AWS::SNS::Topic }`,
      ),
    refusal(/Topic is both a parameter and a resource/),
  );
});
