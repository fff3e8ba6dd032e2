import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findCommand } from "../../bench/system-tools.ts";
import { parseWrkOutput, runWrk, wrkScript } from "../../bench/wrk.ts";

// wrk's own report, with the line the benchmark's `done` hook prints after it.
const OUTPUT = `Running 2s test @ http://127.0.0.1:40000/pets/1
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.01ms  20.00ms   90.00%
    Req/Sec    24.10k     1.20k   26.00k    70.00%
  48210 requests in 2.00s, 9.93MB read
Requests/sec:  24105.00
Transfer/sec:      4.97MB
PORTICO-BENCH requests=48210 duration_us=2000000 p50_us=1934 p99_us=5120 non2xx=3 every_status=1 connect=0 read=1 write=0 timeout=2
`;

describe("wrk output", () => {
  test("the done hook's line gives requests, rate, percentiles in ms, non-2xx and socket errors", () => {
    assert.deepEqual(parseWrkOutput(OUTPUT), {
      requests: 48210,
      seconds: 2,
      rps: 24105,
      p50: 1.934,
      p99: 5.12,
      non2xx: 3,
      everyStatus: true,
      socketErrors: 3,
    });
  });

  test("output without the done hook's line is refused, quoting it", () => {
    assert.throws(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n"), {
      message: /wrk printed no PORTICO-BENCH line:\nunable to connect/,
    });
  });

  test("a malformed or missing field is refused by name", () => {
    assert.throws(() => parseWrkOutput("PORTICO-BENCH requests=12x duration_us=1\n"), {
      message: /malformed field "requests=12x"/,
    });
    assert.throws(
      () =>
        parseWrkOutput(
          "PORTICO-BENCH requests=1 duration_us=1 p50_us=1 p99_us=1 connect=0 read=0 write=0 timeout=0\n",
        ),
      { message: /has no non2xx/ },
    );
  });
});

describe("wrk script", () => {
  test("carries the method, headers and body as Lua string literals", () => {
    const script = wrkScript(
      { url: "http://x/", method: "POST", headers: { Host: 'a"b.example' }, body: '{"k":"v\\\\"}' },
      false,
    );
    assert.match(script, /^wrk\.method = "POST"$/m);
    assert.match(script, /^wrk\.headers\["Host"\] = "a\\"b\.example"$/m);
    assert.match(script, /^wrk\.body = "\{\\"k\\":\\"v\\\\\\\\\\"\}"$/m);
  });

  test("hooks every response only when every status is to be checked (the hook slows wrk down)", () => {
    assert.match(wrkScript({ url: "http://x/" }, true), /^function response\(status, headers, body\)$/m);
    assert.doesNotMatch(wrkScript({ url: "http://x/" }, false), /function response/);
    assert.match(wrkScript({ url: "http://x/" }, false), /return summary\.errors\.status/);
  });

  test("refuses what a Lua literal made this way would not carry", () => {
    assert.throws(() => wrkScript({ url: "http://x/", headers: { "x-name": "café" } }, true), {
      message: /only printable ASCII in a request: café/,
    });
  });
});

// The hooks themselves, run by a real wrk against a real server (skipped where wrk is missing).
// CI installs wrk (.ci/run) and never skips: there a missing binary fails the run.
describe("wrk run", {
  skip: findCommand("wrk") === undefined && process.env.CI === undefined ? "wrk is not installed" : false,
}, () => {
  let server: Server;
  let url: string;
  let dir: string;
  const sent = { ok: 0, redirect: 0 };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "wrk-test-"));
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        // /mixed answers 302 to every other request; /exact answers 200 only to what the script sends.
        const exact = req.method === "POST" && req.headers["x-bench"] === "yes" && body === '{"n":1}';
        const status =
          req.url === "/mixed" ? ((sent.ok + sent.redirect) % 2 === 0 ? 200 : 302) : exact ? 200 : 400;
        if (status === 200) sent.ok++;
        else sent.redirect++;
        res.writeHead(status, { "content-length": "2" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the request the script describes is the one sent, every answer 2xx", async () => {
    sent.ok = 0;
    sent.redirect = 0;
    const r = await runWrk(
      { url: `${url}/exact`, method: "POST", headers: { "x-bench": "yes" }, body: '{"n":1}' },
      { connections: 2, seconds: 1, dir, pin: [], everyStatus: true },
    );
    assert.ok(r.requests > 0);
    assert.equal(r.non2xx, 0);
    assert.equal(sent.redirect, 0);
  });

  test("with every status checked, answers outside 2xx are counted, 3xx included", async () => {
    sent.ok = 0;
    sent.redirect = 0;
    const r = await runWrk(
      { url: `${url}/mixed` },
      { connections: 2, seconds: 1, dir, pin: [], everyStatus: true },
    );
    assert.ok(r.non2xx > 0);
    // wrk stops with at most one answer per connection in flight, which it does not count.
    assert.ok(r.non2xx <= sent.redirect && r.non2xx >= sent.redirect - 2, `${r.non2xx} of ${sent.redirect}`);
    assert.ok(r.requests <= sent.ok + sent.redirect && r.requests >= sent.ok + sent.redirect - 2);
  });

  test("without, wrk's own count: 4xx counted, 3xx not", async () => {
    const r3 = await runWrk(
      { url: `${url}/mixed` },
      { connections: 2, seconds: 1, dir, pin: [], everyStatus: false },
    );
    assert.equal(r3.everyStatus, false);
    assert.equal(r3.non2xx, 0);
    // /exact answers 400 to a GET without the header and body.
    const r4 = await runWrk(
      { url: `${url}/exact` },
      { connections: 2, seconds: 1, dir, pin: [], everyStatus: false },
    );
    assert.ok(r4.requests > 0);
    assert.equal(r4.non2xx, r4.requests);
  });
});
