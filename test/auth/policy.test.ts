import assert from "node:assert/strict";
import { test } from "node:test";
import { compilePolicy, type PolicyRequest } from "../../src/auth/policy/compile-policy.ts";
import { PolicyError } from "../../src/auth/policy/policy-error.ts";

const SCOPE = { region: "us-east-1", accountId: "111122223333", apiId: "a1b2c3d4e5" };
const ARN = (rest: string) => `arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/${rest}`;
const anonymous = (resource: string, context: PolicyRequest["context"] = {}): PolicyRequest => ({
  principal: { kind: "anonymous" },
  action: "execute-api:Invoke",
  resource,
  context,
});

// Source: AWS API Gateway Developer Guide, "API Gateway resource policy examples"
// (apigateway-resource-policies-examples): deny API traffic based on source IP address or range.
test("AWS example: allow everyone, deny an IP range", () => {
  const policy = compilePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"] } },
        },
      ],
    },
    SCOPE,
    { resourcePolicy: true },
  );
  assert.equal(
    policy.evaluate(anonymous(ARN("prod/GET/pets"), { "aws:SourceIp": "192.0.2.17" })).effect,
    "Deny",
  );
  assert.equal(
    policy.evaluate(anonymous(ARN("prod/GET/pets"), { "aws:SourceIp": "203.0.113.5" })).effect,
    "Allow",
  );
});

// Source: same page, "Allow API traffic based on source IP address or range" (NotIpAddress deny).
test("AWS example: only an IP allow-list may invoke (IPv4 and IPv6)", () => {
  const policy = compilePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"] } },
        },
      ],
    },
    SCOPE,
    { resourcePolicy: true },
  );
  assert.equal(
    policy.evaluate(anonymous(ARN("prod/GET/x"), { "aws:SourceIp": "192.0.2.9" })).effect,
    "Allow",
  );
  assert.equal(
    policy.evaluate(anonymous(ARN("prod/GET/x"), { "aws:SourceIp": "2001:db8::1" })).effect,
    "Allow",
  );
  assert.equal(
    policy.evaluate(anonymous(ARN("prod/GET/x"), { "aws:SourceIp": "::ffff:192.0.2.9" })).effect,
    "Allow",
  );
  assert.equal(policy.evaluate(anonymous(ARN("prod/GET/x"), { "aws:SourceIp": "10.0.0.1" })).effect, "Deny");
});

// Source: same page, "Allow roles in another AWS account to use an API".
test("AWS example: cross-account roles, and explicit deny beats allow", () => {
  const policy = compilePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: {
            AWS: ["arn:aws:iam::444455556666:role/developer", "arn:aws:iam::444455556666:role/Admin"],
          },
          Action: "execute-api:Invoke",
          Resource: ["execute-api:/stage/GET/pets", "execute-api:/stage/POST/pets"],
        },
        {
          Sid: "NoDeletes",
          Effect: "Deny",
          Principal: { AWS: "444455556666" },
          Action: "execute-api:*",
          Resource: "execute-api:/*/DELETE/*",
        },
      ],
    },
    SCOPE,
    { resourcePolicy: true },
  );
  const dev = (resource: string): PolicyRequest => ({
    principal: { kind: "aws", arn: "arn:aws:iam::444455556666:role/developer", accountId: "444455556666" },
    action: "execute-api:Invoke",
    resource,
    context: {},
  });
  assert.deepEqual(policy.evaluate(dev(ARN("stage/GET/pets"))), {
    effect: "Allow",
    statement: "Statement[0]",
  });
  assert.equal(
    policy.evaluate(dev(ARN("stage/GET/pets/1"))).effect,
    "ImplicitDeny",
    "no wildcard over-match",
  );
  assert.deepEqual(policy.evaluate(dev(ARN("stage/DELETE/pets"))), {
    effect: "Deny",
    statement: "NoDeletes",
  });
  assert.equal(policy.evaluate(anonymous(ARN("stage/GET/pets"))).effect, "ImplicitDeny");
});

test("operators: String*, Numeric*, Date*, Bool, Null, IfExists, ForAnyValue/ForAllValues", () => {
  const allowIf = (Condition: object) =>
    compilePolicy(
      { Statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition } },
      SCOPE,
    );
  const check = (Condition: object, context: PolicyRequest["context"]) =>
    allowIf(Condition).evaluate(anonymous("x", context)).effect;
  assert.equal(
    check({ StringLike: { "aws:UserAgent": "curl/*" } }, { "aws:UserAgent": "curl/8.1" }),
    "Allow",
  );
  assert.equal(
    check({ StringEqualsIgnoreCase: { "aws:username": "ALICE" } }, { "aws:username": "alice" }),
    "Allow",
  );
  assert.equal(
    check({ StringNotEquals: { "aws:username": "bob" } }, {}),
    "Allow",
    "negated operators hold for a missing key",
  );
  assert.equal(check({ StringEquals: { "aws:username": "bob" } }, {}), "ImplicitDeny");
  assert.equal(check({ StringEqualsIfExists: { "aws:username": "bob" } }, {}), "Allow");
  assert.equal(
    check({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "10" }),
    "Allow",
  );
  assert.equal(
    check(
      { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
      { "aws:CurrentTime": "2026-11-24T00:00:00Z" },
    ),
    "Allow",
  );
  assert.equal(
    check({ Bool: { "aws:SecureTransport": "false" } }, { "aws:SecureTransport": "false" }),
    "Allow",
  );
  assert.equal(check({ Null: { "aws:Referer": "true" } }, {}), "Allow");
  assert.equal(check({ Null: { "aws:Referer": "false" } }, {}), "ImplicitDeny");
  assert.equal(
    check({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["a", "b"] } }, { "aws:TagKeys": ["z", "b"] }),
    "Allow",
  );
  assert.equal(
    check({ "ForAllValues:StringEquals": { "aws:TagKeys": ["a", "b"] } }, { "aws:TagKeys": ["a", "z"] }),
    "ImplicitDeny",
  );
  assert.equal(
    check(
      { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/dev*" } },
      { "aws:PrincipalArn": "arn:aws:iam::1:role/developer" },
    ),
    "Allow",
  );
});

test("wildcards match literally otherwise: regex characters in a policy are plain text", () => {
  const policy = compilePolicy(
    { Statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "arn:x:(a|b).c*" } },
    SCOPE,
  );
  assert.equal(policy.evaluate(anonymous("arn:x:(a|b).cde")).effect, "Allow");
  assert.equal(policy.evaluate(anonymous("arn:x:a.cde")).effect, "ImplicitDeny");
  assert.equal(policy.evaluate(anonymous("arn:x:(a|b)Xcde")).effect, "ImplicitDeny");
});

test("invalid policies are refused with the reason", () => {
  const bad: [unknown, RegExp][] = [
    ["{not json", /Invalid policy document/],
    [
      { Statement: { Effect: "Maybe", Action: "*", Resource: "*", Principal: "*" } },
      /Effect must be Allow or Deny/,
    ],
    [{ Statement: { Effect: "Allow", Resource: "*", Principal: "*" } }, /Action and NotAction/],
    [{ Statement: { Effect: "Allow", Action: "*", Principal: "*" } }, /Resource and NotResource/],
    [{ Statement: { Effect: "Allow", Action: "*", Resource: "*" } }, /needs a Principal/],
    [
      { Statement: { Effect: "Allow", Action: "*", Resource: "*", Principal: { AWS: "bob" } } },
      /Invalid principal/,
    ],
    [
      {
        Statement: {
          Effect: "Allow",
          Action: "*",
          Resource: "*",
          Principal: "*",
          Condition: { Maybe: { k: "v" } },
        },
      },
      /Unsupported condition operator/,
    ],
    [
      {
        Statement: {
          Effect: "Allow",
          Action: "*",
          Resource: "*",
          Principal: "*",
          Condition: { IpAddress: { "aws:SourceIp": "300.1.1.1/8" } },
        },
      },
      /Invalid CIDR/,
    ],
    [{ Version: "2099-01-01", Statement: [] }, /Unsupported policy Version/],
  ];
  for (const [doc, message] of bad) {
    assert.throws(
      () => compilePolicy(doc as object, SCOPE, { resourcePolicy: true }),
      (e) => e instanceof PolicyError && message.test(e.message),
      String(message),
    );
  }
});
