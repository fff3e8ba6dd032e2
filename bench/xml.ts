/**
 * XML → JSON cost per request: a SOAP envelope of about 2 KB and one of about 200 KB turned into
 * JSON text by an integration response template (`$util.xmlToJson($input.body)`, rendered as the
 * HTTP integration renders it), against fast-xml-parser alone with the same shape of options and
 * `JSON.stringify` (target ≤ 1.5× its cost), and against fast-xml-parser with its validator on, the
 * nearest it comes by itself to what the template's parser checks. Also times `$util.parseXml`
 * navigated by a small template. In-process, interleaved rounds, medians of CPU time per call.
 *
 *   node bench/xml.ts [--rounds 5] [--seconds 2]
 */
import { deepStrictEqual } from "node:assert/strict";
import { parseArgs } from "node:util";
import { XMLParser } from "fast-xml-parser";
import { renderTemplate, type TemplateInput } from "../src/mapping/template-set.ts";
import { compileTemplate } from "../src/mapping/vtl/template.ts";
import { JMap } from "../src/mapping/vtl/values.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, seconds: { type: "string", default: "2" } },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

/** A GetOrder reply as the soap package's server writes one (test/fixtures/soap/orders.wsdl). */
function envelope(lines: number): string {
  let s =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="urn:portico:orders">' +
    '<soap:Body><tns:GetOrderResponse><tns:order id="o-17"><tns:customer>Ann &amp; Bob</tns:customer>' +
    "<tns:shippingAddress><tns:street>1 Main St</tns:street><tns:city>Springfield</tns:city>" +
    "<tns:postcode>12345</tns:postcode><tns:country>US</tns:country></tns:shippingAddress>";
  for (let i = 0; i < lines; i++)
    s += `<tns:line><tns:sku>SKU-${i}</tns:sku><tns:description>Widget number ${i}</tns:description><tns:quantity>${i % 7}</tns:quantity><tns:unitPrice currency="EUR">${(i * 1.25).toFixed(2)}</tns:unitPrice></tns:line>`;
  return `${s}<tns:total>99.00</tns:total></tns:order></tns:GetOrderResponse></soap:Body></soap:Envelope>`;
}

const DOCUMENTS = [
  { label: "2 KB", xml: envelope(9) },
  { label: "200 KB", xml: envelope(1150) },
];

const sameShape = {
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreDeclaration: true,
};
const parser = new XMLParser(sameShape);

const toJson = compileTemplate("$util.xmlToJson($input.body)");
const navigate = compileTemplate(
  `#set($o = $util.parseXml($input.body).Envelope.Body.GetOrderResponse.order){"id": "$o['@id']", "lines": $o.line.size(), "city": "$o.shippingAddress.city"}`,
);
const input: TemplateInput = {
  body: "",
  path: {},
  querystring: {},
  header: {},
  context: new JMap(),
  builtContext: undefined,
  stageVariables: {},
};

type Case = { name: string; run: (xml: string) => string };
const CASES: Case[] = [
  { name: "fast-xml-parser + JSON.stringify", run: (xml) => JSON.stringify(parser.parse(xml)) },
  {
    name: "fast-xml-parser validating + JSON.stringify",
    run: (xml) => JSON.stringify(parser.parse(xml, true)),
  },
  { name: "template: $util.xmlToJson($input.body)", run: (xml) => renderTemplate(toJson, input, xml) },
  { name: "template: $util.parseXml(…) navigated", run: (xml) => renderTemplate(navigate, input, xml) },
];

/**
 * CPU µs per call (this process's user + system time), over about `ms` milliseconds: CPU time moves
 * less than wall time when other work shares the machine's cores.
 */
function measure(run: (xml: string) => string, xml: string, ms: number): number {
  let sink = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  const cpu = process.cpuUsage();
  let n = 0;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 10; i++) sink += run(xml).length;
    n += 10;
  }
  const used = process.cpuUsage(cpu);
  if (sink < 0) console.log(sink);
  return (used.user + used.system) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Same answers first: the template's JSON is fast-xml-parser's (key order aside: attributes first).
for (const { xml } of DOCUMENTS)
  deepStrictEqual(JSON.parse(CASES[2]!.run(xml)), JSON.parse(CASES[0]!.run(xml)));

const results = new Map<string, number[]>();
const perCase = (seconds * 1000) / (CASES.length * DOCUMENTS.length);
for (let round = 0; round <= rounds; round++) {
  for (const doc of DOCUMENTS)
    for (const c of CASES) {
      const us = measure(c.run, doc.xml, round === 0 ? perCase / 4 : perCase);
      // Round 0 warms every path up and is not counted.
      if (round > 0)
        results.set(`${doc.label}|${c.name}`, [...(results.get(`${doc.label}|${c.name}`) ?? []), us]);
    }
}

console.log(`node ${process.version}, ${rounds} rounds × ${seconds} s, medians\n`);
console.log("| envelope | what | CPU µs per request | / fast-xml-parser |");
console.log("| -------- | ---- | ------------------ | ----------------- |");
for (const doc of DOCUMENTS) {
  const base = median(results.get(`${doc.label}|${CASES[0]!.name}`)!);
  for (const c of CASES) {
    const us = median(results.get(`${doc.label}|${c.name}`)!);
    const size = `${doc.label} (${doc.xml.length} chars)`;
    console.log(
      `| ${size} | ${c.name} | ${us < 100 ? us.toFixed(1) : us.toFixed(0)} | ${(us / base).toFixed(2)}× |`,
    );
  }
}
