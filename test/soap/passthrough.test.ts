import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as soap from "soap";
import { fetch } from "undici";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { FIXTURES, type SoapServices, startSoapServices } from "./soap-services.ts";

// SOAP through REST APIs without any transformation (DESIGN.md's SOAP row; AWS-BEHAVIOUR.md §9
// "SOAP/XML"): HTTP_PROXY passes everything through; a non-proxy HTTP integration passes the body
// (WHEN_NO_MATCH), the client's Content-Type, and what its mappings name (SOAPAction, the
// backend's Content-Type), and its integration responses choose the status by the backend's.

const api = (backend: string) => `
openapi: 3.0.1
info: { title: SOAP passthrough, version: "1" }
paths:
  /proxy/{service}:
    post:
      parameters: [{ name: service, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: "${backend}/{service}"
        requestParameters: { integration.request.path.service: method.request.path.service }
  /plain/{service}:
    post:
      parameters:
        - { name: service, in: path, required: true, schema: { type: string } }
        - { name: SOAPAction, in: header, schema: { type: string } }
      responses:
        "200": { description: ok, headers: { Content-Type: { schema: { type: string } } } }
        "500": { description: fault, headers: { Content-Type: { schema: { type: string } } } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/{service}"
        passthroughBehavior: when_no_match
        requestParameters:
          integration.request.path.service: method.request.path.service
          integration.request.header.SOAPAction: method.request.header.SOAPAction
        responses:
          "5\\\\d{2}":
            statusCode: "500"
            responseParameters: { method.response.header.Content-Type: integration.response.header.Content-Type }
          default:
            statusCode: "200"
            responseParameters: { method.response.header.Content-Type: integration.response.header.Content-Type }
  /unmapped/calculator:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/calculator"
        responses: { default: { statusCode: "200" } }
`;

const ADD = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Add xmlns="urn:portico:calculator"><a>20</a><b>22</b></Add></soap:Body></soap:Envelope>`;
const DIVIDE_BY_ZERO = ADD.replaceAll("Add", "Divide").replace("<b>22</b>", "<b>0</b>");
const ADD12 = ADD.replace(
  "http://schemas.xmlsoap.org/soap/envelope/",
  "http://www.w3.org/2003/05/soap-envelope",
);
const SOAP11 = { "content-type": "text/xml; charset=utf-8", soapaction: '"urn:portico:calculator/Add"' };
const SOAP12_TYPE = 'application/soap+xml; charset=utf-8; action="urn:portico:calculator/Add"';

describe("SOAP passthrough through REST APIs", () => {
  let services: SoapServices;
  let gw: TestGateway;
  let base: string;

  before(async () => {
    services = await startSoapServices();
    gw = await startTestGateway();
    const id = await gw.deployRest(api(services.url));
    base = `http://127.0.0.1:${gw.port}/restapis/${id}/test/_user_request_`;
  });
  after(async () => {
    await gw?.close();
    await services?.close();
  });

  /** The same request straight to the service: what the gateway must pass on unchanged. */
  async function direct(path: string, headers: Record<string, string>, body: string) {
    const r = await fetch(`${services.url}${path}`, { method: "POST", headers, body });
    return { status: r.status, type: r.headers.get("content-type"), body: await r.text() };
  }

  describe("HTTP_PROXY", () => {
    test("the soap package's own client calls every operation through the gateway", async () => {
      const client = await soap.createClientAsync(join(FIXTURES, "calculator.wsdl"), {
        endpoint: `${base}/proxy/calculator`,
      });
      const [added] = await client.AddAsync({ a: 2, b: 3 });
      assert.deepEqual(added, { AddResult: 5 });
      const [subtracted] = await client.SubtractAsync({ a: 2, b: 3 });
      assert.deepEqual(subtracted, { SubtractResult: -1 });
      const [divided] = await client.DivideAsync({ a: 7, b: 2 });
      assert.deepEqual(divided, { Quotient: 3, Remainder: 1 });
      const seen = services.last("/calculator")!;
      assert.equal(seen.headers.soapaction, '"urn:portico:calculator/Divide"');
      assert.equal(seen.headers["content-type"], "text/xml; charset=utf-8");
      assert.equal(seen.body, client.lastRequest, "the envelope arrives byte for byte");
    });

    test("a SOAP fault reaches the client as the service sent it: 500 and the Fault", async () => {
      const client = await soap.createClientAsync(join(FIXTURES, "calculator.wsdl"), {
        endpoint: `${base}/proxy/calculator`,
      });
      const err = await client.DivideAsync({ a: 1, b: 0 }).then(
        () => assert.fail("no fault"),
        (e: { response?: { status: number }; root?: { Envelope: { Body: { Fault: unknown } } } }) => e,
      );
      assert.equal(err.response?.status, 500);
      assert.deepEqual(err.root?.Envelope.Body.Fault, {
        faultcode: "soap:Client",
        faultstring: "Division by zero",
        detail: { CalculatorFault: { operation: "Divide", reason: "b is zero" } },
      });
    });

    test("SOAP 1.1: body, Content-Type and SOAPAction go through unchanged both ways", async () => {
      const r = await fetch(`${base}/proxy/calculator`, { method: "POST", headers: SOAP11, body: ADD });
      const expected = await direct("/calculator", SOAP11, ADD);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), expected.type);
      assert.equal(await r.text(), expected.body);
      const seen = services.received.at(-2)!;
      assert.equal(seen.body, ADD);
      assert.equal(seen.headers.soapaction, SOAP11.soapaction);
      assert.equal(seen.headers["content-type"], SOAP11["content-type"]);
    });

    test("SOAP 1.2: application/soap+xml with its action parameter, unchanged both ways", async () => {
      const client = await soap.createClientAsync(join(FIXTURES, "calculator.wsdl"), {
        endpoint: `${base}/proxy/calculator12`,
        forceSoap12Headers: true,
      });
      const [added, raw] = await client.AddAsync({ a: 40, b: 2 });
      assert.deepEqual(added, { AddResult: 42 });
      assert.match(raw, /http:\/\/www\.w3\.org\/2003\/05\/soap-envelope/);
      const r = await fetch(`${base}/proxy/calculator12`, {
        method: "POST",
        headers: { "content-type": SOAP12_TYPE },
        body: ADD12,
      });
      assert.equal(r.headers.get("content-type"), SOAP12_TYPE, "the service's answer keeps the action");
      assert.match(await r.text(), /<AddResult>42<\/AddResult>/);
      assert.equal(services.last("/calculator12")!.headers["content-type"], SOAP12_TYPE);
      assert.equal(services.last("/calculator12")!.body, ADD12);
    });

    test("SOAP 1.2 fault: 500 with Code and Reason, as sent", async () => {
      const body = ADD12.replaceAll("Add", "Divide").replace("<b>22</b>", "<b>0</b>");
      const type = SOAP12_TYPE.replace("/Add", "/Divide");
      const r = await fetch(`${base}/proxy/calculator12`, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      const expected = await direct("/calculator12", { "content-type": type }, body);
      assert.equal(r.status, 500);
      assert.equal(await r.text(), expected.body);
      assert.match(expected.body, /<soap:Code><soap:Value>soap:Sender<\/soap:Value>/);
    });

    test("nested and repeated complex types: the order service's answer arrives whole", async () => {
      const client = await soap.createClientAsync(join(FIXTURES, "orders.wsdl"), {
        endpoint: `${base}/proxy/orders`,
      });
      const [result] = await client.GetOrderAsync({ orderId: "o-17" });
      assert.equal(result.order.attributes.id, "o-17");
      assert.equal(result.order.customer, "Ann & Bob <Smith>");
      assert.equal(result.order.shippingAddress.city, "Springfield");
      assert.deepEqual(
        result.order.line.map((l: { sku: string }) => l.sku),
        ["A-1", "B-2"],
      );
      const notFound = await client.GetOrderAsync({ orderId: "o-404" }).then(
        () => assert.fail("no fault"),
        (e: { response?: { status: number }; body?: string }) => e,
      );
      assert.equal(notFound.response?.status, 500);
      assert.match(notFound.body ?? "", /<faultstring>Order o-404 not found<\/faultstring>/);
    });
  });

  describe("HTTP (non-proxy) with WHEN_NO_MATCH", () => {
    test("the soap package's client works through it when SOAPAction and Content-Type are mapped", async () => {
      const client = await soap.createClientAsync(join(FIXTURES, "calculator.wsdl"), {
        endpoint: `${base}/plain/calculator`,
      });
      const [added] = await client.AddAsync({ a: 2, b: 3 });
      assert.deepEqual(added, { AddResult: 5 });
      const seen = services.last("/calculator")!;
      assert.equal(seen.headers.soapaction, '"urn:portico:calculator/Add"');
      assert.equal(seen.body, client.lastRequest);
    });

    test("the body passes unchanged, and the backend's Content-Type comes back through its mapping", async () => {
      const r = await fetch(`${base}/plain/calculator`, { method: "POST", headers: SOAP11, body: ADD });
      const expected = await direct("/calculator", SOAP11, ADD);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), expected.type);
      assert.equal(await r.text(), expected.body);
      assert.equal(services.received.at(-2)!.body, ADD);
    });

    test("SOAP 1.2's content type with its action parameter reaches the backend unchanged", async () => {
      const r = await fetch(`${base}/plain/calculator12`, {
        method: "POST",
        headers: { "content-type": SOAP12_TYPE },
        body: ADD12,
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), SOAP12_TYPE);
      assert.equal(services.last("/calculator12")!.headers["content-type"], SOAP12_TYPE);
      assert.match(await r.text(), /<AddResult>42<\/AddResult>/);
    });

    test("a fault's 500 selects the 5\\d{2} integration response: status 500, the Fault as sent", async () => {
      const headers = { ...SOAP11, soapaction: '"urn:portico:calculator/Divide"' };
      const r = await fetch(`${base}/plain/calculator`, { method: "POST", headers, body: DIVIDE_BY_ZERO });
      const expected = await direct("/calculator", headers, DIVIDE_BY_ZERO);
      assert.equal(expected.status, 500);
      assert.equal(r.status, 500);
      assert.equal(r.headers.get("content-type"), "text/xml; charset=utf-8");
      assert.equal(await r.text(), expected.body);
    });

    test("without mappings it is AWS's plain HTTP: no SOAPAction, application/json, a fault's status by the default response", async () => {
      const headers = { ...SOAP11, soapaction: '"urn:portico:calculator/Divide"' };
      const r = await fetch(`${base}/unmapped/calculator`, { method: "POST", headers, body: DIVIDE_BY_ZERO });
      assert.equal(r.status, 200, "the default integration response's status");
      assert.equal(r.headers.get("content-type"), "application/json");
      assert.match(await r.text(), /<faultstring>Division by zero<\/faultstring>/);
      const seen = services.last("/calculator")!;
      assert.equal(seen.headers.soapaction, undefined, "an unmapped header is not forwarded");
      assert.equal(seen.headers["content-type"], SOAP11["content-type"]);
    });
  });
});
