import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeJavaScript, InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { compileJsonPath } from "../../src/mapping/jsonpath.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { fromJson } from "../../src/mapping/vtl/values.ts";

function render(
  template: string,
  body: string,
  params: { path?: object; querystring?: object; header?: object } = {},
) {
  return compileTemplate(template).render({
    input: new InputVariable({
      body,
      path: { ...params.path } as Record<string, string>,
      querystring: { ...params.querystring } as Record<string, string>,
      header: { ...params.header } as Record<string, string>,
    }),
    util: UTIL,
    context: fromJson({
      stage: "prod",
      requestId: "abcdefg-000-000-0000-abcdefg",
      apiId: "abcd1234",
      identity: { sourceIp: "192.0.2.1" },
    }),
    stageVariables: fromJson({ env: "test" }),
  });
}

// Source: AWS API Gateway Developer Guide, "Examples using variables for mapping template
// transformations" (api-gateway-mapping-variable-examples), Example 2: pass all request parameters.
test("AWS example: every request parameter through $input.params()", () => {
  const template = `#set($allParams = $input.params())
{
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
}
}`;
  const out = render(template, "", {
    path: { id: "7" },
    querystring: { q: "a b" },
    header: { Accept: "*/*" },
  });
  assert.deepEqual(JSON.parse(out), {
    params: { path: { id: "7" }, querystring: { q: "a b" }, header: { Accept: "*/*" } },
  });
});

// Source: AWS API Gateway Developer Guide, "Data transformations for REST APIs" PetStore example
// (models-mappings-examples): the GetPets integration response template.
test("AWS example: the PetStore response template reshapes a list", () => {
  const template = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "number": $elem.id,
    "class": "$elem.type",
    "salesPrice": $elem.price
  }#if($foreach.hasNext),#end

#end
]`;
  const body =
    '[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]';
  assert.deepEqual(JSON.parse(render(template, body)), [
    { number: 1, class: "dog", salesPrice: 249.99 },
    { number: 2, class: "cat", salesPrice: 124.99 },
    { number: 3, class: "fish", salesPrice: 0.99 },
  ]);
});

// Source: AWS API Gateway Developer Guide, "Variables for data transformations" ($input variables):
// $input.json and $input.path over {"things": {...}}.
test("AWS example: $input.json and $input.path", () => {
  const body = '{"things": {"1d4g5": {}, "3c6f1": {}, "7bc9f": {}}, "a": {"b": [1, 2.5, "x"]}}';
  assert.equal(render("$input.json('$.a')", body), '{"b":[1,2.5,"x"]}');
  assert.equal(render("$input.path('$.a.b').size() $input.path('$.a.b')[1]", body), "3 2.5");
  const template = `#set($inputRoot = $input.path('$'))
{
  "things": [
#foreach($elem in $inputRoot.things.keySet())
    "$elem"#if($foreach.hasNext),#end
#end
  ]
}`;
  assert.deepEqual(JSON.parse(render(template, body)), { things: ["1d4g5", "3c6f1", "7bc9f"] });
  assert.equal(
    render("$input.params('q')|$input.params('missing')|", "", { querystring: { q: "v" } }),
    "v||",
  );
  assert.equal(
    render("$context.stage $context.identity.sourceIp $stageVariables.env", ""),
    "prod 192.0.2.1 test",
  );
});

test("$util functions as AWS documents them", () => {
  assert.equal(escapeJavaScript(`He said "it's" a/b\n`), `He said \\"it\\'s\\" a\\/b\\n`);
  assert.equal(render('$util.escapeJavaScript("é")', ""), "\\u00E9");
  assert.equal(render('$util.urlEncode("a b&c=d/é")', ""), "a+b%26c%3Dd%2F%C3%A9");
  assert.equal(render('$util.urlDecode("a+b%26c")', ""), "a b&c");
  assert.equal(render('$util.base64Encode("hello")|$util.base64Decode("aGVsbG8=")', ""), "aGVsbG8=|hello");
  assert.equal(render('#set($o = $util.parseJson("{\\"k\\": [1, 2]}"))$o.k.size()', ""), "2");
});

test("JSONPath follows Jayway: definite vs indefinite, deep scan, slices, no filters", () => {
  const doc = { store: { book: [{ a: 1 }, { a: 2 }, { a: 3 }], bike: { a: 9 } } };
  assert.deepEqual(compileJsonPath("$.store.book[0]").evaluate(doc), { a: 1 });
  assert.deepEqual(compileJsonPath("$['store']['bike'].a").evaluate(doc), 9);
  assert.deepEqual(compileJsonPath("$.store.book[*].a").evaluate(doc), [1, 2, 3]);
  assert.deepEqual(compileJsonPath("$..a").evaluate(doc), [1, 2, 3, 9]);
  assert.deepEqual(compileJsonPath("$.store.book[-1]").evaluate(doc), { a: 3 });
  assert.deepEqual(compileJsonPath("$.store.book[0:2]").evaluate(doc), [{ a: 1 }, { a: 2 }]);
  assert.equal(compileJsonPath("$.nope.deeper").evaluate(doc), undefined);
  assert.equal(compileJsonPath("$.store.book[0]").definite, true);
  assert.equal(compileJsonPath("$..a").definite, false);
  assert.throws(() => compileJsonPath("$.store.book[?(@.a > 1)]"), /filters and scripts are not supported/);
  assert.throws(() => compileJsonPath("store"), /must start with \$/);
});
