import assert from "node:assert/strict";
import { test } from "node:test";
import { serverlessToCloudFormation } from "../../src/templates/serverless/read-serverless.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";
import { convert, FIXTURES, type Json, props } from "./serverless-support.ts";

/** A service whose one function's environment holds the values under test. */
const service = (environment: string, extra = "") => `
service: vars
${extra}
provider:
  name: aws
  runtime: nodejs20.x
functions:
  hello:
    handler: handler.hello
    environment:
${environment}
`;
const envOf = (t: ReturnType<typeof convert>) =>
  (props(t, "HelloLambdaFunction").Environment as Json).Variables as Record<string, unknown>;

test("opt, env, self, sls, aws and param variables, fallbacks in order, nested and inside strings", () => {
  const t = convert(
    service(
      `      STAGE: \${opt:stage, 'dev'}
      FROM_OPT: \${opt:color}
      SLS: \${sls:stage}
      REGION: \${aws:region}
      ACCOUNT: arn:aws:sqs:\${aws:region}:\${aws:accountId}:q
      HOME_DIR: \${env:HOME_DIR}
      MISSING_ENV: \${env:NOT_SET, 'fallback'}
      CHAIN: \${env:NOT_SET, opt:nope, self:custom.name}
      NESTED: \${self:custom.\${sls:stage}.table}
      INTERPOLATED: \${self:service}-\${sls:stage}-table
      PARAM: \${param:apiUrl}
      PARAM_DEFAULT: \${param:only}
      NUMBER: \${self:custom.count}
      CFN: arn:\${AWS::Partition}:s3:::\${Bucket}`,
      `custom:
  name: from-custom
  count: 3
  prod:
    table: prod-table
params:
  default:
    only: default-value
    apiUrl: default-url`,
    ),
    {
      stage: "prod",
      region: "eu-west-2",
      env: { HOME_DIR: "/home/me" },
      options: { color: "blue", "param:apiUrl": "https://x" },
    },
  );
  assert.deepEqual(envOf(t), {
    STAGE: "prod",
    FROM_OPT: "blue",
    SLS: "prod",
    REGION: "eu-west-2",
    ACCOUNT: { "Fn::Join": ["", ["arn:aws:sqs:", "eu-west-2", ":", { Ref: "AWS::AccountId" }, ":q"]] },
    HOME_DIR: "/home/me",
    MISSING_ENV: "fallback",
    CHAIN: "from-custom",
    NESTED: "prod-table",
    INTERPOLATED: "vars-prod-table",
    PARAM: "https://x",
    PARAM_DEFAULT: "default-value",
    NUMBER: "3",
    CFN: "arn:${AWS::Partition}:s3:::${Bucket}",
  });
  assert.equal(t.stage, "prod");
  assert.equal(t.stackName, "vars-prod");
});

test("the stage is --stage, else provider.stage (variables and all), else dev; region likewise us-east-1", () => {
  const text = (stage: string) => `
service: s
provider: { name: aws, runtime: nodejs20.x, stage: ${stage} }
functions: { f: { handler: h.f } }
`;
  assert.equal(convert(text("'${opt:stage, \"qa\"}'")).stage, "qa");
  assert.equal(convert(text("'${env:STAGE}'"), { env: { STAGE: "ci" } }).stage, "ci");
  assert.equal(convert(text("'${env:STAGE}'"), { env: { STAGE: "ci" }, stage: "cli" }).stage, "cli");
  const none = convert(
    "service: s\nprovider: { name: aws }\nfunctions: { f: { handler: h.f, environment: { R: '${aws:region}', S: '${self:provider.stage}' } } }\n",
  );
  assert.equal(none.stage, "dev");
  assert.deepEqual((props(none, "FLambdaFunction").Environment as Json).Variables, {
    R: "us-east-1",
    S: "dev",
  });
});

test("file(...) reads YAML beside serverless.yml, its own variables resolved against the service", () => {
  const t = convert(
    service(
      `      TABLE: \${file(./includes/config.yml):\${sls:stage}.tableName}
      OWNER: \${file(./includes/config.yml):owner}
      ABSENT: \${file(./includes/none.yml):x, 'no-file'}`,
      "custom:\n  owner: team-a",
    ),
    { baseDir: FIXTURES },
  );
  assert.deepEqual(envOf(t), { TABLE: "todos-dev", OWNER: "team-a", ABSENT: "no-file" });
});

test("a variable that reaches itself again is refused naming where the loop is", () => {
  assert.throws(
    () => convert(service("      A: x", "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}")),
    /serverless\.yml: custom\.[ab]: \$\{self:custom\.[ab]\} refers back to itself/,
  );
  assert.throws(
    () => convert("service: s\nprovider: { name: aws, stage: '${sls:stage}' }\n"),
    /serverless\.yml: provider\.stage: \$\{sls:stage\} refers back to itself/,
  );
});

test("unknown sources, AWS-reading sources without a fallback and unset values are refused naming the key", () => {
  assert.throws(
    () => convert(service("      X: ${vault:secret/x}")),
    /serverless\.yml: functions\.hello\.environment\.X: unknown variable source vault/,
  );
  assert.throws(
    () => convert(service("      X: ${ssm:/my/param}")),
    /functions\.hello\.environment\.X: cannot resolve \$\{ssm:\/my\/param\}: the ssm source reads AWS, which Portico does not/,
  );
  assert.throws(
    () => convert(service("      X: ${env:NOT_SET}")),
    /functions\.hello\.environment\.X: cannot resolve \$\{env:NOT_SET\}: it has no value and no fallback/,
  );
  assert.throws(
    () => convert(service("      X: ${file(./handler.js):x}")),
    /functions\.hello\.environment\.X: file\(\.\/handler\.js\): only YAML and JSON files are read/,
  );
});

test("an AWS-reading source with a fallback takes the fallback and says so", () => {
  const t = convert(service("      X: ${ssm:/my/param, 'local'}"));
  assert.equal(envOf(t).X, "local");
  const notice = t.notices.find((n) => n.path === "functions.hello.environment.X");
  assert.match(String(notice?.message), /ssm source reads AWS.*fallback used/);
});

test("the parsed input is left as it was; a __proto__ key is refused", () => {
  const parsed = parseTemplateText(
    service("      A: ${self:custom.a}", "custom:\n  a: value"),
    "serverless.yml",
  );
  const before = structuredClone(parsed);
  serverlessToCloudFormation(parsed, { file: "serverless.yml", baseDir: FIXTURES, env: {} });
  assert.deepEqual(parsed, before);
  const hostile = JSON.parse(
    '{"service":"s","provider":{"name":"aws"},"custom":{"__proto__":{"polluted":true}}}',
  );
  assert.throws(
    () => serverlessToCloudFormation(hostile, { file: "serverless.json", baseDir: FIXTURES, env: {} }),
    /serverless\.json: custom\.__proto__: a key named __proto__ is not allowed/,
  );
  assert.equal(({} as Json).polluted, undefined);
});
