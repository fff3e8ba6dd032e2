import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/mapping/vtl/errors.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson } from "../../src/mapping/vtl/values.ts";

const VARS = { five: 5, two: 2, s: "a.b.c", m: fromJson({ a: 1, b: "two" }), l: [1, 2, 3], n: null };
const render = (t: string, vars: Record<string, unknown> = VARS) => compileTemplate(t).render(vars);

// Each case is Java Velocity 1.7's answer (the engine AWS runs); the ones velocityjs's own render gets
// wrong are listed in the Lambda/mapping issue and DEPENDENCIES.md.
const CASES: [string, string][] = [
  ["#set($x = $five / $two)$x", "2"],
  ["#set($x = -7 / 2)$x", "-3"],
  ["#set($x = 7 % 3)$x", "1"],
  ["#set($x = 2.5 * 2)$x", "5.0"],
  ["#set($f = 1.0)$f", "1.0"],
  ["$s.length()", "5"],
  ['$s.replaceAll("\\.", "-")', "a-b-c"],
  ['$s.replace(".", "")', "abc"],
  ['$s.split("\\.").size()', "3"],
  ['$s.matches("[a-c.]+")', "true"],
  ['$s.matches("a")', "false"],
  [
    '$s.contains("b.c") $s.startsWith("a") $s.indexOf("c") $s.substring(2, 3) $s.toUpperCase()',
    "true true 4 b A.B.C",
  ],
  ['#set($y="old")#set($y=$n)$y', "old"],
  ['#if("")T#else F#end', "T"],
  ["#if($n)T#else F#end", " F"],
  ["#foreach($i in $l)$i#if($foreach.hasNext),#end#end", "1,2,3"],
  ["#foreach($i in $l)$velocityCount#end", "123"],
  ["$m $l", "{a=1, b=two} [1, 2, 3]"],
  ["$m.keySet() $m.get('b') $m.a $l.size() $l.get(0)", "[a, b] two 1 3 1"],
  ['#set($a = {"k": [1,2]})$a.k[1]', "2"],
  ["#foreach($i in [1..5])#if($i == 3)#break#end$i#end", "12"],
  ['#set($q = "x${five}y")$q', "x5y"],
  ["#set($q = 'x${five}y')$q", "x${five}y"],
  ['#if($five > $two && !($s == "x"))yes#end', "yes"],
  ['#if($five == "5")eq#end', "eq"],
  ["#macro(hi $who)Hi $who!#end#hi('Bob')", "Hi Bob!"],
  ["## a comment\nkept", "kept"],
  ["#[[$not.parsed]]#", "$not.parsed"],
];

for (const [template, expected] of CASES) {
  test(`Velocity 1.7: ${JSON.stringify(template)}`, () => assert.equal(render(template), expected));
}

test("sandbox: no JavaScript methods, prototypes or globals are reachable", () => {
  for (const t of [
    "$s.repeat(3)",
    "$s.constructor",
    "$s.__proto__",
    "$m.constructor.constructor('return process')",
    "$l.map",
    "$process",
    "$globalThis",
  ]) {
    // Nothing there: the reference is null, which API Gateway prints as nothing.
    assert.equal(render(t), "", t);
  }
  assert.equal(
    render('#set($x = {})$!x.put("__proto__", 1)$x.get("__proto__")'),
    "1",
    "a key named __proto__ is just a key",
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("limits: #foreach stops at 1,000 iterations; runaway output and work are refused", () => {
  const big = Array.from({ length: 5000 }, (_, i) => i);
  assert.equal(render("#foreach($i in $big)x#end", { big }).length, 1000);
  assert.throws(
    () => render("#foreach($a in $big)#foreach($b in $big)#foreach($c in $big)$c#end#end#end", { big }),
    (e) =>
      e instanceof TemplateError && (e.code === "TEMPLATE_RUNTIME" || e.code === "TEMPLATE_OUTPUT_TOO_LARGE"),
  );
  assert.throws(
    () => compileTemplate("x".repeat(300 * 1024 + 1)),
    (e) => e instanceof TemplateError && e.code === "TEMPLATE_TOO_LARGE",
  );
  assert.throws(
    () => compileTemplate("#if($x"),
    (e) => e instanceof TemplateError && e.code === "TEMPLATE_SYNTAX",
  );
});
