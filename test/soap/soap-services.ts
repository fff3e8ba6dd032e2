import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as soap from "soap";

/**
 * Real SOAP services for the tests, served by the soap package from the WSDLs in
 * test/fixtures/soap/ on a loopback http.Server: the calculator (SOAP 1.1 at /calculator, SOAP 1.2
 * at /calculator12) and the order service (/orders). Every request the services receive is
 * recorded as it arrived, and /raw/<name> answers canned XML (`RAW_REPLIES`) for what no real
 * service would send.
 */

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "soap");
export const CALCULATOR_WSDL = readFileSync(join(FIXTURES, "calculator.wsdl"), "utf8");
export const ORDERS_WSDL = readFileSync(join(FIXTURES, "orders.wsdl"), "utf8");

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface SoapServices {
  /** `http://127.0.0.1:<port>` */
  url: string;
  received: ReceivedRequest[];
  /** The last request a path received. */
  last(path: string): ReceivedRequest | undefined;
  close(): Promise<void>;
}

type Operands = { a: string | number; b: string | number };

const fault11 = (faultcode: string, faultstring: string, detail: object) => ({
  Fault: { faultcode, faultstring, detail, statusCode: 500 },
});

function calculator(version: "1.1" | "1.2") {
  return {
    Add: ({ a, b }: Operands) => ({ AddResult: Number(a) + Number(b) }),
    Subtract: ({ a, b }: Operands) => ({ SubtractResult: Number(a) - Number(b) }),
    Divide: ({ a, b }: Operands) => {
      if (Number(b) === 0) {
        if (version === "1.1")
          throw fault11("soap:Client", "Division by zero", {
            CalculatorFault: { operation: "Divide", reason: "b is zero" },
          });
        throw {
          Fault: {
            Code: { Value: "soap:Sender", Subcode: { Value: "tns:DivisionByZero" } },
            Reason: { Text: "Division by zero" },
            statusCode: 500,
          },
        };
      }
      return { Quotient: Math.trunc(Number(a) / Number(b)), Remainder: Number(a) % Number(b) };
    },
  };
}

interface LineItem {
  sku: string;
  description: string;
  quantity: string | number;
  unitPrice: string | number;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const orders = {
  GetOrder: ({ orderId }: { orderId: string }) => {
    if (orderId !== "o-17")
      throw fault11("soap:Client", `Order ${orderId} not found`, { OrderNotFound: { orderId } });
    return {
      order: {
        attributes: { id: "o-17" },
        customer: "Ann & Bob <Smith>",
        shippingAddress: { street: "1 Main St", city: "Springfield", postcode: "12345", country: "US" },
        line: [
          { sku: "A-1", description: "Widget", quantity: 2, unitPrice: "9.50" },
          { sku: "B-2", description: "Gadget", quantity: 1, unitPrice: "20.00" },
        ],
        total: "39.00",
      },
    };
  },
  PlaceOrder: ({ order }: { order: { line: LineItem | LineItem[] } }) => {
    const lines = asList(order.line);
    const missing = lines.filter((l) => l.sku.startsWith("X")).map((l) => l.sku);
    if (missing.length > 0) throw fault11("soap:Server", "Out of stock", { OutOfStock: { sku: missing } });
    const total = lines.reduce((sum, l) => sum + Number(l.quantity) * Number(l.unitPrice), 0);
    return { orderId: "o-1001", total: total.toFixed(2) };
  },
};

/** Canned answers of /raw/<name>: status, content type and body. */
export const RAW_REPLIES: Record<string, { status: number; type: string; body: string }> = {};

export async function startSoapServices(port = 0): Promise<SoapServices> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const raw = RAW_REPLIES[req.url?.replace(/^\/raw\//, "") ?? ""];
    if (req.url?.startsWith("/raw/") && raw !== undefined) {
      res.writeHead(raw.status, { "content-type": raw.type });
      res.end(raw.body);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const services = {
    CalculatorService: { CalculatorSoap: calculator("1.1"), CalculatorSoap12: calculator("1.2") },
  };
  // Each soap server takes over the http.Server's request listeners once its WSDL is ready.
  const listen = (options: soap.IServerOptions) =>
    new Promise<void>((resolve, reject) => {
      soap.listen(server, { ...options, callback: (err: unknown) => (err ? reject(err) : resolve()) });
    });
  await listen({ path: "/calculator", services, xml: CALCULATOR_WSDL });
  await listen({ path: "/calculator12", services, xml: CALCULATOR_WSDL, forceSoap12Headers: true });
  await listen({ path: "/orders", services: { OrdersService: { OrdersSoap: orders } }, xml: ORDERS_WSDL });
  // Recorded before the soap package's listeners read the request.
  server.prependListener("request", (req: IncomingMessage) => {
    const entry: ReceivedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: "",
    };
    received.push(entry);
    req.on("data", (chunk: Buffer) => {
      entry.body += chunk.toString("utf8");
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    last: (path) => received.findLast((r) => r.url.split("?")[0] === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
