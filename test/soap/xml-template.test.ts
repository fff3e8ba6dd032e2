import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { TemplateError } from "../../src/mapping/vtl/errors.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { xmlToJson } from "../../src/soap/xml.ts";

/** Renders as an integration response template does: the backend's body is `$input.body`. */
function render(template: string, body: string): string {
  const input = new InputVariable({ body, path: {}, querystring: {}, header: {} });
  return compileTemplate(template).render({ util: UTIL, input });
}

function renderError(template: string, body: string): TemplateError {
  try {
    render(template, body);
  } catch (err) {
    assert.ok(err instanceof TemplateError, String(err));
    return err;
  }
  assert.fail("rendered");
}

const ORDER = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:orders">
  <soap:Body>
    <o:GetOrderResponse>
      <o:order id="o-17" status="open">
        <o:customer>Ann &amp; Bob</o:customer>
        <o:address><o:street>1 Main St</o:street><o:city>Springfield</o:city></o:address>
        <o:line sku="A-1"><o:qty>2</o:qty><o:price currency="EUR">9.50</o:price></o:line>
        <o:line sku="B-2"><o:qty>1</o:qty><o:price currency="EUR">20.00</o:price></o:line>
      </o:order>
      <o:single><o:line sku="C-3"><o:qty>7</o:qty></o:line></o:single>
    </o:GetOrderResponse>
  </soap:Body>
</soap:Envelope>`;

describe("$util.xmlToJson", () => {
  test("prints the document as JSON text, the same text as the XML module's", () => {
    const out = render("$util.xmlToJson($input.body)", ORDER);
    assert.equal(out, xmlToJson(ORDER));
    const order = JSON.parse(out).Envelope.Body.GetOrderResponse.order;
    assert.equal(order["@id"], "o-17");
    assert.equal(order.customer, "Ann & Bob");
    assert.deepEqual(
      order.line.map((l: { "@sku": string }) => l["@sku"]),
      ["A-1", "B-2"],
    );
  });

  test("a document it refuses fails the render with why, never renders as null", () => {
    const err = renderError('{"a": $util.xmlToJson($input.body)}', "<a><b></a>");
    assert.equal(err.code, "TEMPLATE_RUNTIME");
    assert.match(err.message, /^\$util\.xmlToJson: Malformed XML: Expected closing tag 'b'/);
    const xxe = renderError(
      "$util.xmlToJson($input.body)",
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    );
    assert.match(xxe.message, /DOCTYPE/);
    assert.match(
      renderError("$util.parseXml($input.body)", "not xml").message,
      /^\$util\.parseXml: Malformed XML/,
    );
  });
});

describe("$util.parseXml", () => {
  test("navigates by element name, attributes by ['@name'], text beside them by ['#text']", () => {
    const out = render(
      `#set($o = $util.parseXml($input.body).Envelope.Body.GetOrderResponse.order)
$o['@id'] $o.customer $o.address.city $o.line[1]['@sku'] $o.line[0].price['#text'] $o.line[0].price['@currency'] $o.line.size()`,
      ORDER,
    );
    assert.equal(out.trim(), "o-17 Ann & Bob Springfield B-2 9.50 EUR 2");
  });

  test("#foreach goes through a repeated element, and through one that occurs once as a list of one", () => {
    const out = render(
      `#set($r = $util.parseXml($input.body).Envelope.Body.GetOrderResponse)
#foreach($l in $r.order.line)$l['@sku']=$l.qty #end|#foreach($l in $r.single.line)$l['@sku']=$l.qty #end|#foreach($c in $r.order.customer)$c#end`,
      ORDER,
    );
    assert.equal(out.trim(), "A-1=2 B-2=1 |C-3=7 |Ann & Bob");
  });

  test("an element's children by keySet(), values() and entrySet(); it prints as a map", () => {
    const out = render(
      `#set($a = $util.parseXml($input.body).Envelope.Body.GetOrderResponse.order.address)
$a.keySet() #foreach($v in $a.values())$v;#end $a`,
      ORDER,
    );
    assert.equal(out.trim(), "[street, city] 1 Main St;Springfield; {street=1 Main St, city=Springfield}");
  });

  test("a template that builds JSON from it: the facade's integration response", () => {
    const out = render(
      `#set($o = $util.parseXml($input.body).Envelope.Body.GetOrderResponse.order)
{"id": "$o['@id']", "customer": "$util.escapeJavaScript($o.customer)", "lines": [#foreach($l in $o.line){"sku": "$l['@sku']", "qty": $l.qty}#if($foreach.hasNext),#end#end]}`,
      ORDER,
    );
    assert.deepEqual(JSON.parse(out), {
      id: "o-17",
      customer: "Ann & Bob",
      lines: [
        { sku: "A-1", qty: 2 },
        { sku: "B-2", qty: 1 },
      ],
    });
  });

  test("names such as __proto__ and constructor are entries like any other, reaching no prototype", () => {
    const xml =
      "<r><__proto__><polluted>yes</polluted></__proto__><constructor>c</constructor><toString>t</toString></r>";
    const out = render(
      `#set($r = $util.parseXml($input.body).r)$r['__proto__'].polluted $r['constructor'] $r['toString'] $r.keySet()`,
      xml,
    );
    assert.equal(out, "yes c t [__proto__, constructor, toString]");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("$util.escapeXml", () => {
  test("makes JSON values safe inside a SOAP envelope built by a request template", () => {
    const body = JSON.stringify({ name: `Tom & "Jerry" <3 '`, a: 1 });
    const out = render(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Hello name="$util.escapeXml($input.path('$.name'))">$util.escapeXml($input.path('$.name'))</Hello></soap:Body></soap:Envelope>`,
      body,
    );
    assert.match(out, /name="Tom &amp; &quot;Jerry&quot; &lt;3 &apos;"/);
    const back = JSON.parse(render("$util.xmlToJson($input.body)", out));
    assert.deepEqual(back.Envelope.Body.Hello, {
      "@name": `Tom & "Jerry" <3 '`,
      "#text": `Tom & "Jerry" <3 '`,
    });
  });
});

describe("the render's budget", () => {
  test("a document too big to convert within one render is refused before it is parsed", () => {
    const lines = '<o:line sku="x"><o:qty>1</o:qty><o:price currency="EUR">1.00</o:price></o:line>'.repeat(
      40_000,
    );
    const huge = `<soap:Envelope xmlns:soap="s" xmlns:o="o"><soap:Body><o:r>${lines}</o:r></soap:Body></soap:Envelope>`;
    assert.ok(huge.length < 10 * 1024 * 1024, "under the size limit: the budget refuses it");
    const err = renderError("$util.xmlToJson($input.body)", huge);
    assert.equal(err.code, "TEMPLATE_RUNTIME");
    assert.match(err.message, /exceeded its evaluation budget/);
  });

  test("so does one dense with tags, whose parse would hold too much memory", () => {
    const dense = `<r>${"<a/>".repeat(150_000)}</r>`;
    const err = renderError("$util.parseXml($input.body)", dense);
    assert.ok(
      err.code === "TEMPLATE_DATA_TOO_LARGE" || /budget/.test(err.message),
      `${err.code}: ${err.message}`,
    );
  });

  test("converting spends the same budget as the rest of the template: a loop and a document together run out", () => {
    const doc = `<r>${'<a b="1">x</a>'.repeat(2_000)}</r>`;
    assert.doesNotThrow(() => render("$util.xmlToJson($input.body)", doc));
    const err = renderError("#foreach($i in [1..40])$util.xmlToJson($input.body).length()#end", doc);
    assert.match(err.message, /exceeded its evaluation budget/);
  });
});
