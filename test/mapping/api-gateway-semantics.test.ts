import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { principalId } from "../../src/gateway/caller-identity.ts";
import { mockStatus } from "../../src/integrations/mock-status.ts";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import {
  applyResponseOverride,
  OverrideMap,
  overrideEntries,
  requestOverrides,
} from "../../src/mapping/overrides.ts";
import { TemplateError } from "../../src/mapping/vtl/errors.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson, JMap } from "../../src/mapping/vtl/values.ts";

/**
 * Where API Gateway's templates differ from plain Velocity 1.7 (AWS-BEHAVIOUR.md §12.5, recorded in
 * the vtl-* corpus cases): null prints as nothing, an empty body is `{}`, JSON lists print as JSON,
 * `$context` carries writable overrides.
 */

const input = (body: string) => new InputVariable({ body, path: {}, querystring: {}, header: {} });
const render = (template: string, body = "", extra: Record<string, unknown> = {}) =>
  compileTemplate(template).render({ input: input(body), util: UTIL, ...extra });

/** A `$context` as the gateway builds it, with its override maps. */
const freshContext = () => {
  const context = fromJson({ stage: "prod" }) as JMap;
  for (const [k, v] of overrideEntries()) context.set(k, v);
  return context;
};

describe("null and unresolved references", () => {
  test("print as the empty string, quiet or not, where Velocity prints the source", () => {
    assert.equal(
      render('[$nothing|$!nothing|${nothing}|$!{nothing}|$input.path("$.none")|$input.body.attr]', '{"a":1}'),
      "[|||||]",
    );
    assert.equal(
      render("[$m.missing|$m.missing.deeper|$s.noSuchMethod()]", "", { m: new JMap(), s: "x" }),
      "[||]",
    );
    assert.equal(render("[$stageVariables.version]", "", { stageVariables: new JMap() }), "[]");
  });

  test("a method that returns null or nothing (Map.put) prints nothing", () => {
    assert.equal(render('#set($m = {})[$m.put("k", 1)][$m.put("k", 2)]$m'), "[][1]{k=2}");
  });

  test("#set from a missing path keeps the variable's old value (Velocity 1.7: a null right-hand side does not assign)", () => {
    assert.equal(render("#set($y = \"old\")#set($y = $input.path('$.none'))[$y]", "{}"), "[old]");
    assert.equal(render("#set($y = $input.path('$.none'))[$y]", "{}"), "[]");
  });

  test("null equals $null and the empty string, and nothing else", () => {
    const t =
      '#set($r = $input.path("$.none"))#if($r == $null)a#end#if($r == "")b#end#if("" == $r)c#end#if($r != "")d#end#if($r == "x")e#end#if($r == 0)f#end';
    assert.equal(render(t, "{}"), "abc");
    assert.equal(
      render('#if($input.path("$.l") == "")y#{else}n#end', '{"l": []}'),
      "n",
      "an empty list is not empty text",
    );
  });
});

describe("$input with an empty body", () => {
  test("$input.body, $input.json('$') and $input.path('$') read {}; $util sees {}", () => {
    assert.equal(
      render("$input.body|$input.json('$')|$input.path('$')|$util.urlEncode($input.body)"),
      "{}|{}|{}|%7B%7D",
    );
    assert.equal(render("Action=SendMessage&MessageBody=$input.body"), "Action=SendMessage&MessageBody={}");
  });

  test("a body that is there is passed as it is, JSON or not", () => {
    assert.equal(render("$input.body", "some raw data"), "some raw data");
    assert.equal(
      render("$util.urlEncode($input.body)", '{"some": "value"}'),
      "%7B%22some%22%3A+%22value%22%7D",
    );
  });
});

describe("printing what $input.path returns", () => {
  test("maps in Java's {k=v} form; lists as compact JSON, with maps inside them as JSON", () => {
    assert.equal(render("$input.path('$')", '{"foo": "bar"}'), "{foo=bar}");
    assert.equal(
      render("$input.path('$').toString()", '{"list": [{"foo": "bar"}]}'),
      '{list=[{"foo":"bar"}]}',
    );
    assert.equal(
      render("$input.path('$')", '{"a": 1, "b": [1, "x/y", null, true, 1.5, {"c": [2]}], "d": {"e": "f"}}'),
      '{a=1, b=[1,"x\\/y",null,true,1.5,{"c":[2]}], d={e=f}}',
    );
    assert.equal(render("$input.path('$.l')", '{"l": []}'), "[]");
    assert.equal(render("$input.path('$.l[*].n')", '{"l": [{"n": "a"}, {"n": "b"}]}'), '["a","b"]');
  });

  test("JSON lists escape as json-smart does: quotes, backslash, slash, controls, U+2000–U+20FF", () => {
    const body = JSON.stringify({ l: ['q"b\\s/n\n\u0001\u0085\u2028é'] });
    assert.equal(render("$input.path('$.l')", body), '["q\\"b\\\\s\\/n\\n\\u0001\\u0085\\u2028é"]');
  });

  test("a map taken out of a JSON list is a Java map again; lists a template builds print as Java's", () => {
    assert.equal(
      render("$input.path('$.l')[0] $input.path('$.l').get(0).foo", '{"l": [{"foo": "bar"}]}'),
      "{foo=bar} bar",
    );
    assert.equal(render('#set($l = [1, "a", {"k": "v"}])$l $l.toString()'), "[1, a, {k=v}] [1, a, {k=v}]");
    assert.equal(render('$util.parseJson(\'[{"a": "b"}]\')'), '[{"a":"b"}]');
    assert.equal(render("#set($l = $input.path('$'))#set($x = $l.add(\"c\"))$l", '["a", 1]'), '["a",1,"c"]');
  });

  test("printing a JSON list is held in the render's budget like any other value", () => {
    const big = JSON.stringify(Array.from({ length: 2000 }, () => "/".repeat(50)));
    const small = { maxForeach: 1000, maxOutputChars: 10_000_000, maxSteps: 100_000, maxDataBytes: 150_000 };
    assert.throws(
      () => compileTemplate("$input.path('$')", small).render({ input: input(big) }),
      (e) => e instanceof TemplateError && e.code === "TEMPLATE_DATA_TOO_LARGE",
    );
  });
});

describe("maps: put and bracket assignment", () => {
  test("#set($m['k'] = v), #set($m.k = v) and $m.put(k, v) write a map, also one read from JSON", () => {
    assert.equal(
      render('#set($m = {})#set($m["k"] = "v")#set($m.j = 2)$!m.put("x", 3)$m'),
      "{k=v, j=2, x=3}",
    );
    assert.equal(
      render('#set($o = $input.path("$"))#set($o["b"] = 2)$!o.put("c", [1])$o', '{"a": 1}'),
      "{a=1, b=2, c=[1]}",
    );
  });
});

describe("$context.requestOverride and responseOverride", () => {
  test("templates write them with #set, brackets and put; the gateway reads header, querystring and path", () => {
    const context = freshContext();
    compileTemplate(
      `#set($context.requestOverride.header.X-One = "1")
#set($context.requestOverride.querystring['filter[0]'] = "where")
$!context.requestOverride.path.put("id", 42)
#set($context.requestOverride.header.nothing = $input.path('$.none'))`,
    ).render({ context, input: input("{}") });
    assert.deepEqual(requestOverrides(context), {
      header: [["X-One", "1"]],
      querystring: [["filter[0]", "where"]],
      path: [["id", "42"]],
    });
    assert.equal(requestOverrides(freshContext()), undefined, "nothing set: nothing to apply");
  });

  test("values set in one template are readable in the next (same $context)", () => {
    const context = freshContext();
    compileTemplate('#set($context.requestOverride.path.body = "{\\"m\\": 1}")').render({ context });
    assert.equal(
      compileTemplate("$util.parseJson($context.requestOverride.path.body).m").render({
        context,
        util: UTIL,
      }),
      "1",
    );
  });

  test("responseOverride.status replaces the status when it is an integer 100–599; headers replace by name", () => {
    const status = (value: unknown) => {
      const context = freshContext();
      (context.get("responseOverride") as OverrideMap).set("status", value);
      return applyResponseOverride(context, 200, []);
    };
    assert.equal(status(444), 444);
    assert.equal(status("404"), 404);
    assert.equal(status(700), 200);
    assert.equal(status(99), 200);
    assert.equal(status("abc"), 200);
    assert.equal(applyResponseOverride(undefined, 201, []), 201);

    const context = freshContext();
    compileTemplate(
      `#set($context.responseOverride.header.Content-Type = "text/plain")
#set($context.responseOverride.header.foo = "bar")
#set($context.responseOverride.header.bad = "a\nb")
#set($context.responseOverride.header.Content-Length = "1")`,
    ).render({ context });
    const headers = ["content-type", "application/json", "Content-Length", "10"];
    assert.equal(applyResponseOverride(context, 200, headers), 200);
    assert.deepEqual(headers, ["Content-Length", "10", "Content-Type", "text/plain", "foo", "bar"]);
  });

  test("overriding one parameter twice fails the template (AWS answers 5XX)", () => {
    assert.throws(
      () =>
        compileTemplate(
          "#set($context.responseOverride.status = 400)#set($context.responseOverride.status = 401)",
        ).render({ context: freshContext() }),
      (e) => e instanceof TemplateError,
    );
    const map = new OverrideMap();
    map.set("a", 1);
    assert.throws(() => map.set("a", 2), TemplateError);
  });
});

describe("MOCK: the status in the rendered request template", () => {
  test("read leniently: JSON, or keys without quotes, other keys and values skipped", () => {
    assert.equal(mockStatus('{"statusCode": 200}'), "200");
    assert.equal(mockStatus("{statusCode: 200}"), "200");
    assert.equal(mockStatus("\n  {\n    'statusCode' : 404 ,\n  }\n"), "404");
    assert.equal(mockStatus('{"a": {"b": ["}", 1]}, statusCode: "201", c: x}'), "201");
    assert.equal(mockStatus("{statusCode = 500; other: 1}"), "500");
  });

  test("nothing it can read as an integer statusCode selects nothing (the call fails with 500)", () => {
    for (const text of [
      "",
      "not json at all",
      "{}",
      '{"other": 200}',
      "{statusCode: 2.5}",
      "{statusCode: abc}",
      '{"statusCode": 200',
      "[200]",
      '{statusCode: {"x": 1}}',
    ]) {
      assert.equal(mockStatus(text), undefined, JSON.stringify(text));
    }
  });
});

describe("$context.identity.caller and user after SigV4", () => {
  test("AWS's principal ids: the account for root, AIDA… for a user, AROA…:session for an assumed role", () => {
    assert.equal(principalId("arn:aws:iam::123456789012:root", "123456789012"), "123456789012");
    const alice = principalId("arn:aws:iam::123456789012:user/alice", "123456789012");
    assert.match(alice, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(principalId("arn:aws:iam::123456789012:user/alice", "123456789012"), alice, "stable");
    assert.notEqual(principalId("arn:aws:iam::123456789012:user/bob", "123456789012"), alice);
    assert.match(
      principalId("arn:aws:sts::123456789012:assumed-role/deployer/session-1", "123456789012"),
      /^AROA[A-Z2-7]{17}:session-1$/,
    );
    assert.equal(
      principalId("arn:aws:sts::123456789012:federated-user/fed", "123456789012"),
      "123456789012:fed",
    );
  });
});
