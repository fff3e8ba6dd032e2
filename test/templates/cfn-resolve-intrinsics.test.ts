import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { propertiesOf, resolveYaml, topicWith } from "./cfn-resolve-support.ts";

const props = (body: string, head = "") => propertiesOf(resolveYaml(topicWith(body, head)), "Topic");
const refusal = (pattern: RegExp) => (error: unknown) =>
  error instanceof TemplateError && pattern.test(error.message);

test("pseudo parameters give the stack's region, account, name, partition and a stable stack id", () => {
  const p = props(`      A: !Ref AWS::Region
      B: !Ref AWS::AccountId
      C: !Ref AWS::StackName
      D: !Ref AWS::Partition
      E: !Ref AWS::URLSuffix
      F: !Ref AWS::NotificationARNs
      G: !Ref AWS::StackId`);
  assert.deepEqual(
    [p.A, p.B, p.C, p.D, p.E, p.F],
    ["eu-west-1", "123456789012", "shop", "aws", "amazonaws.com", []],
  );
  assert.match(
    String(p.G),
    /^arn:aws:cloudformation:eu-west-1:123456789012:stack\/shop\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
  );
  assert.equal(props("      G: !Ref AWS::StackId").G, p.G, "the same stack id on every run");
});

test("AWS::NoValue removes the property or the list item holding it", () => {
  const p = props(`      Gone: !Ref AWS::NoValue
      Kept: yes
      List: [a, !Ref AWS::NoValue, b]`);
  assert.deepEqual(p, { Kept: "yes", List: ["a", "b"] });
});

test("Ref of a resource gives refOf's value; GetAtt in both forms gives attributeOf's", () => {
  const resolved = resolveYaml(`Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: orders }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: checkout }
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Url: !Ref Queue
      Arn: !GetAtt Queue.Arn
      Long: { "Fn::GetAtt": [Fn, Arn] }
      Dotted: { "Fn::GetAtt": "Fn.Arn" }
      Name: !Ref Fn`);
  assert.deepEqual(propertiesOf(resolved, "Topic"), {
    Url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
    Arn: "arn:aws:sqs:eu-west-1:123456789012:orders",
    Long: "arn:aws:lambda:eu-west-1:123456789012:function:checkout",
    Dotted: "arn:aws:lambda:eu-west-1:123456789012:function:checkout",
    Name: "checkout",
  });
  assert.deepEqual(resolved.notices, []);
});

test("Cognito user pools and log groups, as JWT authorizers and access logs name them", () => {
  const resolved = resolveYaml(`Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: /api/access }
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Issuer: !GetAtt Pool.ProviderURL
      Arn: !GetAtt Pool.Arn
      Same: !Sub "https://cognito-idp.\${AWS::Region}.amazonaws.com/\${Pool}"
      LogArn: !GetAtt Logs.Arn`);
  const p = propertiesOf(resolved, "Topic");
  assert.match(String(p.Issuer), /^https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_[a-z0-9]{9}$/);
  assert.equal(p.Same, p.Issuer);
  assert.equal(
    p.Arn,
    `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${String(p.Issuer).split("/").pop()}`,
  );
  assert.equal(p.LogArn, "arn:aws:logs:eu-west-1:123456789012:log-group:/api/access:*");
  assert.deepEqual(resolved.notices, []);
});

test("a resource's Ref sees its resolved properties (a FunctionName built with Fn::Sub)", () => {
  const resolved = resolveYaml(`Resources:
  Api:
    Type: AWS::SNS::Topic
    Properties: { Arn: !GetAtt Fn.Arn }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { FunctionName: !Sub "\${AWS::StackName}-pay" }`);
  assert.equal(propertiesOf(resolved, "Api").Arn, "arn:aws:lambda:eu-west-1:123456789012:function:shop-pay");
});

test("an attribute Portico does not know gives a placeholder and a notice, not a crash", () => {
  const resolved = resolveYaml(`Resources:
  Client:
    Type: AWS::Cognito::UserPoolClient
  Topic:
    Type: AWS::SNS::Topic
    Properties: { Url: !GetAtt Client.ClientSecret }`);
  assert.equal(propertiesOf(resolved, "Topic").Url, "unresolved:Client.ClientSecret");
  assert.equal(resolved.notices.length, 1);
  assert.equal(resolved.notices[0]!.logicalId, "Topic");
  assert.equal(resolved.notices[0]!.path, "Resources.Topic.Properties.Url");
  assert.match(resolved.notices[0]!.message, /AWS::Cognito::UserPoolClient's attribute ClientSecret/);
});

test("Fn::GetAtt of an id no resource has is CloudFormation's refusal", () => {
  assert.throws(
    () => props("      Arn: !GetAtt Nothing.Arn"),
    refusal(
      /^template\.yaml: Resources\.Topic\.Properties\.Arn: Template error: instance of Fn::GetAtt references undefined resource Nothing$/,
    ),
  );
});

test("Fn::Sub: parameters, pseudo parameters, resources, attributes, ${!Literal} and the variable map", () => {
  const resolved = resolveYaml(`Parameters:
  Stage: { Type: String, Default: prod }
Resources:
  Fn:
    Type: AWS::Lambda::Function
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
      Plain: !Sub "\${Stage}-\${Fn}-\${!Literal}-\${AWS::AccountId}"
      Mapped: !Sub
        - "\${Name}/\${Stage}"
        - Name: !Join ["-", [a, b]]
      Unclosed: !Sub "cost: \${"`);
  const p = propertiesOf(resolved, "Topic");
  assert.equal(
    p.Uri,
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:Fn/invocations",
  );
  assert.equal(p.Plain, "prod-Fn-${Literal}-123456789012");
  assert.equal(p.Mapped, "a-b/prod");
  assert.equal(p.Unclosed, "cost: ${");
});

test("Fn::Sub of a list value, or of a name nobody declares, is refused naming the place", () => {
  assert.throws(
    () =>
      props("      A: !Sub '${Zones}'", "Parameters:\n  Zones: { Type: CommaDelimitedList, Default: 'a,b' }"),
    refusal(/Resources\.Topic\.Properties\.A: Fn::Sub: \$\{Zones\} is \["a","b"\], not a string/),
  );
  assert.throws(
    () => props("      A: !Sub '${Nobody}'"),
    refusal(
      /Template format error: Unresolved resource dependencies \[Nobody\] in the Resources block of the template/,
    ),
  );
});

test("Fn::Join, Fn::Split, Fn::Select, Fn::Length, Fn::Base64, Fn::GetAZs, Fn::ToJsonString", () => {
  const p = props(`      Join: !Join [":", [a, 1, !Ref AWS::Region]]
      Split: !Split [",", "x,y,,z"]
      Select: !Select [1, !Split [",", "x,y,z"]]
      SelectText: !Select ["2", [p, q, r]]
      Length: !Length [a, b, !Ref AWS::NoValue, c]
      Base64: !Base64 "hello"
      Zones: !GetAZs ""
      OtherZones: !GetAZs us-west-2
      FirstZone: !Select [0, !GetAZs ""]
      Json: !ToJsonString { a: !Ref AWS::Region, b: [1, true] }`);
  assert.deepEqual(p, {
    Join: "a:1:eu-west-1",
    Split: ["x", "y", "", "z"],
    Select: "y",
    SelectText: "r",
    Length: 3,
    Base64: "aGVsbG8=",
    Zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    OtherZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    FirstZone: "eu-west-1a",
    Json: '{"a":"eu-west-1","b":[1,true]}',
  });
});

test("Fn::Select out of bounds and malformed arguments are refused with the function named", () => {
  assert.throws(
    () => props("      A: !Select [3, [a, b]]"),
    refusal(
      /Resources\.Topic\.Properties\.A\.Fn::Select: Template error: Fn::Select cannot select nonexistent value at index 3/,
    ),
  );
  assert.throws(
    () => props("      A: !Select [-1, [a]]"),
    refusal(/Fn::Select: the index must be a whole number/),
  );
  assert.throws(() => props('      A: !Join [","]'), refusal(/Fn::Join takes a list of 2 items/));
  assert.throws(() => props('      A: !Join [",", [[a]]]'), refusal(/Fn::Join: each value must be a string/));
  assert.throws(() => props("      A: !Base64 [a]"), refusal(/Fn::Base64: the value must be a string/));
  assert.equal(
    props('      A: !Join [",", [!Ref AWS::NoValue]]').A,
    "",
    "a removed item leaves nothing to join",
  );
});

test("Fn::FindInMap looks up two levels, keys may be Refs, DefaultValue answers a missing key", () => {
  const head = `Mappings:
  Regions:
    eu-west-1: { Ami: ami-eu, Zones: [x, y] }`;
  const p = props(
    `      Ami: !FindInMap [Regions, !Ref AWS::Region, Ami]
      Zones: !FindInMap [Regions, !Ref AWS::Region, Zones]
      Fallback: !FindInMap [Regions, nowhere, Ami, { DefaultValue: ami-default }]`,
    head,
  );
  assert.deepEqual(p, { Ami: "ami-eu", Zones: ["x", "y"], Fallback: "ami-default" });
  assert.throws(
    () => props("      A: !FindInMap [Regions, nowhere, Ami]", head),
    refusal(/Template error: Unable to get mapping for Regions::nowhere::Ami/),
  );
  assert.throws(
    () => props("      A: !FindInMap [Nope, a, b]", head),
    refusal(/Mapping named 'Nope' is not present in the 'Mappings' section of template/),
  );
});

test("an unknown intrinsic function is refused with the template path, even deep in an OpenAPI body", () => {
  const text = `Resources:
  MyApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        paths:
          /x:
            get:
              Fn::Bogus: [1]
`;
  assert.throws(
    () => resolveYaml(text),
    (error: unknown) =>
      error instanceof TemplateError &&
      error.message ===
        "template.yaml: Resources.MyApi.Properties.Body.paths./x.get: unknown intrinsic function Fn::Bogus",
  );
});

test("Fn::ImportValue, condition functions outside Conditions and an Fn:: key beside others are refused", () => {
  assert.throws(
    () => props("      A: !ImportValue shared-vpc"),
    refusal(/Fn::ImportValue reads another stack's exports/),
  );
  assert.throws(
    () => props("      A: !Equals [a, a]"),
    refusal(/Fn::Equals can only be used in the Conditions section/),
  );
  assert.throws(() => props("      A: !Cidr [10.0.0.0/16, 2, 8]"), refusal(/Fn::Cidr is not supported/));
  assert.throws(
    () => props("      A: { 'Fn::Join': [',', [a]], Other: 1 }"),
    refusal(/Properties\.A: Fn::Join must be the only key of its mapping/),
  );
  assert.throws(() => props("      A: { Ref: [a] }"), refusal(/Ref takes a name/));
});

test("values inside an OpenAPI body are resolved like any property, and plain keys named Ref or Condition stay", () => {
  const resolved = resolveYaml(`Resources:
  Fn:
    Type: AWS::Lambda::Function
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        paths:
          /pets:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                uri: { "Fn::Sub": "arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations" }
      Policy:
        Statement:
          - Effect: Allow
            Condition: { IpAddress: { "aws:SourceIp": 10.0.0.0/8 } }
            Ref: [kept, as, data]
            Other: 1`);
  const body = propertiesOf(resolved, "Api").Body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const integration = body.paths["/pets"]!.get!["x-amazon-apigateway-integration"] as Record<string, unknown>;
  assert.equal(
    integration.uri,
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:Fn/invocations",
  );
  const statement = (propertiesOf(resolved, "Api").Policy as { Statement: Record<string, unknown>[] })
    .Statement[0]!;
  assert.deepEqual(statement.Condition, { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } });
  assert.deepEqual(statement.Ref, ["kept", "as", "data"]);
});
