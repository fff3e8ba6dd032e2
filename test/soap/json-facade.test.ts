import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseXmlTree } from "../../src/soap/xml.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { RAW_REPLIES, type SoapServices, startSoapServices } from "./soap-services.ts";

// A JSON API in front of SOAP services, by mapping templates alone: the request template builds the
// envelope ($input.path, $util.escapeXml), requestParameters set Content-Type and SOAPAction, the
// response template reads the reply ($util.parseXml, $util.xmlToJson). Faults select integration
// responses by status as on AWS, and, as Portico's addition, by fault code or reason when AWS's
// rule falls to the default response.

const ENVELOPE = (body: string, ns = "http://schemas.xmlsoap.org/soap/envelope/") =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}"><soap:Body>${body}</soap:Body></soap:Envelope>`;

const operands = (op: string) =>
  ENVELOPE(
    `<${op} xmlns="urn:portico:calculator"><a>$util.escapeXml($input.path('$.a'))</a><b>$util.escapeXml($input.path('$.b'))</b></${op}>`,
  );

const DIVIDED = `#set($r = $util.parseXml($input.body).Envelope.Body.DivideResponse){"quotient": $r.Quotient, "remainder": $r.Remainder}`;
const FAULT11 = `#set($f = $util.parseXml($input.body).Envelope.Body.Fault){"error": "$util.escapeJavaScript($f.faultstring)", "code": "$f.faultcode", "operation": "$f.detail.CalculatorFault.operation"}`;

/** A calculator operation as a JSON resource: Content-Type and SOAPAction mapped as static values. */
const calculatorOperation = (backend: string, op: string, responses: string) => `
    post:
      responses: { "200": { description: ok }, "400": { description: fault }, "502": { description: bad } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/calculator"
        passthroughBehavior: never
        requestParameters:
          integration.request.header.Content-Type: "'text/xml; charset=utf-8'"
          integration.request.header.SOAPAction: '''"urn:portico:calculator/${op}"'''
        requestTemplates:
          application/json: ${JSON.stringify(operands(op))}
        responses:${responses}`;

const api = (backend: string) => `
openapi: 3.0.1
info: { title: SOAP facade, version: "1" }
paths:
  /calculator/add:${calculatorOperation(
    backend,
    "Add",
    `
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '#set($r = $util.parseXml($input.body).Envelope.Body.AddResponse){"result": $r.AddResult}'`,
  )}
  /calculator/divide:${calculatorOperation(
    backend,
    "Divide",
    `
          "soap:Client":
            statusCode: "400"
            responseTemplates: { application/json: ${JSON.stringify(FAULT11)} }
          default:
            statusCode: "200"
            responseTemplates: { application/json: ${JSON.stringify(DIVIDED)} }`,
  )}
  /calculator/divide-by-status:${calculatorOperation(
    backend,
    "Divide",
    `
          "5\\\\d{2}":
            statusCode: "400"
            responseTemplates: { application/json: ${JSON.stringify(FAULT11)} }
          default:
            statusCode: "200"
            responseTemplates: { application/json: ${JSON.stringify(DIVIDED)} }`,
  )}
  /calculator/divide-status-first:${calculatorOperation(
    backend,
    "Divide",
    `
          "5\\\\d{2}": { statusCode: "502" }
          "soap:Client": { statusCode: "400" }
          default: { statusCode: "200" }`,
  )}
  /calculator/divide-no-default:${calculatorOperation(
    backend,
    "Divide",
    `
          "soap:Client": { statusCode: "400" }`,
  )}
  /calculator12/divide:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/calculator12"
        requestParameters:
          integration.request.header.Content-Type: '''application/soap+xml; charset=utf-8; action="urn:portico:calculator/Divide"'''
        requestTemplates:
          application/json: ${JSON.stringify(operands("Divide").replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"))}
        responses:
          "soap:Sender":
            statusCode: "400"
            responseTemplates:
              application/json: '#set($f = $util.parseXml($input.body).Envelope.Body.Fault){"code": "$f.Code.Value", "subcode": "$f.Code.Subcode.Value", "reason": "$f.Reason.Text"}'
          default:
            statusCode: "200"
            responseTemplates: { application/json: ${JSON.stringify(DIVIDED)} }
  /orders/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, headers: { Content-Type: { schema: { type: string } } } }
        "404": { description: missing }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/orders"
        requestParameters:
          integration.request.header.Content-Type: "'text/xml; charset=utf-8'"
          integration.request.header.SOAPAction: '''"urn:portico:orders/GetOrder"'''
        requestTemplates:
          application/json: ${JSON.stringify(ENVELOPE(`<GetOrder xmlns="urn:portico:orders"><orderId>$util.escapeXml($util.urlDecode($input.params('id')))</orderId></GetOrder>`))}
        responses:
          ".*:Client":
            statusCode: "404"
            responseTemplates:
              application/json: '#set($f = $util.parseXml($input.body).Envelope.Body.Fault){"message": "$f.faultstring", "orderId": "$f.detail.OrderNotFound.orderId"}'
          default:
            statusCode: "200"
            responseParameters: { method.response.header.Content-Type: "'application/json; charset=utf-8'" }
            responseTemplates:
              application/json: |
                #set($o = $util.parseXml($input.body).Envelope.Body.GetOrderResponse.order)
                {"id": "$o['@id']", "customer": "$util.escapeJavaScript($o.customer)",
                 "address": {"street": "$o.shippingAddress.street", "city": "$o.shippingAddress.city", "country": "$o.shippingAddress.country"},
                 "lines": [#foreach($l in $o.line){"sku": "$l.sku", "quantity": $l.quantity, "unitPrice": $l.unitPrice}#if($foreach.hasNext),#end#end],
                 "total": $o.total}
  /orders/{id}/xml-as-json:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/orders"
        requestParameters:
          integration.request.header.Content-Type: "'text/xml'"
          integration.request.header.SOAPAction: "'urn:portico:orders/GetOrder'"
        requestTemplates:
          application/json: ${JSON.stringify(ENVELOPE(`<GetOrder xmlns="urn:portico:orders"><orderId>$util.escapeXml($input.params('id'))</orderId></GetOrder>`))}
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: "$util.xmlToJson($input.body)" }
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "${backend}/orders"
        passthroughBehavior: never
        requestParameters:
          integration.request.header.Content-Type: "'text/xml; charset=utf-8'"
          integration.request.header.SOAPAction: "'urn:portico:orders/PlaceOrder'"
        requestTemplates:
          application/json: |
            #set($o = $input.path('$'))
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
            <PlaceOrder xmlns="urn:portico:orders"><order>
              <customer>$util.escapeXml($o.customer)</customer>
              <shippingAddress><street>$util.escapeXml($o.address.street)</street><city>$util.escapeXml($o.address.city)</city><postcode>$util.escapeXml($o.address.postcode)</postcode><country>$util.escapeXml($o.address.country)</country></shippingAddress>
            #foreach($l in $o.lines)
              <line><sku>$util.escapeXml($l.sku)</sku><description>$util.escapeXml($l.description)</description><quantity>$l.quantity</quantity><unitPrice>$l.unitPrice</unitPrice></line>
            #end
            </order></PlaceOrder></soap:Body></soap:Envelope>
        responses:
          ".*Out of stock.*":
            statusCode: "409"
            responseTemplates:
              application/json: '#set($f = $util.parseXml($input.body).Envelope.Body.Fault){"message": "$f.faultstring", "skus": [#foreach($s in $f.detail.OutOfStock.sku)"$s"#if($foreach.hasNext),#end#end]}'
          default:
            statusCode: "201"
            responseTemplates:
              application/json: '#set($r = $util.parseXml($input.body).Envelope.Body.PlaceOrderResponse){"orderId": "$r.orderId", "total": $r.total}'
  /raw/{name}:
    get:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: "${backend}/raw/{name}"
        requestParameters: { integration.request.path.name: method.request.path.name }
        responses:
          ".*Client.*": { statusCode: "400" }
          default: { statusCode: "200" }
`;

const ORDER = {
  customer: `Tom & "Jerry" <3 '`,
  address: { street: "1 <Main> St", city: "Springfield", postcode: "12345", country: "US" },
  lines: [
    { sku: "A-1", description: "Widget & co", quantity: 2, unitPrice: 1.5 },
    { sku: "B-2", description: "Gadget", quantity: 1, unitPrice: 2 },
  ],
};

describe("a JSON facade over SOAP services, by mapping templates", () => {
  let services: SoapServices;
  let gw: TestGateway;
  let id: string;

  before(async () => {
    services = await startSoapServices();
    gw = await startTestGateway();
    id = await gw.deployRest(api(services.url));
  });
  after(async () => {
    await gw?.close();
    await services?.close();
  });

  const post = (path: string, body: unknown) =>
    gw.call(id, `/test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("JSON in, a SOAP call with the mapped Content-Type and SOAPAction, JSON out as application/json", async () => {
    const r = await post("/calculator/add", { a: 20, b: 22 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(r.text), { result: 42 });
    const seen = services.last("/calculator")!;
    assert.equal(seen.headers["content-type"], "text/xml; charset=utf-8");
    assert.equal(seen.headers.soapaction, '"urn:portico:calculator/Add"');
    assert.deepEqual(JSON.parse(JSON.stringify(parseXmlTree(seen.body))), {
      Envelope: { Body: { Add: { a: "20", b: "22" } } },
    });
  });

  test("a JSON body the request template has no place for is refused as on AWS (NEVER: 415)", async () => {
    const r = await gw.call(id, "/test/calculator/add", {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: "<a/>",
    });
    assert.equal(r.status, 415);
  });

  describe("faults", () => {
    test("by status, as AWS selects: the 500 takes the 5\\d{2} response, whose template reads the Fault", async () => {
      const r = await post("/calculator/divide-by-status", { a: 1, b: 0 });
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(JSON.parse(r.text), {
        error: "Division by zero",
        code: "soap:Client",
        operation: "Divide",
      });
      const ok = await post("/calculator/divide-by-status", { a: 7, b: 2 });
      assert.deepEqual([ok.status, JSON.parse(ok.text)], [200, { quotient: 3, remainder: 1 }]);
    });

    test("by faultcode, Portico's addition, when no pattern took the status and AWS would use the default", async () => {
      const r = await post("/calculator/divide", { a: 1, b: 0 });
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(JSON.parse(r.text), {
        error: "Division by zero",
        code: "soap:Client",
        operation: "Divide",
      });
      const ok = await post("/calculator/divide", { a: 9, b: 4 });
      assert.deepEqual([ok.status, JSON.parse(ok.text)], [200, { quotient: 2, remainder: 1 }]);
    });

    test("SOAP 1.2: by Code/Value, the template reading Code, Subcode and Reason", async () => {
      const r = await post("/calculator12/divide", { a: 1, b: 0 });
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(JSON.parse(r.text), {
        code: "soap:Sender",
        subcode: "tns:DivisionByZero",
        reason: "Division by zero",
      });
      assert.match(
        services.last("/calculator12")!.headers["content-type"] ?? "",
        /action="urn:portico:calculator\/Divide"/,
      );
    });

    test("by faultstring: a single and a repeated detail element both loop", async () => {
      const one = await post("/orders", { ...ORDER, lines: [{ ...ORDER.lines[0]!, sku: "X-9" }] });
      assert.equal(one.status, 409, one.text);
      assert.deepEqual(JSON.parse(one.text), { message: "Out of stock", skus: ["X-9"] });
      const two = await post("/orders", {
        ...ORDER,
        lines: [
          { ...ORDER.lines[0]!, sku: "X-1" },
          { ...ORDER.lines[1]!, sku: "X-2" },
        ],
      });
      assert.deepEqual(JSON.parse(two.text), { message: "Out of stock", skus: ["X-1", "X-2"] });
    });

    test("AWS's selection is unchanged where it picks: a status pattern beats a fault pattern", async () => {
      const r = await post("/calculator/divide-status-first", { a: 1, b: 0 });
      assert.equal(r.status, 502);
      assert.match(r.text, /<faultstring>Division by zero<\/faultstring>/, "no template: the Fault as sent");
    });

    test("and where it fails: no pattern for the status and no default response is AWS's 500", async () => {
      const r = await post("/calculator/divide-no-default", { a: 1, b: 0 });
      assert.equal(r.status, 500);
      assert.deepEqual(JSON.parse(r.text), { message: "Internal server error" });
    });

    test("only a SOAP fault in an XML body is consulted: JSON, and XML that is not a fault, keep the default", async () => {
      RAW_REPLIES["json-fault"] = {
        status: 500,
        type: "application/json",
        body: '{"Fault": {"faultcode": "Client"}}',
      };
      RAW_REPLIES["not-a-fault"] = {
        status: 500,
        type: "text/xml",
        body: "<r><faultcode>Client</faultcode><note>Fault tolerant</note></r>",
      };
      RAW_REPLIES["xml-fault"] = {
        status: 500,
        type: "application/xml",
        body: ENVELOPE(
          "<soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring></soap:Fault>",
        ),
      };
      RAW_REPLIES["broken-fault"] = {
        status: 500,
        type: "text/xml",
        body: "<soap:Envelope><soap:Body><soap:Fault><faultcode>Client</soap:Body>",
      };
      assert.equal((await gw.call(id, "/test/raw/json-fault")).status, 200);
      assert.equal((await gw.call(id, "/test/raw/not-a-fault")).status, 200);
      assert.equal(
        (await gw.call(id, "/test/raw/broken-fault")).status,
        200,
        "malformed: ignored, not an error",
      );
      assert.equal((await gw.call(id, "/test/raw/xml-fault")).status, 400);
    });
  });

  describe("the order service: nested and repeated types", () => {
    test("GET /orders/{id}: a nested address and repeated lines as JSON; Content-Type as the mapping sets it", async () => {
      const r = await gw.call(id, "/test/orders/o-17");
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
      assert.deepEqual(JSON.parse(r.text), {
        id: "o-17",
        customer: "Ann & Bob <Smith>",
        address: { street: "1 Main St", city: "Springfield", country: "US" },
        lines: [
          { sku: "A-1", quantity: 2, unitPrice: 9.5 },
          { sku: "B-2", quantity: 1, unitPrice: 20.0 },
        ],
        total: 39,
      });
      assert.equal(services.last("/orders")!.headers.soapaction, '"urn:portico:orders/GetOrder"');
    });

    test("an unknown order: the fault's code selects the 404, its detail in the body", async () => {
      const r = await gw.call(id, "/test/orders/o-404");
      assert.equal(r.status, 404, r.text);
      assert.deepEqual(JSON.parse(r.text), { message: "Order o-404 not found", orderId: "o-404" });
    });

    test("a path parameter (not decoded, as on AWS) that is not XML-safe is decoded and escaped by the template", async () => {
      const r = await gw.call(id, `/test/orders/${encodeURIComponent("<a&b>")}`);
      assert.equal(r.status, 404, r.text);
      assert.equal(JSON.parse(r.text).orderId, "<a&b>");
    });

    test("$util.xmlToJson: the whole reply as JSON, namespaces dropped, the id attribute as @id", async () => {
      const r = await gw.call(id, "/test/orders/o-17/xml-as-json");
      assert.equal(r.status, 200, r.text);
      const order = JSON.parse(r.text).Envelope.Body.GetOrderResponse.order;
      assert.equal(order["@id"], "o-17");
      assert.equal(order.shippingAddress.postcode, "12345");
      assert.deepEqual(
        order.line.map((l: { sku: string; quantity: string }) => [l.sku, l.quantity]),
        [
          ["A-1", "2"],
          ["B-2", "1"],
        ],
      );
    });

    test("POST /orders: a JSON order with lines becomes PlaceOrder, text escaped; the reply becomes 201 JSON", async () => {
      const r = await post("/orders", ORDER);
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(JSON.parse(r.text), { orderId: "o-1001", total: 5.0 });
      const sent = parseXmlTree(services.last("/orders")!.body) as {
        Envelope: {
          Body: {
            PlaceOrder: { order: { customer: string; shippingAddress: { street: string }; line: unknown[] } };
          };
        };
      };
      const order = sent.Envelope.Body.PlaceOrder.order;
      assert.equal(order.customer, ORDER.customer.trim());
      assert.equal(order.shippingAddress.street, "1 <Main> St");
      assert.equal(order.line.length, 2);
    });
  });
});
