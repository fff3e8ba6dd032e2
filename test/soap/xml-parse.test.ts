import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { escapeXml, parseXmlTree, XmlError, type XmlErrorCode, xmlToJson } from "../../src/soap/xml.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/** Plain objects, for comparing with deepStrictEqual (the tree's objects have no prototype). */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

function refused(xml: string, code: XmlErrorCode, limits?: { maxChars: number; maxDepth: number }): XmlError {
  try {
    parseXmlTree(xml, undefined, limits);
  } catch (err) {
    assert.ok(err instanceof XmlError, `an XmlError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`accepted: ${xml.slice(0, 80)}`);
}

describe("the shape of $util.xmlToJson (DESIGN.md's SOAP row)", () => {
  test("namespace prefixes and declarations are dropped; each element is a key", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:default">
        <soap:Body><m:AddResponse xmlns:m="urn:calc"><m:AddResult>5</m:AddResult></m:AddResponse></soap:Body>
      </soap:Envelope>`;
    assert.equal(xmlToJson(xml), '{"Envelope":{"Body":{"AddResponse":{"AddResult":"5"}}}}');
  });

  test("a repeated element is an array in document order; a single one is not", () => {
    const tree = plain(
      parseXmlTree("<o><line>a</line><note>n</note><line>b</line><line>c</line><one>x</one></o>"),
    );
    assert.deepEqual(tree, { o: { line: ["a", "b", "c"], note: "n", one: "x" } });
  });

  test("attributes are @name, text beside them #text; an element without either is its text, or empty", () => {
    const tree = plain(
      parseXmlTree(
        `<r><price currency="EUR">9.50</price><flag on="1"/><empty/><blank>  </blank><c a="1"><d/>t</c></r>`,
      ),
    );
    assert.deepEqual(tree, {
      r: {
        price: { "@currency": "EUR", "#text": "9.50" },
        flag: { "@on": "1" },
        empty: "",
        blank: "",
        c: { "@a": "1", d: "", "#text": "t" },
      },
    });
  });

  test("numbers and booleans stay strings, as written", () => {
    assert.deepEqual(plain(parseXmlTree(`<r n="007"><qty>007</qty><ok>true</ok><x>1e3</x></r>`)), {
      r: { "@n": "007", qty: "007", ok: "true", x: "1e3" },
    });
  });

  test("XML's references are decoded, in text and attributes; CDATA is text as written", () => {
    const tree = plain(
      parseXmlTree(
        `<r a="&quot;&apos;&#65;"><t>&lt;&gt;&amp;&#60;&#x3C;&#x1F600;</t><c><![CDATA[<b>&amp;</b>]]></c></r>`,
      ),
    );
    assert.deepEqual(tree, { r: { "@a": `"'A`, t: "<>&<<😀", c: "<b>&amp;</b>" } });
  });

  test("comments, processing instructions and a byte order mark leave no trace", () => {
    assert.equal(
      xmlToJson("\ufeff<?xml version='1.0'?><!-- c --><r><?pi x?><a>1<!-- inside --></a></r>"),
      '{"r":{"a":"1"}}',
    );
  });

  test("the shape is fast-xml-parser's own unordered one with the same options (generated documents)", () => {
    const oracle = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      removeNSPrefix: true,
      parseTagValue: false,
      ignoreDeclaration: true,
    });
    const name = fc.constantFrom("a", "b", "item", "ns:a", "x:item", "Value");
    const text = fc.stringMatching(/^[a-z0-9 .,!?]{0,8}$/).map((s) => s.replace(/^ +| +$/g, ""));
    const escaped = fc.constantFrom("", "&amp;", "&lt;x&gt;", "&quot;");
    const attrs = fc.uniqueArray(fc.tuple(fc.constantFrom("id", "k", "p:n"), text), {
      maxLength: 2,
      selector: ([n]) => n.split(":").pop(),
    });
    const element: fc.Memo<string> = fc.memo((n) =>
      fc
        .tuple(
          name,
          attrs,
          n <= 1
            ? fc.tuple(text, escaped).map(([t, e]) => t + e)
            : fc.array(element(n - 1), { maxLength: 4 }).map((cs) => cs.join("")),
        )
        .map(([tag, as, inner]) => `<${tag}${as.map(([k, v]) => ` ${k}="${v}"`).join("")}>${inner}</${tag}>`),
    );
    fc.assert(
      fc.property(element(4), (body) => {
        const xml = `<root>${body}</root>`;
        assert.deepStrictEqual(plain(parseXmlTree(xml)), plain(oracle.parse(xml)));
      }),
      fuzzParameters(),
    );
  });
});

describe("names that are JavaScript's own", () => {
  const xml = `<constructor prototype="p" __proto__="q">
      <__proto__><polluted>yes</polluted></__proto__><__proto__>2</__proto__>
      <prototype a="1"/><toString>t</toString><hasOwnProperty>h</hasOwnProperty><valueOf/>
    </constructor>`;

  test("come out as written, as own keys of objects without a prototype; no prototype is touched", () => {
    const tree = parseXmlTree(xml);
    assert.equal(Object.getPrototypeOf(tree), null);
    const own = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)?.value;
    const root = own(tree, "constructor") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(root), null);
    assert.deepEqual(Object.keys(root), [
      "@prototype",
      "@__proto__",
      "__proto__",
      "prototype",
      "toString",
      "hasOwnProperty",
      "valueOf",
    ]);
    assert.ok(Array.isArray(own(root, "__proto__")), "two __proto__ elements are an own array");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, "polluted"), false);
    assert.deepEqual(own(JSON.parse(xmlToJson(xml)).constructor, "__proto__"), [{ polluted: "yes" }, "2"]);
  });
});

describe("documents refused", () => {
  test("XXE: an external entity is refused, never read", () => {
    const err = refused(
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
      "XML_DOCTYPE",
    );
    assert.match(err.message, /DOCTYPE/);
    refused(`<!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd"><r/>`, "XML_DOCTYPE");
    refused(`<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>`, "XML_DOCTYPE");
  });

  test("billion laughs: nested entities are refused, never expanded", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`);
    refused(`<!DOCTYPE lolz [<!ENTITY l0 "lol">${levels.join("")}]><lolz>&l9;</lolz>`, "XML_DOCTYPE");
  });

  test("an internal entity declared anywhere the parser would read it is refused too", () => {
    refused(`<!DOCTYPE r [<!ENTITY e "text">]><r>&e;</r>`, "XML_DOCTYPE");
    refused(`<r><!DOCTYPE x [<!ENTITY e "t">]>&e;</r>`, "XML_DOCTYPE");
  });

  test("but the text <!DOCTYPE inside CDATA or a comment is just text", () => {
    assert.equal(
      xmlToJson("<r><![CDATA[<!DOCTYPE html><p/>]]><!-- <!DOCTYPE x> --></r>"),
      '{"r":"<!DOCTYPE html><p/>"}',
    );
  });

  test("an entity XML does not define, a stray & and a reference to no character", () => {
    assert.match(refused("<a>&nbsp;</a>", "XML_ENTITY").message, /&nbsp; is not defined/);
    refused('<a x="&e;"/>', "XML_ENTITY");
    refused('<a x="a & b"/>', "XML_ENTITY");
    refused("<a>&#0;</a>", "XML_ENTITY");
    refused("<a>&#xD800;</a>", "XML_ENTITY");
    refused("<a>&#x110000;</a>", "XML_ENTITY");
  });

  test("10,000 levels deep: refused with the depth limit, the stack intact", () => {
    const deep = "<a>".repeat(10_000) + "x" + "</a>".repeat(10_000);
    assert.match(refused(deep, "XML_TOO_DEEP").message, /deeper than 100 levels/);
    const selfClosing = `${"<a>".repeat(10_000)}<b/>${"</a>".repeat(10_000)}`;
    refused(selfClosing, "XML_TOO_DEEP");
  });

  test("the depth limit is exact: 100 levels parse, 101 do not (self-closing or not)", () => {
    const nest = (n: number, leaf: string) => "<a>".repeat(n - 1) + leaf + "</a>".repeat(n - 1);
    assert.doesNotThrow(() => parseXmlTree(nest(100, "<b>x</b>")));
    assert.doesNotThrow(() => parseXmlTree(nest(100, "<b/>")));
    refused(nest(101, "<b>x</b>"), "XML_TOO_DEEP");
    refused(nest(101, "<b/>"), "XML_TOO_DEEP");
    refused(nest(6, "<b/>"), "XML_TOO_DEEP", { maxChars: 1000, maxDepth: 5 });
  });

  test("a document over the size limit is refused before it is read", () => {
    const big = `<r>${"x".repeat(10 * 1024 * 1024)}</r>`;
    assert.match(refused(big, "XML_TOO_LARGE").message, /over the limit of 10485760/);
    refused("<r>12345</r>", "XML_TOO_LARGE", { maxChars: 10, maxDepth: 5 });
  });

  for (const [xml, message] of [
    ["<a><b></a>", /Expected closing tag 'b'.*instead of closing tag 'a'/],
    ["<a>", /Unclosed tag 'a'/],
    ["<a></a><b></b>", /Multiple possible root nodes/],
    ["<a></a>tail", /Extra text at the end/],
    ["", /Start tag expected/],
    ["not xml", /char 'n' is not expected/],
    ['<a b="1" b="2"/>', /Attribute 'b' is repeated/],
    ["<a b/>", /boolean attribute 'b' is not allowed/],
    ["<1a/>", /invalid name/],
    ["</a>", /has not been opened/],
  ] as const) {
    test(`malformed: ${JSON.stringify(xml)} is refused with where and why`, () => {
      const err = refused(xml, "XML_MALFORMED");
      assert.match(err.message, message);
      assert.match(err.message, /^Malformed XML: .*\(line \d+, column \d+\)$/);
    });
  }

  test("after a self-closing root too (which the validator misses): a second root, or text", () => {
    assert.match(refused("<a/><b/>", "XML_MALFORMED").message, /more than one root element/);
    assert.match(refused("<a></a><b/>", "XML_MALFORMED").message, /more than one root element/);
    assert.match(
      refused('<?xml version="1.0"?><!-- c --><a x="/>"/>tail', "XML_MALFORMED").message,
      /text after the root/,
    );
    assert.equal(
      xmlToJson('<?xml version="1.0"?>\n<!-- c --><a x="1"/>\n<!-- end --><?pi?>\n'),
      '{"a":{"@x":"1"}}',
    );
  });
});

describe("what parsing costs a meter", () => {
  test("the work is charged before it is done: a meter that runs out stops the parse", () => {
    const xml = `<r>${"<a b='1'>x</a>".repeat(1000)}</r>`;
    let steps = 0;
    let bytes = 0;
    const meter = {
      step: (n = 1) => {
        steps += n;
      },
      hold: (n: number) => {
        bytes += n;
      },
      release: (n: number) => {
        bytes -= n;
      },
    };
    parseXmlTree(xml, meter);
    assert.ok(steps > 1000 * 25, `${steps} steps for 2,000 tags`);
    assert.ok(bytes > 0 && bytes < xml.length * 64, `${bytes} bytes kept for the tree`);
    const spent = new Error("spent");
    const stingy = {
      ...meter,
      step: (n = 1) =>
        void (n > 1000
          ? (() => {
              throw spent;
            })()
          : 0),
    };
    assert.throws(() => parseXmlTree(xml, stingy), spent);
  });
});

describe("escapeXml", () => {
  test("escapes the five characters XML gives entities", () => {
    assert.equal(
      escapeXml(`<a href="x">Tom & Jerry's</a>`),
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    );
    assert.equal(escapeXml("plain ünïcode ☃"), "plain ünïcode ☃");
  });

  test("whatever it escapes reads back as itself, in an element and in an attribute", () => {
    // What XML 1.0 cannot carry (controls, U+FFFE/FFFF) and what it normalises (CR) are left out.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
    const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\ufffe\uffff]/g;
    const text = fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => s.replace(notXml, "").trim());
    fc.assert(
      fc.property(text, (s) => {
        const tree = parseXmlTree(`<r a="${escapeXml(s)}"><t>${escapeXml(s)}</t></r>`) as {
          r: { "@a": string; t: string };
        };
        assert.equal(tree.r.t, s);
        assert.equal(tree.r["@a"], s.trim());
      }),
      fuzzParameters(),
    );
  });
});
