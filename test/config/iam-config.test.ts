import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";

/** `roles:` and the VPC endpoint form of `networks:` in the config file: what loads, and each refusal with its place. */

const dir = mkdtempSync(join(tmpdir(), "portico-iam-cfg-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  const file = join(dir, "c.yaml");
  writeFileSync(file, text);
  try {
    loadConfigFile(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => p.replace(`${dir}/`, ""));
  }
  assert.fail("expected a ConfigError");
}

const TRUST = `{ Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::000000000000:user/alice" }, Action: sts:AssumeRole }] }`;

test("roles and VPC endpoint entries load: list and object forms side by side", () => {
  const file = join(dir, "ok.yaml");
  writeFileSync(
    file,
    `roles:
  - arn: arn:aws:iam::000000000000:role/app/reader
    trustPolicy: ${TRUST}
    policies:
      - { Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "*" }] }
    tags: { team: blue }
    maxSessionDuration: 43200
networks:
  vpc-0main: [10.0.0.0/16]
  vpce-0aaa1111:
    cidrs: [10.0.1.0/24]
    vpc: vpc-0main
    account: "123456789012"
    orgId: o-abcdefghij
    policy:
      Statement:
        - { Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "arn:aws:execute-api:us-east-1:000000000000:abcdefghij/*" }
`,
  );
  const config = loadConfigFile(file);
  assert.equal(config.roles?.[0]?.arn, "arn:aws:iam::000000000000:role/app/reader");
  assert.deepEqual(config.networks?.["vpc-0main"], ["10.0.0.0/16"]);
  assert.equal((config.networks?.["vpce-0aaa1111"] as { vpc: string } | undefined)?.vpc, "vpc-0main");
});

test("malformed roles are refused with file:line and the part", () => {
  const found = problems(`roles:
  - arn: arn:aws:iam::000000000000:user/alice
    trustPolicy: ${TRUST}
  - arn: arn:aws:iam::000000000000:role/one
    trustPolicy: { Statement: [{ Effect: Allow, Principal: "*", Action: sts:AssumeRole, Resource: "*" }] }
  - arn: arn:aws:iam::000000000000:role/two
    trustPolicy: ${TRUST}
    policies:
      - { Statement: [{ Effect: Maybe, Action: "*", Resource: "*" }] }
  - arn: arn:aws:iam::000000000000:role/two
    trustPolicy: ${TRUST}
    maxSessionDuration: 60
  - arn: arn:aws:iam::000000000000:role/three
`);
  const text = found.join("\n");
  assert.match(text, /c\.yaml:2:\d+: roles\[0\]\.arn: invalid value "arn:aws:iam::000000000000:user\/alice"/);
  assert.match(text, /c\.yaml:12:\d+: roles\[3\]\.maxSessionDuration: must be >= 3600/);
  assert.match(text, /c\.yaml:13:\d+: roles\[4\]: missing required key "trustPolicy"/);
  // Shape first: once the shape is right, each policy's grammar is checked.
  const grammar = problems(`roles:
  - arn: arn:aws:iam::000000000000:role/one
    trustPolicy: { Statement: [{ Effect: Allow, Principal: "*", Action: sts:AssumeRole, Resource: "*" }] }
  - arn: arn:aws:iam::000000000000:role/two
    trustPolicy: ${TRUST}
    policies:
      - { Effect: Allow }
      - { Statement: [{ Effect: Maybe, Action: "*", Resource: "*" }] }
  - arn: arn:aws:iam::000000000000:role/two
    trustPolicy: { Statement: [{ Effect: Allow, Action: sts:AssumeRole }] }
`);
  assert.deepEqual(grammar, [
    `c.yaml:3:18: roles[0].trustPolicy: Statement[0]: a trust policy statement has no Resource (the role is its resource)`,
    `c.yaml:7:9: roles[1].policies[0]: A policy needs a Statement`,
    `c.yaml:9:10: roles[2].arn: arn:aws:iam::000000000000:role/two is declared twice`,
    `c.yaml:10:18: roles[2].trustPolicy: Statement[0]: a resource policy statement needs a Principal`,
  ]);
});

test("malformed endpoint policies and networks are refused with file:line", () => {
  const found = problems(`networks:
  vpce-0aaa1111:
    cidrs: [10.0.1.0/24, not-a-cidr]
    policy: { Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "*" }] }
  vpce-0bbb2222:
    cidrs: [10.0.2.0/24]
    policy: { Statement: [{ Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*" }] }
  vpc-0main:
    cidrs: [10.0.0.0/16]
    policy: { Statement: [] }
  vpce-0ccc3333: { cidrs: [10.0.3.0/24], vpc: "not-a-vpc", colour: blue }
`);
  assert.deepEqual(found, [
    `c.yaml:11:60: networks.vpce-0ccc3333.colour: unknown key "colour"`,
    `c.yaml:11:47: networks.vpce-0ccc3333.vpc: invalid value "not-a-vpc"`,
  ]);
  const policies = problems(`networks:
  vpce-0aaa1111:
    cidrs: [10.0.1.0/24, not-a-cidr]
    policy: { Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "*" }] }
  vpce-0bbb2222:
    cidrs: [10.0.2.0/24]
    policy: { Statement: [{ Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*" }] }
  vpc-0main:
    cidrs: [10.0.0.0/16]
    policy: { Statement: [] }
`);
  assert.deepEqual(policies, [
    `c.yaml:3:26: networks.vpce-0aaa1111.cidrs[1]: invalid CIDR "not-a-cidr"`,
    `c.yaml:4:13: networks.vpce-0aaa1111.policy: invalid endpoint policy: Statement[0]: a resource policy statement needs a Principal`,
    `c.yaml:7:13: networks.vpce-0bbb2222.policy: invalid endpoint policy: execute-api:/*: the short execute-api form needs an API`,
    `c.yaml:10:13: networks.vpc-0main.policy: only a VPC endpoint (vpce-…) has one`,
  ]);
});
