import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { TemplateError } from "../../src/mapping/vtl/errors.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson } from "../../src/mapping/vtl/values.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/**
 * Random mapping templates, built from a small grammar of VTL fragments (directives, references,
 * `$input`/`$util` calls, string/list/map methods, hostile regexes), over random JSON bodies. Every
 * render either returns a string within the output limit or stops with the engine's own TemplateError
 * — never another exception, never an internal fault wrapped as one — and within budgets small enough
 * that a case that escaped them would show as a hung or crashed run.
 */

const LIMITS = { maxForeach: 1000, maxOutputChars: 200_000, maxSteps: 100_000, maxDataBytes: 1_000_000 };

const PATTERNS = [
  "(a+)+$",
  "(a|aa)+",
  "[a-z]+",
  "\\d",
  "(\\w)(\\w)",
  "",
  ",",
  "(?i)A",
  "(a)\\1",
  "a{2,1}",
  "[",
  "(?<=a)b",
];
const VARS = ["$s", "$n", "$l", "$m", "$x", "$y", "$i", "$foreach.index", "$nothing"];

const lit = fc.constantFrom('"a"', '"aa"', "'x'", '"$x$x"', '"${s}-$y"', "1", "2.5", "-3", '""');
const pattern = fc.constantFrom(...PATTERNS).map((p) => `"${p}"`);

const { template } = fc.letrec<{
  ref: string;
  simple: string;
  collection: string;
  expr: string;
  cond: string;
  block: string;
  template: string;
}>((tie) => ({
  ref: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...VARS),
    fc.constantFrom(
      "$input.body",
      "$input.json('$')",
      "$input.json('$.a')",
      "$input.json('$..*')",
      "$input.path('$')",
      "$input.path('$.a')",
      "$input.path('$[*]')",
      "$input.params('q')",
      "$input.params()",
    ),
    fc
      .tuple(
        fc.constantFrom(
          "escapeJavaScript",
          "parseJson",
          "urlEncode",
          "urlDecode",
          "base64Encode",
          "base64Decode",
        ),
        tie("simple"),
      )
      .map(([f, a]) => `$util.${f}(${a})`),
    fc
      .tuple(
        fc.constantFrom(...VARS, "$input.body", "$input.params('q')"),
        fc.oneof(
          fc.constantFrom(
            ".toUpperCase()",
            ".toLowerCase()",
            ".length()",
            ".trim()",
            ".size()",
            ".keySet()",
            ".isEmpty()",
            ".get(0)",
            ".substring(1)",
            '.replace("a", "bb")',
            '.replace("", "-")',
            '.contains("a")',
            '.indexOf("a")',
            ".hashCode()",
          ),
          pattern.map((p) => `.matches(${p})`),
          pattern.map((p) => `.split(${p})`),
          pattern.map((p) => `.replaceAll(${p}, "<$1>")`),
          pattern.map((p) => `.replaceFirst(${p}, "z")`),
          tie("simple").map((e) => `.concat(${e})`),
          tie("simple").map((e) => `.add(${e})`),
          tie("simple").map((e) => `.addAll(${e})`),
          tie("simple").map((e) => `.contains(${e})`),
          tie("simple").map((e) => `.put("k", ${e})`),
          tie("simple").map((e) => `.equals(${e})`),
        ),
      )
      .map(([target, call]) => target + call),
  ),
  // Velocity's grammar takes literals and references as arguments and operands; lists, maps, ranges
  // and arithmetic only where an expression stands alone (#set, #foreach).
  simple: fc.oneof({ depthSize: "small", withCrossShrink: true }, lit, tie("ref")),
  collection: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("ref"),
    fc.tuple(tie("simple"), tie("simple")).map(([a, b]) => `[${a}, ${b}]`),
    fc.integer({ min: -5, max: 2000 }).map((n) => `[1..${n}]`),
  ),
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("simple"),
    tie("collection"),
    tie("simple").map((e) => `{"k": ${e}}`),
    fc
      .tuple(tie("simple"), fc.constantFrom("+", "-", "*", "/", "%"), tie("simple"))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
  ),
  cond: fc.oneof(
    fc.constant("true"),
    tie("simple"),
    tie("simple").map((e) => `!${e}`),
    fc
      .tuple(tie("simple"), fc.constantFrom("==", "!=", ">", "<=", "&&", "||"), tie("simple"))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
  ),
  block: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("text ", " {", "} ", '"', ",", "\n", "#break"),
    tie("ref"),
    tie("ref").map((r) => `$!${r.slice(1)}`),
    fc.tuple(fc.constantFrom("x", "y", "l", "m", "s"), tie("expr")).map(([v, e]) => `#set($${v} = ${e})`),
    fc.tuple(tie("cond"), tie("template"), tie("template")).map(([c, a, b]) => `#if(${c})${a}#else${b}#end`),
    fc.tuple(tie("collection"), tie("template")).map(([e, body]) => `#foreach($i in ${e})${body}#end`),
    // A value grown from itself in a loop: the shape of the attacks that exhausted the heap or froze.
    fc
      .tuple(
        fc.constantFrom("x", "l", "s"),
        fc.constantFrom(
          "$v.concat($v)",
          '"$v$v"',
          "[$v, $v]",
          "$v + $v",
          '$v.replace("a", "aa")',
          "$v.addAll($v)",
        ),
        fc.integer({ min: 1, max: 40 }),
      )
      .map(([v, grow, n]) => `#foreach($i in [1..${n}])#set($${v} = ${grow.replaceAll("$v", `$${v}`)})#end`),
  ),
  template: fc.array(tie("block"), { maxLength: 5 }).map((blocks) => blocks.join("")),
}));

const body = fc.oneof(
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify({ a: v, b: [v, v] })),
  fc.integer({ min: 0, max: 3000 }).map((n) => `${"a".repeat(n)}!`),
  fc.string(),
);

test("random templates over random bodies: a string within the limits or the engine's TemplateError, nothing else", {
  timeout: 600_000,
}, () => {
  fc.assert(
    fc.property(template, body, fc.string({ maxLength: 40 }), (source, text, q) => {
      const vars = {
        input: new InputVariable({ body: text, path: { id: "1" }, querystring: { q }, header: { h: q } }),
        util: UTIL,
        s: "a.b,c",
        n: 7,
        l: [1, "two", 3],
        m: fromJson({ a: 1, b: [2, 3] }),
      };
      try {
        const out = compileTemplate(source, LIMITS).render(vars);
        assert.equal(typeof out, "string");
        assert.ok(out.length <= LIMITS.maxOutputChars, "output within its limit");
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        // A JavaScript fault inside the engine would surface wrapped as "Mapping template failed: …".
        assert.doesNotMatch(err.message, /^Mapping template failed/, source);
      }
    }),
    fuzzParameters(),
  );
});
