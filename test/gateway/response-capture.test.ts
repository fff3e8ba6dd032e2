import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { type CapturedResponse, captureResponse } from "../../src/gateway/steps/response-capture.ts";

/** Serves one request with `answer`, capturing it; returns what was captured and what the client got. */
async function exchange(answer: (res: ServerResponse) => void) {
  let captured: CapturedResponse | undefined;
  const server = createServer((_req, res) => {
    captureResponse(res, 1024, (c) => {
      captured = c;
    });
    answer(res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  try {
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const body = await r.text();
    return { captured: captured!, received: r.headers, body };
  } finally {
    server.close();
  }
}

const named = (c: CapturedResponse, name: string) =>
  c.headers.filter((_, i) => i % 2 === 1 && c.headers[i - 1]!.toLowerCase() === name);

test("headers given to writeHead replace those set before, in the capture as on the wire (object form)", async () => {
  const { captured, received, body } = await exchange((res) => {
    res.setHeader("X-A", "set");
    res.setHeader("X-B", "kept");
    res.writeHead(201, { "x-a": "given" });
    res.end("hello");
  });
  assert.equal(received.get("x-a"), "given");
  assert.deepEqual(named(captured, "x-a"), ["given"]);
  assert.deepEqual(named(captured, "x-b"), ["kept"]);
  assert.equal(captured.statusCode, 201);
  assert.equal(captured.body?.toString(), body);
});

test("headers given to writeHead replace those set before (array form, repeats kept)", async () => {
  const { captured, received } = await exchange((res) => {
    res.setHeader("x-a", "set");
    res.writeHead(200, ["X-A", "one", "X-A", "two"]);
    res.end();
  });
  assert.equal(received.get("x-a"), "one, two");
  assert.deepEqual(named(captured, "x-a"), ["one", "two"]);
});

test("a body over the limit is not kept; without writeHead the implicit headers are captured", async () => {
  const { captured } = await exchange((res) => {
    res.setHeader("content-type", "text/plain");
    res.end("x".repeat(2000));
  });
  assert.equal(captured.body, undefined);
  assert.equal(captured.statusCode, 200);
  assert.deepEqual(named(captured, "content-type"), ["text/plain"]);
});
