import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serveCalculator } from "./soap-backend.ts";

/**
 * The demo's backend: a tiny pet store over plain HTTP, the kind of service a gateway fronts.
 * `GET /pets`, `GET /pets/{id}`, `POST /pets`, and `GET /echo/...` which returns what it received;
 * and a SOAP calculator at `/calculator` (soap-backend.ts).
 */
export async function startDemoBackend(
  port: number,
  host = "127.0.0.1",
): Promise<{ server: Server; port: number }> {
  const pets = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
  ];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    } catch {
      return; // the client went away mid-upload
    }
    const [path = "/", query = ""] = (req.url ?? "/").split("?");
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (path === "/calculator") {
      serveCalculator(req, res, query, Buffer.concat(chunks).toString());
      return;
    }
    if (path.startsWith("/echo")) {
      reply(200, {
        method: req.method,
        path,
        query,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      return;
    }
    if (path === "/pets" && req.method === "GET") {
      const type = new URLSearchParams(query).get("type");
      reply(200, type ? pets.filter((p) => p.type === type) : pets);
      return;
    }
    if (path === "/pets" && req.method === "POST") {
      try {
        const pet = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { type?: string; price?: number };
        const created = {
          id: pets.length + 1,
          type: String(pet.type ?? "unknown"),
          price: Number(pet.price ?? 0),
        };
        pets.push(created);
        reply(201, created);
      } catch {
        reply(400, { message: "body must be JSON" });
      }
      return;
    }
    const one = /^\/pets\/(\d+)$/.exec(path);
    if (one && req.method === "GET") {
      const pet = pets.find((p) => p.id === Number(one[1]));
      reply(pet ? 200 : 404, pet ?? { message: `no pet ${one[1]}` });
      return;
    }
    reply(404, { message: "not found" });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
