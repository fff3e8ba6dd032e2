import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { TemplateError } from "../../src/mapping/vtl/errors.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson } from "../../src/mapping/vtl/values.ts";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

/**
 * Mapping templates as an attack surface: a template is written once, but it runs on every request's
 * data, synchronously, on the thread that serves every other request. No template and no request may
 * crash that process, hold it for long, or get anything but the template's own error.
 */

const render = (template: string, vars: Record<string, unknown> = {}) =>
  compileTemplate(template).render(vars);

/** Small budgets, to show what each one meters without spending a real one's worth of time. */
const SMALL = { maxForeach: 1000, maxOutputChars: 10 * 1024 * 1024, maxSteps: 10_000, maxDataBytes: 100_000 };
const renderSmall = (template: string, vars: Record<string, unknown> = {}) =>
  compileTemplate(template, SMALL).render(vars);

const withBody = (body: string) => ({
  input: new InputVariable({ body, path: {}, querystring: {}, header: {} }),
  util: UTIL,
});

/** The render stops with the engine's template error (the gateway answers it with AWS's 500). */
function assertStopped(
  template: string,
  vars: Record<string, unknown> = {},
  codes?: string[],
  run: typeof render = render,
): void {
  assert.throws(
    () => run(template, vars),
    (e) => e instanceof TemplateError && (codes === undefined || codes.includes(e.code)),
    template,
  );
}

const DATA = ["TEMPLATE_DATA_TOO_LARGE", "TEMPLATE_OUTPUT_TOO_LARGE"];

// The ~180-character template from the hardening issue, and the variants that doubled past the
// interpolation cap (`concat`, `+`) or stayed under it and multiplied the copies instead.
const DOUBLING = [
  '#set($s="a")#foreach($i in [1..40])#set($s="$s$s")#end#set($l=[])#foreach($i in [1..50])#set($x=$l.add($s.toUpperCase()))#end$l',
  '#set($s="a")#foreach($i in [1..40])#set($s=$s.concat($s))#end#set($l=[])#foreach($i in [1..50])#set($x=$l.add($s.toUpperCase()))#end$l',
  '#set($s="a")#foreach($i in [1..23])#set($s="$s$s")#end#set($l=[])#foreach($i in [1..50])#set($x=$l.add($s.toUpperCase()))#end$l',
  '#set($s="a")#foreach($i in [1..40])#set($s=$s + $s)#end$s.length()',
];

test("string doubling then a list of toUpperCase copies (heap exhaustion): the render stops with a template error", () => {
  for (const template of DOUBLING) assertStopped(template, {}, DATA);
});

test("lists, maps and literal replaces grown by doubling: stopped by the data or step budget", () => {
  for (const template of [
    "#set($l=[1])#foreach($i in [1..40])#set($x=$l.addAll($l))#end$l.size()",
    '#set($s="ab")#foreach($i in [1..40])#set($s=$s.replace("a", "aa"))#end$s.length()',
    '#set($s="abc")#foreach($i in [1..40])#set($s=$s.replace("", $s))#end$s.length()',
    '#set($m={})#set($k="k")#foreach($i in [1..40])#set($k="$k$k")#set($x=$m.put($k.toLowerCase(), $k))#end$m.size()',
    '#set($s="x")#foreach($i in [1..40])#set($s=$util.escapeJavaScript("$s$s"))#end$s.length()',
    '#set($s="/")#foreach($i in [1..40])#set($s=$util.urlEncode("$s$s"))#end$s.length()',
  ]) {
    assertStopped(template, { util: UTIL }, [...DATA, "TEMPLATE_RUNTIME"]);
  }
});

test("every string, list and map a render builds is held in its data budget, not only its output", () => {
  for (const template of [
    '#set($s="a")#foreach($i in [1..20])#set($s=$s.concat($s))#end$s.length()',
    '#set($s="a")#foreach($i in [1..20])#set($s="$s$s")#end$s.length()',
    '#set($s="x")#foreach($i in [1..9])#set($s="$s$s")#end#set($l=[])#foreach($i in [1..500])#set($x=$l.add($s.toUpperCase()))#end$l.size()',
    "#set($big=[1..100])#set($l=[])#foreach($i in [1..200])#set($x=$l.addAll($big))#end$l.size()",
    '#set($m={})#foreach($i in [1..1000])#set($x=$m.put("key-${i}-0123456789012345678901234567890123456789", $i))#end$m.size()',
  ]) {
    assertStopped(template, {}, ["TEMPLATE_DATA_TOO_LARGE"], renderSmall);
  }
});

test("a request body read again and again ($input.path, $input.json) is held in the budget every time", () => {
  const body = JSON.stringify({
    items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `n${i}` })),
  });
  assertStopped(
    "#set($l=[])#foreach($i in [1..1000])#set($x=$l.add($input.path('$')))#end$l.size()",
    withBody(body),
    DATA,
  );
  assertStopped(
    "#set($l=[])#foreach($i in [1..1000])#set($x=$l.add($input.json('$')))#end$l.size()",
    withBody(body),
    DATA,
  );
  // Nested objects whose every subtree `$..*` lists again inside its parent's: quadratic text.
  let deep = "{}";
  for (let i = 0; i < 1000; i++) deep = `{"v": [${"1,".repeat(199)}1], "n": ${deep}}`;
  assertStopped("$input.json('$..*').length()", withBody(deep), DATA);
});

test("a legitimate 10 MB body is transformed whole within the budgets", () => {
  const items = Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: `item-${i}`, price: i + 0.5 }));
  const json = JSON.stringify({ items });
  const body = json + " ".repeat(10 * 1024 * 1024 - 1 - json.length);
  const vars = withBody(body);
  assert.equal(render("$input.json('$')", vars), json);
  assert.equal(render("$input.body", vars).length, body.length);
  assert.equal(
    render(
      '#set($o = $input.path("$"))$o.items.size() $o.items[59999].name $util.base64Encode($input.body).length()',
      vars,
    ),
    `60000 item-59999 ${Buffer.from(body).toString("base64").length}`,
  );
  const out = render(
    '{"items": [#foreach($i in $input.path("$.items"))"$i.name"#if($foreach.hasNext),#end#end]}',
    vars,
  );
  assert.equal(JSON.parse(out).items.length, 1000, "#foreach keeps to AWS's 1,000 iterations");
});

test("catastrophic patterns in matches/replaceAll/replaceFirst/split run on RE2 with Java's semantics", () => {
  const vars = { s: `${"a".repeat(20)}!`, t: "a1b22c333", u: "a,b,,c,,", v: "aB" };
  assert.equal(render('$s.matches("(a+)+$") $s.matches("(a|aa)+!")', vars), "false true");
  assert.equal(
    render("$s.replaceAll('(a|aa)+$', 'x') $t.replaceAll('([a-z])(\\d+)', '$2$1')", vars),
    `${vars.s} 1a22b333c`,
  );
  assert.equal(
    render("$t.replaceFirst('\\d+', '<$0>') $t.replaceAll('\\d', '\\$')", vars),
    "a<1>b22c333 a$b$$c$$$",
  );
  assert.equal(
    render('$u.split(",").size() $u.split(",", -1).size() $u.split(",", 2)', vars),
    "4 6 [a, b,,c,,]",
  );
  assert.equal(render('$s.split("(a+)+b").size() $t.split("\\d+")', vars), "1 [a, b, c]");
  // Java syntax a JavaScript RegExp does not have: an inline flag mid-pattern, \Q…\E quoting.
  assert.equal(render('$v.matches("a(?i)b") $t.replaceAll("\\Q22\\E", "-")', vars), "true a1b-c333");
});

test("a pattern RE2 cannot run (backreference, lookbehind, bad syntax) is a template error, not a crash", () => {
  for (const pattern of ["(a)\\1", "(?<=a)b", "[unclosed", "a{2,1}"]) {
    for (const call of [`matches("${pattern}")`, `replaceAll("${pattern}", "x")`, `split("${pattern}")`]) {
      assertStopped(`$s.${call}`, { s: "aab" }, ["TEMPLATE_RUNTIME"]);
    }
  }
});

test("a pattern's work is metered: input × program size, so a huge program on a large input is stopped", () => {
  const big = "[a-z]{500}[0-9]{500}";
  assertStopped(`$s.matches("${big}")`, { s: "a".repeat(10_000) }, ["TEMPLATE_RUNTIME"]);
  assert.equal(render(`$s.matches("${big}")`, { s: "a".repeat(500) + "1".repeat(500) }), "true");
});

test("deep == on self-doubled lists: the same list is equal at once (as Java's equals); distinct copies run out of the step budget", () => {
  const doubled = "#set($l=[1])#foreach($i in [1..30])#set($l=[$l,$l])#end";
  assert.equal(render(`${doubled}#if($l==$l)x#end`), "x");
  assertStopped(
    "#set($a=[1])#set($b=[1])#foreach($i in [1..30])#set($a=[$a,$a])#set($b=[$b,$b])#end#if($a==$b)x#end",
    {},
    ["TEMPLATE_RUNTIME"],
  );
  assertStopped(`${doubled}#if($l=="x")x#end`, {}, ["TEMPLATE_RUNTIME"]);
  assertStopped(`${doubled}$l`, {}, ["TEMPLATE_RUNTIME"]);
  // Smaller, so that what is metered shows: each element compared or printed is a step.
  const copies = (n: number) =>
    `#set($a=[1])#set($b=[1])#foreach($i in [1..${n}])#set($a=[$a,$a])#set($b=[$b,$b])#end`;
  for (const use of ["#if($a==$b)x#end", '#if($a=="x")x#end', "#if($a.contains($b.get(0)))x#end", "$a"]) {
    assertStopped(copies(16) + use, {}, ["TEMPLATE_RUNTIME"], renderSmall);
  }
  assert.equal(renderSmall(`${copies(4)}#if($a==$b)x#end`), "x");
});

test("nested empty #foreach loops: every iteration is a step, so they run out of budget", () => {
  const loops = (n: number) => "#foreach($i in [1..1000])".repeat(n) + "#end".repeat(n);
  assertStopped(loops(5), {}, ["TEMPLATE_RUNTIME"]);
  assertStopped(loops(3), {}, ["TEMPLATE_RUNTIME"]);
  assert.equal(render(loops(2)), "");
  // A million empty iterations in 10,000 steps' budget: only the iterations themselves spend it.
  assertStopped(loops(2), {}, ["TEMPLATE_RUNTIME"], renderSmall);
});

test("#foreach stops after AWS's 1,000 iterations in each loop, over lists, maps and ranges", () => {
  const big = Array.from({ length: 5000 }, (_, i) => i);
  const map = fromJson(Object.fromEntries(big.map((i) => [`k${i}`, i])));
  assert.equal(render("#foreach($i in $big)x#end", { big }).length, 1000);
  assert.equal(render("#foreach($i in $map)x#end", { map }).length, 1000);
  assert.equal(render("#foreach($i in [1..5000])x#end").length, 1000);
  assert.equal(render("#foreach($i in [1..5000])#set($last=$i)#end$last"), "1000");
});

test("a #macro that calls itself stops at Velocity's depth limit (20) instead of overflowing the stack", () => {
  assertStopped("#macro(f $n)x#f($n)#end#f(1)", {}, ["TEMPLATE_RUNTIME"]);
  assert.throws(() => render("#macro(f $n)x#f($n)#end#f(1)"), /nest deeper than 20/);
  assert.equal(render("#macro(f $n)#if($n > 0)$n#set($m = $n - 1)#f($m)#end#end#f(5)"), "54321");
});

test("a list that holds itself prints as Java prints it; a far index does not stretch a list", () => {
  assert.equal(render("#set($l=[1])#set($x=$l.add($l))$l"), "[1, (this Collection)]");
  assert.equal(render("#set($l=[1])#set($l[1000000000]=2)$l.size() $l"), "1 [1]");
});

describe("through the gateway", () => {
  let backend: EchoBackend;
  let gw: TestGateway;
  let id: string;
  const mock = (template: string) => ({
    get: {
      "x-amazon-apigateway-integration": {
        type: "mock",
        requestTemplates: { "application/json": template },
        responses: {
          default: { statusCode: "200", responseTemplates: { "application/json": '{"ok": true}' } },
        },
      },
    },
  });

  /**
   * The attack's route, and the same template made small (`/…-small`) to show that it works but for
   * the budget. The template's output is the MOCK's `{"statusCode": 200, …}`.
   */
  const attacks = (name: string, template: (n: number) => string, big: number, small: number) => ({
    [`/${name}`]: mock(template(big)),
    [`/${name}-small`]: mock(template(small)),
  });
  /** A doubling template from the issue, its `$l` printed into the MOCK's JSON. */
  const doubling = (template: string) => (n: number) =>
    `${template.replace("[1..40]", `[1..${n}]`).slice(0, -"$l".length)}{"statusCode": 200, "l": "$l"}`;
  const status = '\n{"statusCode": 200}';

  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway();
    const doc = {
      openapi: "3.0.1",
      info: { title: "Template attacks", version: "1" },
      paths: {
        ...attacks("doubling", doubling(DOUBLING[1]!), 40, 3),
        ...attacks("doubling-interpolated", doubling(DOUBLING[0]!), 40, 3),
        ...attacks("loops", (n) => "#foreach($i in [1..1000])".repeat(n) + "#end".repeat(n) + status, 5, 1),
        ...attacks(
          "equals",
          (n) =>
            `#set($a=[1])#set($b=[1])#foreach($i in [1..${n}])#set($a=[$a,$a])#set($b=[$b,$b])#end#if($a==$b)#end${status}`,
          30,
          3,
        ),
        "/ok": mock('{"statusCode": 200}'),
        "/pattern": {
          get: {
            "x-amazon-apigateway-integration": {
              type: "http",
              httpMethod: "POST",
              uri: `${backend.url}/echo`,
              requestTemplates: {
                "application/json": `{"whole": $input.params('q').matches("(a+)+$"), "cut": "$input.params('q').replaceAll("(a|aa)+!", "-")"}`,
              },
              responses: { default: { statusCode: "200" } },
            },
          },
        },
      },
    };
    id = await gw.deployRest(JSON.stringify(doc), "prod");
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("the doubling template answers AWS's 500 and the gateway serves the next request", {
    timeout: 60_000,
  }, async () => {
    for (const path of ["/prod/doubling", "/prod/doubling-interpolated"]) {
      assert.equal((await gw.call(id, `${path}-small`)).status, 200);
      const r = await gw.call(id, path);
      assert.equal(r.status, 500);
      assert.equal(r.text, '{"message": "Internal server error"}');
      assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
      const next = await gw.call(id, "/prod/ok");
      assert.equal(next.status, 200);
      assert.equal(next.text, '{"ok": true}');
    }
  });

  test("nested empty loops and deep == answer 500 instead of freezing the gateway", {
    timeout: 30_000,
  }, async () => {
    for (const path of ["/prod/loops", "/prod/equals"]) {
      assert.equal((await gw.call(id, `${path}-small`)).status, 200);
      const r = await gw.call(id, path);
      assert.equal(r.status, 500);
      assert.equal(r.text, '{"message": "Internal server error"}');
      assert.equal((await gw.call(id, "/prod/ok")).status, 200);
    }
  });

  test("a catastrophic pattern against a query parameter is answered at once (RE2), with Java's result", {
    timeout: 20_000,
  }, async () => {
    // A backtracking engine takes 2^32 steps on this `q`: minutes.
    const q = `${"a".repeat(32)}!`;
    const r = await gw.call(id, `/prod/pattern?q=${q}`);
    assert.equal(r.status, 200, r.text);
    const sent = JSON.parse(Buffer.from((JSON.parse(r.text) as Echo).bodyBase64, "base64").toString());
    assert.deepEqual(sent, { whole: false, cut: "-" });
    assert.equal((await gw.call(id, "/prod/ok")).status, 200);
  });
});
