import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { resolveTemplate } from "../../src/templates/cfn/resolve-template.ts";
import { TemplateError } from "../../src/templates/template-plan.ts";
import { fuzzParameters } from "../support/fuzz.ts";
import { STACK } from "./cfn-resolve-support.ts";

/**
 * Random values built from intrinsic-shaped pieces (right and wrong argument shapes, names that do
 * and do not exist, `__proto__` keys) in every section a template has. Each template either resolves
 * to plain values, no intrinsic left, or is refused with a TemplateError: never another exception.
 */

const KEYS = [
  "Ref",
  "Fn::Sub",
  "Fn::GetAtt",
  "Fn::Join",
  "Fn::Select",
  "Fn::Split",
  "Fn::If",
  "Fn::FindInMap",
  "Fn::Base64",
  "Fn::Length",
  "Fn::ToJsonString",
  "Fn::GetAZs",
  "Fn::Equals",
  "Fn::Not",
  "Fn::Bogus",
  "Condition",
  "__proto__",
  "a",
];
const STRINGS = [
  "A",
  "B",
  "P",
  "L",
  "C",
  "M",
  "k",
  "v",
  "Arn",
  "A.Arn",
  "AWS::Region",
  "AWS::NoValue",
  "",
  ",",
  "${P}",
  "${A.Arn}",
  "${!x}",
  "${Nope}",
  "${",
];

const { value } = fc.letrec<{ value: unknown; call: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...STRINGS),
    fc.integer({ min: -2, max: 4 }),
    fc.constantFrom(true, null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.constantFrom(...KEYS), tie("value")), { minLength: 1, maxLength: 2 })
      .map((entries) => Object.fromEntries(entries)),
    tie("call"),
  ),
  // Calls with the argument shapes CloudFormation documents, so that many of them evaluate.
  call: fc.oneof(
    fc.constantFrom("P", "L", "A", "B", "AWS::Region", "AWS::NoValue", "Nope").map((n) => ({ Ref: n })),
    fc
      .constantFrom(["A", "Arn"], "B.TopicArn", ["B", "Nope"], ["Nope", "Arn"])
      .map((a) => ({ "Fn::GetAtt": a })),
    fc.constantFrom(...STRINGS).map((t) => ({ "Fn::Sub": t })),
    fc.tuple(fc.constantFrom(...STRINGS), tie("value")).map(([t, v]) => ({ "Fn::Sub": [t, { x: v }] })),
    tie("value").map((v) => ({ "Fn::Join": [",", v] })),
    fc.tuple(fc.integer({ min: -1, max: 3 }), tie("value")).map(([i, v]) => ({ "Fn::Select": [i, v] })),
    tie("value").map((v) => ({ "Fn::Split": [",", v] })),
    fc
      .tuple(fc.constantFrom("C", "Yes", "Nope"), tie("value"), tie("value"))
      .map(([c, a, b]) => ({ "Fn::If": [c, a, b] })),
    fc
      .tuple(fc.constantFrom("M", "N"), fc.constantFrom("k", "j"))
      .map(([m, k]) => ({ "Fn::FindInMap": [m, k, "v"] })),
    tie("value").map((v) => ({ "Fn::Length": v })),
    tie("value").map((v) => ({ "Fn::ToJsonString": v })),
    tie("value").map((v) => ({ "Fn::Base64": v })),
  ),
}));

/** Conditions that hold or not; a random value as a condition is almost always refused. */
const CONDITION = fc.constantFrom(
  { "Fn::Equals": [{ Ref: "P" }, "x"] },
  { "Fn::Not": [{ Condition: "Yes" }] },
  { "Fn::Or": [{ Condition: "Yes" }, { "Fn::Equals": [{ "Fn::Select": [0, { Ref: "L" }] }, "b"] }] },
);

const template = fc
  .record({
    condition: fc.oneof(CONDITION, value),
    a: value,
    b: value,
    output: value,
    dependsOn: fc.constantFrom(undefined, "A", "B", "Nope"),
  })
  .map(({ condition, a, b, output, dependsOn }) => ({
    Parameters: { P: { Type: "String", Default: "x" }, L: { Type: "CommaDelimitedList", Default: "a,b" } },
    Mappings: { M: { k: { v: "mapped" } } },
    Conditions: { C: condition, Yes: { "Fn::Equals": ["a", "a"] } },
    Resources: {
      A: { Type: "AWS::Lambda::Function", Properties: { X: a } },
      B: {
        Type: "AWS::SNS::Topic",
        Properties: { Y: b },
        ...(dependsOn === undefined ? {} : { DependsOn: dependsOn }),
      },
    },
    Outputs: { O: { Value: output } },
  }));

function noIntrinsicLeft(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(noIntrinsicLeft);
  if (value === null || typeof value !== "object") return true;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"))) return false;
  return Object.values(value).every(noIntrinsicLeft);
}

test("random templates resolve to plain values or are refused with a TemplateError", () => {
  let resolvedCount = 0;
  fc.assert(
    fc.property(template, (t) => {
      const before = JSON.stringify(t);
      try {
        const resolved = resolveTemplate(t, { file: "fuzz.json", baseDir: "/nonexistent", ...STACK });
        resolvedCount++;
        assert.ok(noIntrinsicLeft(resolved.resources.map((r) => r.properties)), JSON.stringify(resolved));
        assert.ok(noIntrinsicLeft(resolved.outputs));
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        assert.match(error.message, /^fuzz\.json/);
      }
      assert.equal(JSON.stringify(t), before, "the input is unchanged");
      assert.equal(({} as Record<string, unknown>).Arn, undefined);
    }),
    fuzzParameters(),
  );
  assert.ok(resolvedCount > 0, "some random templates resolve");
});
