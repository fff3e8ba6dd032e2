/**
 * SigV4 over a real socket: what node:http hands the server (raw `req.url`, joined headers) verifies
 * for the SDK's signer, and for Portico's own signer used with plain `fetch`.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { presignUrl, signRequest, verifySigV4 } from "../../src/auth/sigv4/index.ts";
import { CREDS, STORE, smithyPresign, smithySign } from "./sigv4-helpers.ts";

let server: http.Server;
let port = 0;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const result = verifySigV4(
        {
          method: req.method ?? "GET",
          rawPath: req.url ?? "/",
          headers: req.headers,
          ...(body.length > 0 ? { bodySha256Hex: createHash("sha256").update(body).digest("hex") } : {}),
        },
        { service: "execute-api", region: "us-east-1", lookup: (id) => STORE.get(id) },
      );
      const status = result.ok ? 200 : result.error.status;
      const headers = result.ok ? {} : { "x-amzn-errortype": result.error.type };
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(
        JSON.stringify(
          result.ok ? { principal: result.credential.principal } : { message: result.error.message },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Reply {
  status: number;
  errorType: string | undefined;
  json: { principal?: string; message?: string };
}

/** Sends exactly the given path and header list (raw pairs allow duplicated headers). */
function send(
  method: string,
  path: string,
  headers: Record<string, string> | string[],
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          errorType: res.headers["x-amzn-errortype"] as string | undefined,
          json: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("SDK-signed GET with awkward path and query verifies through node:http", async () => {
  const hostname = `127.0.0.1:${port}`;
  const wire = await smithySign(
    { method: "GET", path: "/prod/a%2Fb/%C3%BC%20x", query: { q: "a b+c", r: ["2", "1"] }, hostname },
    {},
    new Date(),
  );
  const reply = await send("GET", wire.rawPath, wire.headers as Record<string, string>);
  assert.equal(reply.status, 200, reply.json.message);
  assert.equal(reply.json.principal, "arn:aws:iam::000000000000:user/dev");
});

test("SDK-signed POST verifies; the same signature with another body does not", async () => {
  const hostname = `127.0.0.1:${port}`;
  const body = JSON.stringify({ hello: "wörld" });
  const wire = await smithySign(
    { method: "POST", path: "/prod/items", headers: { "content-type": "application/json" }, body, hostname },
    {},
    new Date(),
  );
  const headers = wire.headers as Record<string, string>;
  assert.equal((await send("POST", wire.rawPath, headers, body)).status, 200);
  const tampered = await send("POST", wire.rawPath, headers, JSON.stringify({ hello: "world" }));
  assert.equal(tampered.status, 403);
  assert.equal(tampered.errorType, "InvalidSignatureException");
});

test("SDK-presigned and Portico-presigned URLs verify through node:http", async () => {
  const hostname = `127.0.0.1:${port}`;
  const wire = await smithyPresign(
    { method: "GET", path: "/prod", query: { x: "1" }, hostname },
    60,
    {},
    new Date(),
  );
  assert.equal((await send("GET", wire.rawPath, { host: hostname })).status, 200);

  const url = new URL(
    presignUrl({
      method: "GET",
      url: `http://${hostname}/prod/%40connections`,
      credentials: CREDS,
      region: "us-east-1",
      service: "execute-api",
    }),
  );
  assert.equal((await send("GET", `${url.pathname}${url.search}`, { host: hostname })).status, 200);
});

test("Portico's signRequest works with plain fetch", async () => {
  const url = `http://127.0.0.1:${port}/prod/pets/ünï cöde?limit=10&q=a%20b`;
  const body = '{"name":"rex"}';
  const headers = { "content-type": "application/json" };
  const signed = signRequest({
    method: "POST",
    url,
    headers,
    body,
    credentials: CREDS,
    region: "us-east-1",
    service: "execute-api",
  });
  const res = await fetch(url, { method: "POST", headers: { ...headers, ...signed }, body });
  assert.equal(res.status, 200, JSON.stringify(await res.clone().json()));
  assert.equal(((await res.json()) as { principal: string }).principal, "arn:aws:iam::000000000000:user/dev");
});

test("duplicated X-Amz-Date on the wire is refused", async () => {
  const hostname = `127.0.0.1:${port}`;
  const wire = await smithySign({ method: "GET", path: "/prod", hostname }, {}, new Date());
  const raw: string[] = [];
  for (const [name, value] of Object.entries(wire.headers)) raw.push(name, String(value));
  raw.push("X-Amz-Date", String(wire.headers["x-amz-date"]));
  const reply = await send("GET", wire.rawPath, raw);
  assert.equal(reply.status, 403);
  assert.equal(reply.errorType, "IncompleteSignatureException");
  assert.match(reply.json.message ?? "", /^Date must be in ISO-8601 'basic format'/);
});

test("an unsigned request gets Missing Authentication Token", async () => {
  const reply = await send("GET", "/prod", { host: `127.0.0.1:${port}` });
  assert.equal(reply.status, 403);
  assert.equal(reply.errorType, "MissingAuthenticationTokenException");
  assert.deepEqual(reply.json, { message: "Missing Authentication Token" });
});
