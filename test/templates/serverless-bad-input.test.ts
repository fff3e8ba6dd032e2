import assert from "node:assert/strict";
import { test } from "node:test";
import { isServerlessConfig } from "../../src/templates/serverless/read-serverless.ts";
import { convert } from "./serverless-support.ts";

const fn = (body: string) => `
service: bad
provider:
  name: aws
  runtime: nodejs20.x
functions:
  hello:
${body}
`;

test("serverless.yml is told from CloudFormation by its name or by service + provider.name aws", () => {
  assert.equal(isServerlessConfig("app/serverless.yml", {}), true);
  assert.equal(isServerlessConfig("serverless.json", {}), true);
  assert.equal(isServerlessConfig("stack.yml", { service: "s", provider: { name: "aws" } }), true);
  assert.equal(isServerlessConfig("template.yaml", { Resources: {} }), false);
  assert.equal(isServerlessConfig("stack.yml", { service: "s", provider: { name: "azure" } }), false);
});

const REFUSALS: [string, string, RegExp][] = [
  ["no service", "provider: { name: aws }\n", /^serverless\.yml: service: is required/],
  ["no provider", "service: s\n", /^serverless\.yml: provider: is required/],
  [
    "another provider",
    "service: s\nprovider: { name: google }\n",
    /provider\.name: google: Portico runs AWS services only/,
  ],
  [
    "a handler with no dot",
    fn("    handler: handler"),
    /functions\.hello\.handler: handler is not file\.export/,
  ],
  ["no handler", fn("    timeout: 3"), /functions\.hello\.handler: is required/],
  [
    "a Python runtime",
    fn("    handler: app.main\n    runtime: python3.12"),
    /functions\.hello\.runtime: runtime python3\.12: Portico runs Node\.js functions only/,
  ],
  [
    "events not a list",
    fn("    handler: h.f\n    events: { http: x }"),
    /functions\.hello\.events: must be a list of events/,
  ],
  [
    "an event with two keys",
    fn("    handler: h.f\n    events:\n      - { http: 'GET a', sqs: q }"),
    /functions\.hello\.events\[0\]: an event is a mapping with one key/,
  ],
  [
    "an http event with no path",
    fn("    handler: h.f\n    events:\n      - http: { method: get }"),
    /^serverless\.yml: functions\.hello\.events\[0\]\.http\.path: is required/,
  ],
  [
    "an http path with spaces",
    fn("    handler: h.f\n    events:\n      - http: { method: get, path: 'a b' }"),
    /functions\.hello\.events\[0\]\.http\.path: a b is not a path/,
  ],
  [
    "an unknown http method",
    fn("    handler: h.f\n    events:\n      - http: { method: fetch, path: a }"),
    /functions\.hello\.events\[0\]\.http\.method: fetch is not an HTTP method/,
  ],
  [
    "an unknown integration",
    fn("    handler: h.f\n    events:\n      - http: { method: get, path: a, integration: grpc }"),
    /events\[0\]\.http\.integration: grpc is not lambda-proxy/,
  ],
  [
    "http-proxy with no uri",
    fn("    handler: h.f\n    events:\n      - http: { method: get, path: a, integration: http-proxy }"),
    /events\[0\]\.http\.request\.uri: is required/,
  ],
  [
    "an authorizer naming no function",
    fn("    handler: h.f\n    events:\n      - http: { method: get, path: a, authorizer: missing }"),
    /events\[0\]\.http\.authorizer: names function missing/,
  ],
  [
    "the same path and method twice",
    fn("    handler: h.f\n    events:\n      - http: GET a\n      - http: { method: get, path: /a/ }"),
    /events\[1\]\.http: \/a get is also declared at functions\.hello\.events\[0\]\.http/,
  ],
  [
    "an external REST API",
    "service: s\nprovider: { name: aws, apiGateway: { restApiId: abc } }\nfunctions: { f: { handler: h.f, events: [{ http: GET a }] } }\n",
    /provider\.apiGateway\.restApiId: an API made outside this service/,
  ],
  [
    "a container image function",
    fn("    image: 123.dkr.ecr.us-east-1.amazonaws.com/x:latest"),
    /functions\.hello\.image: container image functions are not run/,
  ],
  [
    "a key group with no plan",
    "service: s\nprovider:\n  name: aws\n  apiGateway:\n    apiKeys: [{ gold: [k] }]\n    usagePlan: [{ free: {} }]\nfunctions: { f: { handler: h.f, events: [{ http: GET a }] } }\n",
    /provider\.apiGateway\.apiKeys\[0\]: API key group gold has no usage plan/,
  ],
];

for (const [what, text, expected] of REFUSALS) {
  test(`refused: ${what}`, () => {
    assert.throws(
      () => convert(text),
      (e: Error) => {
        assert.equal(e.name, "TemplateError");
        assert.match(e.message, expected);
        return true;
      },
    );
  });
}

test("unknown sections, provider.logs and plugins are notices; serverless-offline is silent", () => {
  const t = convert(`
service: s
provider: { name: aws, runtime: nodejs20.x, logs: { restApi: true } }
plugins: [serverless-offline, serverless-plugin-typescript, serverless-domain-manager]
stepFunctions: { stateMachines: {} }
functions: { f: { handler: h.f, events: [{ schedule: rate(1 minute) }, { sqs: arn:aws:sqs:us-east-1:1:q }] } }
`);
  assert.deepEqual(t.notices.map((n) => n.path).sort(), [
    "functions.f.events[0]",
    "functions.f.events[1]",
    "functions.f.handler",
    "plugins[2]",
    "provider.logs",
    "stepFunctions",
  ]);
});
