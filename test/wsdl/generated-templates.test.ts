import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { type WsdlImport, wsdlToOpenApi } from "../../src/soap/wsdl/import-wsdl.ts";
import { importTexts, integrationOf } from "./inline-wsdl.ts";
import { render, renderJson } from "./render.ts";

/**
 * The generated mapping templates, rendered by the gateway's Velocity engine over JSON bodies and
 * SOAP replies: the envelope a body becomes, and the JSON a reply or a fault becomes.
 */

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "wsdl");
const S11 = "http://schemas.xmlsoap.org/soap/envelope/";
const S12 = "http://www.w3.org/2003/05/soap-envelope";

const envelope = (body: string, ns = S11) =>
  `<?xml version="1.0"?><soap:Envelope xmlns:soap="${ns}"><soap:Body>${body}</soap:Body></soap:Envelope>`;

/** The namespaced XML as a tree that keeps prefixes, to check which namespace each element is in. */
const parseXml = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false }).parse(xml);

let calculator: WsdlImport;
let orders: WsdlImport;
let greeter: WsdlImport;
let weather: WsdlImport;
let stocks: WsdlImport;

before(async () => {
  const load = (f: string) => wsdlToOpenApi(join(FIXTURES, f));
  calculator = await load("calculator.wsdl");
  orders = await load("order.wsdl");
  greeter = await load("greeter-soap12.wsdl");
  weather = await load("weather.wsdl");
  stocks = await load("stockquote-rpc.wsdl");
});

const requestOf = (imported: WsdlImport, path: string) =>
  integrationOf(imported, path).requestTemplates["application/json"]!;
const responseOf = (imported: WsdlImport, path: string, key = "default") =>
  integrationOf(imported, path).responses[key]!.responseTemplates["application/json"]!;

describe("the request template writes the envelope", () => {
  test("document/literal: the body element in its namespace, each value escaped", () => {
    const { output } = render(requestOf(calculator, "/CalculatorService/Add"), '{"a": 2, "b": -3}');
    assert.equal(
      output.trim(),
      `<soapenv:Envelope xmlns:soapenv="${S11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns0="urn:example:calculator"><soapenv:Body><ns0:Add><ns0:a>2</ns0:a><ns0:b>-3</ns0:b></ns0:Add></soapenv:Body></soapenv:Envelope>`,
    );
    const divide = render(
      requestOf(calculator, "/CalculatorService/Divide"),
      '{"dividend": 1.5, "divisor": 0, "rounding": "<&\\"\'>"}',
    ).output;
    assert.match(divide, /<ns0:dividend>1\.5<\/ns0:dividend><ns0:divisor>0<\/ns0:divisor>/);
    assert.match(divide, /<ns0:rounding>&lt;&amp;&quot;&apos;&gt;<\/ns0:rounding>/);
  });

  test("an optional value that is absent is left out; false and 0 are values", () => {
    const out = render(
      requestOf(calculator, "/CalculatorService/Divide"),
      '{"dividend": 0, "divisor": 2}',
    ).output;
    assert.match(out, /<ns0:dividend>0<\/ns0:dividend><ns0:divisor>2<\/ns0:divisor><\/ns0:Divide>/);
  });

  test("nested objects, repeated elements, a recursive type, attributes and simple content", () => {
    const body = {
      order: {
        "@priority": 2,
        id: "ORD-1234",
        placed: "2026-01-02T03:04:05Z",
        customer: {
          name: "Ada & Co",
          address: { street: ["1 Main St", "Floor 2"], city: "Delft", postcode: "2611", country: "NL" },
        },
        line: [
          { sku: "A-1", quantity: 2, price: { "@currency": "EUR", "#text": 9.5 } },
          {
            sku: "KIT",
            quantity: 1,
            price: { "@currency": "EUR", "#text": 20 },
            bundle: [{ sku: "B-1", quantity: 1, price: { "@currency": "EUR", "#text": 0 } }],
          },
        ],
        invoice: false,
        note: ["leave at door"],
      },
    };
    const xml = render(requestOf(orders, "/OrderService/PlaceOrder"), JSON.stringify(body)).output;
    const tree = parseXml(xml);
    const env = tree["soapenv:Envelope"];
    assert.equal(env["@xmlns:ns0"], "urn:example:orders");
    assert.equal(env["@xmlns:ns1"], "urn:example:orders:types");
    const order = env["soapenv:Body"]["ns0:PlaceOrder"]["ns0:order"];
    assert.equal(order["@priority"], "2");
    assert.equal(order["ns1:id"], "ORD-1234");
    assert.equal(order["ns1:customer"]["ns1:name"], "Ada & Co");
    assert.deepEqual(order["ns1:customer"]["ns1:address"]["ns1:street"], ["1 Main St", "Floor 2"]);
    assert.equal(order["ns1:line"].length, 2);
    assert.deepEqual(order["ns1:line"][0]["ns1:price"], { "#text": "9.5", "@currency": "EUR" });
    assert.equal(order["ns1:line"][1]["ns1:bundle"]["ns1:sku"], "B-1");
    assert.equal(order["ns1:invoice"], "false");
    assert.equal(order["ns1:note"], "leave at door");
    // Elements go in the schema's order, whatever the JSON's.
    assert.ok(xml.indexOf("<ns1:id>") < xml.indexOf("<ns1:placed>"));
    assert.ok(xml.indexOf("<ns1:line>") < xml.indexOf("<ns1:invoice>"));
  });

  test("SOAP 1.2: the 1.2 envelope namespace; attributes of the body element", () => {
    const xml = render(requestOf(greeter, "/GreeterService/Greet"), '{"@lang": "nl", "name": "Ada"}').output;
    assert.match(xml, new RegExp(`^<soapenv:Envelope xmlns:soapenv="${S12}"`));
    assert.match(xml, /<ns0:Greet lang="nl"><ns0:name>Ada<\/ns0:name><\/ns0:Greet>/);
  });

  test("rpc/encoded: a wrapper named after the operation, unqualified typed parts, an encoded array", () => {
    const xml = render(
      requestOf(stocks, "/StockQuoteService/GetQuote"),
      '{"symbol": "ACME", "exchanges": ["NYSE", "AMS"]}',
    ).output;
    assert.match(
      xml,
      /<ns0:GetQuote soapenv:encodingStyle="http:\/\/schemas\.xmlsoap\.org\/soap\/encoding\/">/,
    );
    assert.match(xml, /<symbol xsi:type="xsd:string">ACME<\/symbol>/);
    assert.match(
      xml,
      /<exchanges xsi:type="soapenc:Array" soapenc:arrayType="xsd:anyType\[2\]"><item xsi:type="xsd:string">NYSE<\/item><item xsi:type="xsd:string">AMS<\/item><\/exchanges>/,
    );
  });
});

describe("the response template writes the output as JSON", () => {
  test("numbers and booleans typed again from the XML text", () => {
    const { json } = renderJson(
      responseOf(calculator, "/CalculatorService/Divide"),
      envelope(
        '<t:DivideResponse xmlns:t="urn:example:calculator"><t:quotient>2.5</t:quotient><t:exact>true</t:exact></t:DivideResponse>',
      ),
    );
    assert.deepEqual(json, { quotient: 2.5, exact: true });
  });

  test("a repeated element is an array even when it occurs once; an absent one an empty array", () => {
    const template = responseOf(weather, "/WeatherService/GetForecast");
    const day = (d: string) =>
      `<w:day><w:date>${d}</w:date><w:high>10.5</w:high><w:low>-2</w:low><w:sunny>0</w:sunny></w:day>`;
    const reply = (days: string) =>
      envelope(`<w:getForecastResponse xmlns:w="urn:example:weather">${days}</w:getForecastResponse>`, S12);
    assert.deepEqual(renderJson(template, reply(day("2026-05-01"))).json, {
      day: [{ date: "2026-05-01", high: 10.5, low: -2, sunny: false }],
    });
    assert.equal((renderJson(template, reply(day("a") + day("b"))).json as { day: unknown[] }).day.length, 2);
    assert.deepEqual(renderJson(template, reply("")).json, { day: [] });
  });

  test("nested, recursive and attribute-carrying types; text JSON cannot hold as a number stays a string", () => {
    const template = responseOf(orders, "/OrderService/GetOrder");
    const reply =
      envelope(`<o:GetOrderResponse xmlns:o="urn:example:orders" xmlns:t="urn:example:orders:types">
      <o:order priority="1"><t:id>ORD-0001</t:id><t:placed>2026-01-02T03:04:05Z</t:placed>
        <t:customer><t:name>It's "quoted" / é</t:name><t:address><t:street>Main</t:street><t:city>Delft</t:city><t:postcode>1</t:postcode><t:country>NL</t:country></t:address></t:customer>
        <t:line><t:sku>KIT</t:sku><t:quantity>+1</t:quantity><t:price currency="EUR">20.00</t:price>
          <t:bundle><t:sku>B</t:sku><t:quantity>3</t:quantity><t:price currency="USD">1</t:price></t:bundle>
        </t:line>
        <t:card><t:number>4111</t:number><t:expires>2027-01</t:expires></t:card>
        <t:unknown>dropped</t:unknown>
      </o:order></o:GetOrderResponse>`);
    const { json } = renderJson(template, reply);
    assert.deepEqual(json, {
      order: {
        "@priority": 1,
        id: "ORD-0001",
        placed: "2026-01-02T03:04:05Z",
        customer: {
          name: `It's "quoted" / é`,
          address: { street: ["Main"], city: "Delft", postcode: "1", country: "NL" },
        },
        line: [
          {
            sku: "KIT",
            quantity: "+1",
            price: { "@currency": "EUR", "#text": 20.0 },
            bundle: [{ sku: "B", quantity: 3, price: { "@currency": "USD", "#text": 1 }, bundle: [] }],
          },
        ],
        card: { number: "4111", expires: "2027-01" },
        note: [],
      },
    });
  });

  test("rpc: the parts inside the operation's Response wrapper", () => {
    const { json } = renderJson(
      responseOf(stocks, "/StockQuoteService/GetQuote"),
      envelope(`<ns:GetQuoteResponse xmlns:ns="urn:example:stockquote" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <quote xsi:type="ns:Quote"><symbol xsi:type="xsd:string">ACME</symbol><price xsi:type="xsd:float">12.5</price><volume>1000</volume></quote>
        <delayed xsi:type="xsd:boolean">false</delayed></ns:GetQuoteResponse>`),
    );
    assert.deepEqual(json, { quote: { symbol: "ACME", price: 12.5, volume: 1000 }, delayed: false });
  });
});

describe("rpc/encoded arrays in a reply", () => {
  test("every child of a SOAP-encoded array is an item, whatever it is called", async () => {
    const rpc = readFileSync(join(FIXTURES, "stockquote-rpc.wsdl"), "utf8").replace(
      '<part name="delayed" type="xsd:boolean"/>',
      '<part name="delayed" type="xsd:boolean"/><part name="listedOn" type="types:ArrayOfString"/>',
    );
    const imported = await importTexts({ "main.wsdl": rpc });
    const { json } = renderJson(
      responseOf(imported, "/StockQuoteService/GetQuote"),
      envelope(`<ns:GetQuoteResponse xmlns:ns="urn:example:stockquote">
        <quote><symbol>A</symbol><price>1</price><volume>2</volume></quote><delayed>1</delayed>
        <listedOn soapenc:arrayType="xsd:string[3]" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><item>AMS</item><item>NYSE</item><string>LSE</string></listedOn>
      </ns:GetQuoteResponse>`),
    );
    assert.deepEqual(json, {
      quote: { symbol: "A", price: 1, volume: 2 },
      delayed: true,
      listedOn: ["AMS", "NYSE", "LSE"],
    });
  });
});

describe("faults become a JSON error", () => {
  const fault11 = (code: string, detail = "") =>
    envelope(
      `<soap:Fault><faultcode>${code}</faultcode><faultstring>went wrong</faultstring>${detail}</soap:Fault>`,
    );

  test("a declared fault: its name and typed detail, status 400", () => {
    const reply = fault11(
      "soap:Server",
      '<detail><t:DivideByZero xmlns:t="urn:example:calculator"><t:dividend>4</t:dividend><t:hint>use a divisor</t:hint></t:DivideByZero></detail>',
    );
    const result = renderJson(responseOf(calculator, "/CalculatorService/Divide", "5\\d{2}"), reply);
    assert.deepEqual(result.json, {
      fault: {
        code: "soap:Server",
        message: "went wrong",
        name: "DivideByZeroFault",
        detail: { DivideByZero: { dividend: 4, hint: "use a divisor" } },
      },
    });
    assert.equal(result.status, 400);
  });

  test("a Server fault stays 500 (no override); a Client fault is 400; an undeclared detail passes as it is", () => {
    const server = renderJson(
      responseOf(calculator, "/CalculatorService/Add", "5\\d{2}"),
      fault11("soap:Server"),
    );
    assert.deepEqual(server.json, { fault: { code: "soap:Server", message: "went wrong" } });
    assert.equal(server.status, undefined);
    const client = renderJson(
      responseOf(calculator, "/CalculatorService/Add", "5\\d{2}"),
      fault11("soap:Client.Validation", "<detail><why>odd</why></detail>"),
    );
    assert.deepEqual(client.json, {
      fault: { code: "soap:Client.Validation", message: "went wrong", detail: { why: "odd" } },
    });
    assert.equal(client.status, 400);
  });

  test("SOAP 1.2 faults: Code/Value and Reason/Text; a Sender fault answered 400 stays 400", () => {
    const reply = envelope(
      `<env:Fault xmlns:env="${S12}"><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">bad city</env:Text></env:Reason><env:Detail><w:unknownCity xmlns:w="urn:example:weather"><w:city>Atlantis</w:city></w:unknownCity></env:Detail></env:Fault>`,
      S12,
    );
    const result = renderJson(responseOf(weather, "/WeatherService/GetForecast", "4\\d{2}"), reply);
    assert.deepEqual(result.json, {
      fault: {
        code: "env:Sender",
        message: "bad city",
        name: "UnknownCity",
        detail: { unknownCity: { city: "Atlantis" } },
      },
    });
    assert.equal(result.status, undefined);
  });

  test("a fault in a 200 answer is a fault too; an error status without a fault says so", () => {
    const ok = renderJson(responseOf(calculator, "/CalculatorService/Add"), fault11("soap:Server"));
    assert.deepEqual(ok.json, { fault: { code: "soap:Server", message: "went wrong" } });
    assert.equal(ok.status, 500);
    const html = renderJson(
      responseOf(calculator, "/CalculatorService/Add", "5\\d{2}"),
      "<html><body>Bad gateway</body></html>",
    );
    assert.deepEqual(html.json, {
      fault: { code: "Server", message: "The SOAP service failed without a SOAP fault" },
    });
  });
});
