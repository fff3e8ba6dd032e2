import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import * as soap from "soap";
import { fetch } from "undici";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { ROOT } from "../support/process.ts";
import { gatewayHasXmlHelpers } from "./render.ts";

/**
 * End to end: real SOAP services (the `soap` package on loopback, serving the fixture WSDLs with
 * real handlers), each WSDL imported with the real CLI into a running gateway, and JSON calls through
 * the gateway answered with JSON.
 *
 * The generated templates call `$util.escapeXml` and `$util.xmlToJson`, the SOAP mapping helpers;
 * without them in the gateway every call through an imported API answers 500, and this file fails
 * (only the request validator's 400, which runs before any template, passes).
 */

const FIXTURES = join(ROOT, "test", "fixtures", "wsdl");
const run = promisify(execFile);

interface Seen {
  headers: IncomingHttpHeaders;
}

interface SoapService {
  server: Server;
  url: string;
  seen: Seen[];
}

/** A SOAP service on loopback: the WSDL at `path` with these handlers. */
async function serve(
  wsdlFile: string,
  path: string,
  services: soap.IServices,
  soap12 = false,
): Promise<SoapService> {
  const seen: Seen[] = [];
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const wsdl = readFileSync(join(FIXTURES, wsdlFile), "utf8");
  await new Promise<void>((resolve, reject) => {
    const listening = soap.listen(server, {
      path,
      services,
      xml: wsdl,
      uri: join(FIXTURES, wsdlFile),
      forceSoap12Headers: soap12,
      // Called once the WSDL is read and the server answers on `path`.
      callback: (err: unknown) => (err ? reject(err) : resolve()),
    } as never);
    // The soap package's hook before each request it serves: a record of what arrived.
    (listening as unknown as { authorizeConnection: (req: Seen) => boolean }).authorizeConnection = (req) => {
      seen.push({ headers: req.headers });
      return true;
    };
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}${path}`, seen };
}

const soapFault = (faultcode: string, faultstring: string, detail?: unknown) => ({
  Fault: { faultcode, faultstring, ...(detail === undefined ? {} : { detail }), statusCode: 500 },
});

describe("a SOAP service behind an API imported from its WSDL", () => {
  let gw: TestGateway;
  let calculator: SoapService;
  let orders: SoapService;
  let greeter: SoapService;
  let stocks: SoapService;
  const ids = new Map<string, string>();

  const importWsdl = async (file: string, endpoint: string) => {
    const { stdout } = await run(process.execPath, [
      join(ROOT, "bin", "portico.js"),
      "import",
      join(FIXTURES, file),
      "--endpoint",
      endpoint,
      "--stage",
      "test",
      "--admin-url",
      `http://127.0.0.1:${gw.adminPort}`,
    ]);
    const id = /imported REST API (\w+)/.exec(stdout)?.[1];
    assert.ok(id, stdout);
    ids.set(file, id);
  };

  /**
   * `POST /test{path}` on the API imported from `file`, with a JSON body. fetch sets Host itself,
   * so the API is addressed path style (`/restapis/{id}/{stage}/_user_request_/...`).
   */
  const call = async (file: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(
      `http://127.0.0.1:${gw.port}/restapis/${ids.get(file)}/test/_user_request_${path}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      },
    );
    const text = await r.text();
    return { status: r.status, type: r.headers.get("content-type"), text, json: () => JSON.parse(text) };
  };

  before(async () => {
    calculator = await serve("calculator.wsdl", "/calculator", {
      CalculatorService: {
        CalculatorPort: {
          Add: (args: { a: number; b: number }) => ({ result: Number(args.a) + Number(args.b) }),
          Subtract: (args: { a: number; b: number }) => ({ result: Number(args.a) - Number(args.b) }),
          Divide: (args: { dividend: number; divisor: number }) => {
            if (Number(args.divisor) === 0)
              throw soapFault("soap:Server", "division by zero", {
                DivideByZero: { dividend: args.dividend, hint: "use a divisor other than 0" },
              });
            const quotient = Number(args.dividend) / Number(args.divisor);
            return { quotient, exact: Number.isInteger(quotient) };
          },
        },
      },
    });
    orders = await serve("order.wsdl", "/orders", {
      OrderService: {
        OrdersPort: {
          PlaceOrder: (args: {
            order: { id: string; line: { price: { $value: string } }[] | { price: { $value: string } } };
          }) => {
            const lines = Array.isArray(args.order.line) ? args.order.line : [args.order.line];
            return {
              confirmation: {
                orderId: args.order.id,
                total: { attributes: { currency: "EUR" }, $value: "29.50" },
                itemCount: lines.length,
                warehouse: ["Delft"],
              },
            };
          },
          GetOrder: () => {
            throw soapFault("soap:Client", "no such order");
          },
        },
      },
    });
    greeter = await serve(
      "greeter-soap12.wsdl",
      "/greeter",
      {
        GreeterService: {
          GreeterSoap12Port: {
            Greet: (args: { name: string; times?: number }) => ({
              greeting: Array.from({ length: Number(args.times ?? 1) }, () => `Hello, ${args.name}`),
            }),
          },
        },
      },
      true,
    );
    stocks = await serve("stockquote-rpc.wsdl", "/stockquote", {
      StockQuoteService: {
        StockQuotePort: {
          GetQuote: (args: { symbol: string }) => ({
            quote: { symbol: args.symbol, price: 12.5, volume: 1000 },
            delayed: false,
          }),
        },
      },
    });
    gw = await startTestGateway();
    await importWsdl("calculator.wsdl", calculator.url);
    await importWsdl("order.wsdl", orders.url);
    await importWsdl("greeter-soap12.wsdl", greeter.url);
    await importWsdl("stockquote-rpc.wsdl", stocks.url);
  });

  after(async () => {
    await gw?.close();
    for (const s of [calculator, orders, greeter, stocks]) s?.server.close();
  });

  test("the gateway has the SOAP mapping helpers the templates use", () => {
    assert.ok(gatewayHasXmlHelpers, "$util.xmlToJson and $util.escapeXml are missing from the gateway");
  });

  test("JSON in, JSON out: Add and Subtract, with SOAPAction and text/xml on the way", async () => {
    const add = await call("calculator.wsdl", "/CalculatorService/Add", { a: 2, b: 40 });
    assert.equal(add.status, 200, add.text);
    assert.match(add.type ?? "", /^application\/json/);
    assert.deepEqual(add.json(), { result: 42 });
    const last = calculator.seen.at(-1)!;
    assert.equal(last.headers.soapaction, '"urn:example:calculator/Add"');
    assert.equal(last.headers["content-type"], "text/xml; charset=utf-8");
    const sub = await call("calculator.wsdl", "/CalculatorService/Subtract", { a: 2, b: 40 });
    assert.deepEqual(sub.json(), { result: -38 });
  });

  test("a declared fault comes back as the mapped JSON error, status 400", async () => {
    const ok = await call("calculator.wsdl", "/CalculatorService/Divide", { dividend: 7, divisor: 2 });
    assert.deepEqual(ok.json(), { quotient: 3.5, exact: false });
    const fault = await call("calculator.wsdl", "/CalculatorService/Divide", { dividend: 7, divisor: 0 });
    assert.equal(fault.status, 400, fault.text);
    assert.match(fault.type ?? "", /^application\/json/);
    assert.deepEqual(fault.json(), {
      fault: {
        code: "soap:Server",
        message: "division by zero",
        name: "DivideByZeroFault",
        detail: { DivideByZero: { dividend: 7, hint: "use a divisor other than 0" } },
      },
    });
  });

  test("an invalid body is refused by the request validator (400) and never reaches the service", async () => {
    const before = calculator.seen.length;
    for (const body of [{ a: 1 }, { a: "one", b: 2 }, { a: 1, b: 2, c: 3 }, { a: 2147483648, b: 1 }]) {
      const r = await call("calculator.wsdl", "/CalculatorService/Add", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual(r.json(), { message: "Invalid request body" });
    }
    const xml = await call("calculator.wsdl", "/CalculatorService/Add", "<a/>", {
      "content-type": "text/xml",
    });
    assert.equal(xml.status, 415);
    assert.equal(calculator.seen.length, before);
  });

  test("nested and repeated types, from an imported XSD; a Client fault is 400", async () => {
    const order = {
      order: {
        id: "ORD-1234",
        placed: "2026-01-02T03:04:05Z",
        customer: {
          name: "Ada",
          address: { street: ["1 Main St"], city: "Delft", postcode: "2611", country: "NL" },
        },
        line: [
          { sku: "A", quantity: 1, price: { "@currency": "EUR", "#text": 9.5 } },
          { sku: "B", quantity: 2, price: { "@currency": "EUR", "#text": 10 } },
        ],
        invoice: true,
      },
    };
    const placed = await call("order.wsdl", "/OrderService/PlaceOrder", order);
    assert.equal(placed.status, 200, placed.text);
    assert.deepEqual(placed.json(), {
      confirmation: {
        orderId: "ORD-1234",
        total: { "@currency": "EUR", "#text": 29.5 },
        itemCount: 2,
        warehouse: ["Delft"],
      },
    });
    const missing = await call("order.wsdl", "/OrderService/GetOrder", { orderId: "ORD-0000" });
    assert.equal(missing.status, 400, missing.text);
    assert.deepEqual(missing.json(), { fault: { code: "soap:Client", message: "no such order" } });
  });

  test("SOAP 1.2: the action in the Content-Type, a repeated answer as an array", async () => {
    const r = await call("greeter-soap12.wsdl", "/GreeterService/Greet", { name: "Ada", times: 2 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), { greeting: ["Hello, Ada", "Hello, Ada"] });
    assert.equal(
      greeter.seen.at(-1)!.headers["content-type"],
      'application/soap+xml; charset=utf-8; action="urn:example:greeter/Greet"',
    );
  });

  test("rpc/encoded: typed parts in and out", async () => {
    const r = await call("stockquote-rpc.wsdl", "/StockQuoteService/GetQuote", {
      symbol: "ACME",
      exchanges: ["AMS"],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), { quote: { symbol: "ACME", price: 12.5, volume: 1000 }, delayed: false });
  });
});
