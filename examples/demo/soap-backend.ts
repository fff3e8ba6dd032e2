import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";

/**
 * The demo's SOAP service: the calculator of calculator.wsdl (SOAP 1.1, document/literal), written
 * by hand so that the demo needs nothing beyond the gateway's own dependencies. `POST /calculator`
 * takes an `Add`, `Subtract` or `Divide` envelope and answers its result, or a SOAP fault with
 * status 500 as SOAP 1.1 over HTTP does: `soap:Client` with a `CalculatorFault` detail (the fault
 * the WSDL declares) on a division by zero, `soap:Client` for a message it cannot read.
 * `GET /calculator?wsdl` answers the WSDL, its soap:address naming where it was asked (as SOAP
 * stacks do), so that it holds on whatever port the backend listens.
 */

const NS = "urn:portico:calculator";
const WSDL = readFileSync(join(import.meta.dirname, "calculator.wsdl"), "utf8");

// No attributes, prefixes dropped, values kept as text; entities are not expanded, and a DOCTYPE
// is refused before parsing (SOAP forbids one in a message).
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, processEntities: false });

type Operation = (a: number, b: number) => string | Fault;

interface Fault {
  code: string;
  message: string;
  detail?: string;
}

const operations: Record<string, Operation> = {
  Add: (a, b) => `<AddResult>${a + b}</AddResult>`,
  Subtract: (a, b) => `<SubtractResult>${a - b}</SubtractResult>`,
  Divide: (a, b) =>
    b === 0
      ? {
          code: "soap:Client",
          message: "Division by zero",
          detail: `<CalculatorFault xmlns="${NS}"><operation>Divide</operation><reason>b is zero</reason></CalculatorFault>`,
        }
      : `<Quotient>${Math.trunc(a / b)}</Quotient><Remainder>${a % b}</Remainder>`,
};

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`;

const escapeText = (text: string) =>
  text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));

const faultXml = (f: Fault) =>
  envelope(
    `<soap:Fault><faultcode>${f.code}</faultcode><faultstring>${escapeText(f.message)}</faultstring>${f.detail ? `<detail>${f.detail}</detail>` : ""}</soap:Fault>`,
  );

const clientFault = (message: string): Fault => ({ code: "soap:Client", message });

/** xsd:int: a 32-bit integer, written as XSD writes one. */
function int(text: unknown): number | undefined {
  if (typeof text !== "string" || !/^[+-]?\d{1,10}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** The reply to one envelope: the operation's response element, or a fault. */
function answer(xml: string, soapAction: string | undefined): string | Fault {
  if (/<!DOCTYPE/i.test(xml)) return clientFault("A SOAP message must not contain a DOCTYPE");
  if (XMLValidator.validate(xml) !== true) return clientFault("The message is not well-formed XML");
  const doc = parser.parse(xml) as { Envelope?: { Body?: Record<string, { a?: unknown; b?: unknown }> } };
  const body = doc.Envelope?.Body;
  const name = typeof body === "object" ? Object.keys(body).find((k) => k !== "#text") : undefined;
  const operation = name === undefined ? undefined : operations[name];
  if (body === undefined || name === undefined || operation === undefined)
    return clientFault(`Expected a soap:Envelope whose Body holds Add, Subtract or Divide in ${NS}`);
  // SOAPAction is a quoted URI; empty ("") leaves the choice to the Body, as SOAP 1.1 allows.
  const action = soapAction?.trim().replace(/^"(.*)"$/, "$1");
  if (action && action !== `${NS}/${name}`)
    return clientFault(`SOAPAction ${soapAction} does not match the operation ${name}`);
  const a = int(body[name]?.a);
  const b = int(body[name]?.b);
  if (a === undefined || b === undefined) return clientFault(`${name} takes two xsd:int values, a and b`);
  const result = operation(a, b);
  return typeof result === "string" ? `<${name}Response xmlns="${NS}">${result}</${name}Response>` : result;
}

/** Serves `/calculator` on the demo backend; `body` is the request's whole body. */
export function serveCalculator(
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  body: string,
): void {
  const send = (status: number, xml: string) => {
    res.writeHead(status, {
      "Content-Type": "text/xml; charset=utf-8",
      "Content-Length": Buffer.byteLength(xml),
    });
    res.end(xml);
  };
  if (req.method === "GET" && query.toLowerCase() === "wsdl") {
    const host = req.headers.host ?? "";
    const wsdl = /^[A-Za-z0-9.:[\]-]+$/.test(host)
      ? WSDL.replace(/(<soap:address location=")[^"]*"/, `$1http://${host}/calculator"`)
      : WSDL;
    send(200, wsdl);
  } else if (req.method !== "POST") send(405, faultXml(clientFault("POST a SOAP envelope, or GET ?wsdl")));
  else {
    const header = req.headers.soapaction;
    const result = answer(body, Array.isArray(header) ? header[0] : header);
    if (typeof result === "string") send(200, envelope(result));
    else send(500, faultXml(result));
  }
}
