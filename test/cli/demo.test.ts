import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { request } from "undici";
import { fetchAsUser } from "../support/localhost-names.ts";
import { ROOT } from "../support/process.ts";
import { freePort } from "../support/redis-server.ts";

/**
 * A curl command the demo printed, the first whose URL contains `url`, as a request: its URL, `-H`
 * headers and `-d` body (single-quoted words, as printed; a `#` word starts a comment).
 */
function printedCurl(out: string, url: string) {
  const line = out.split("\n").find((l) => l.trim().startsWith("curl ") && l.includes(url));
  assert.ok(line, `the demo prints a curl command for ${url}`);
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) {
    if (m[2]?.startsWith("#")) break;
    words.push(m[1] ?? m[2]!);
  }
  const headers: Record<string, string> = {};
  let target: URL | undefined;
  let body: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-H") {
      const [name, ...value] = words[++i]!.split(":");
      headers[name!.toLowerCase()] = value.join(":").trim();
    } else if (w === "-d") body = words[++i];
    else if (w.startsWith("http://")) target = new URL(w);
  }
  assert.ok(target, `a URL in: ${line}`);
  return { host: target.host, path: target.pathname + target.search, headers, body };
}

/**
 * The README's quick start: `npm start` serves the bundled demo — run here on free ports, the
 * backend's too (`PORTICO_DEMO_BACKEND_PORT`): every route reaching the backend must follow it there.
 */
test("the bundled demo, moved to other ports, serves its REST API, HTTP API, MOCK, Lambda and SOAP routes", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portico-demo-"));
  const backendPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "examples/demo/run.ts"),
      "--port",
      "0",
      "--admin-port",
      "0",
      "--host",
      "127.0.0.1",
      "--data-dir",
      dataDir,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORTICO_LOG_LEVEL: "warn", PORTICO_DEMO_BACKEND_PORT: String(backendPort) },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /data plane http:\/\/[^:]+:(\d+)/.exec(out);
        if (m && out.includes("Stop with Ctrl-C")) resolve(Number(m[1]));
      });
      exited.then((code) => reject(new Error(`demo exited ${code}: ${err}`)));
    });
    assert.match(out, new RegExp(`Demo backend on http://127\\.0\\.0\\.1:${backendPort}\\.`));
    // The commands it prints, as a user pastes them (curl resolves *.localhost to loopback).
    const pasted = async (url: string) => {
      const printed = printedCurl(out, url);
      const r = await fetchAsUser(`http://${printed.host}${printed.path}`);
      return { status: r.status, text: await r.text() };
    };
    const listed = await pasted("/dev/pets");
    assert.equal(listed.status, 200, listed.text);
    assert.equal((JSON.parse(listed.text) as unknown[]).length >= 3, true);
    assert.equal(JSON.parse((await pasted("/dev/pets/2")).text).type, "cat");
    assert.equal(JSON.parse((await pasted("petshttp01.execute-api.us-east-1.localhost:")).text).type, "dog");
    // Behind the custom domain name the demo declares: /v1 the REST API, /v2 the HTTP API.
    const byDomain = await pasted("api.demo.localhost:");
    assert.equal(byDomain.status, 200, byDomain.text);
    assert.equal((JSON.parse(byDomain.text) as unknown[]).length >= 3, true);
    assert.equal(JSON.parse((await pasted(`api.demo.localhost:${port}/v2/pets/1`)).text).type, "dog");
    const get = async (apiId: string, path: string) => {
      const r = await request(`http://127.0.0.1:${port}${path}`, {
        headers: { host: `${apiId}.execute-api.us-east-1.localhost` },
      });
      return { status: r.statusCode, text: await r.body.text() };
    };
    const pets = await get("petstore01", "/dev/pets");
    assert.equal(pets.status, 200);
    assert.equal((JSON.parse(pets.text) as unknown[]).length >= 3, true);
    assert.equal((await get("petstore01", "/dev/ping")).text, '{"pong": true}');
    assert.match((await get("petstore01", "/dev/hello?name=demo")).text, /Hello, demo!/);
    assert.equal((await get("petstore01", "/dev/nope")).status, 403);
    assert.equal(JSON.parse((await get("petshttp01", "/pets/1")).text).type, "dog");
    assert.match((await get("petshttp01", "/hello")).text, /"payloadVersion":"2.0"/);
    // The SOAP calculator, through the commands the demo prints: the host's port is the gateway's.
    const run = async (printed: ReturnType<typeof printedCurl>) => {
      const r = await request(`http://127.0.0.1:${port}${printed.path}`, {
        method: printed.body === undefined ? "GET" : "POST",
        headers: { ...printed.headers, host: printed.host },
        body: printed.body,
      });
      return { status: r.statusCode, type: String(r.headers["content-type"]), text: await r.body.text() };
    };
    const passthrough = printedCurl(out, "calcsoap01.execute-api.us-east-1.localhost");
    assert.equal(passthrough.path, "/dev/calculator");
    assert.equal(passthrough.headers.soapaction, '"urn:portico:calculator/Add"');
    assert.match(passthrough.body ?? "", /<Add xmlns="urn:portico:calculator"><a>2<\/a><b>3<\/b><\/Add>/);
    const envelope = await run(passthrough);
    assert.equal(envelope.status, 200);
    assert.match(envelope.type, /^text\/xml/);
    assert.match(
      envelope.text,
      /^<\?xml[^>]*\?><soap:Envelope [^>]*><soap:Body><AddResponse xmlns="urn:portico:calculator"><AddResult>5<\/AddResult><\/AddResponse><\/soap:Body><\/soap:Envelope>$/,
    );
    const add = await run(printedCurl(out, "calcjson01.execute-api.us-east-1.localhost:"));
    assert.equal(add.status, 200);
    assert.deepEqual(JSON.parse(add.text), { AddResult: 5 });
    const divide = await run(printedCurl(out, "/CalculatorService/Divide"));
    assert.equal(divide.status, 400);
    assert.deepEqual(JSON.parse(divide.text), {
      fault: {
        code: "soap:Client",
        message: "Division by zero",
        name: "CalculatorFault",
        detail: { CalculatorFault: { operation: "Divide", reason: "b is zero" } },
      },
    });
    // The WSDL the demo names is the one the facade was made from, its address where the backend is.
    const wsdl = /WSDL: (http:\/\/127\.0\.0\.1:\d+\/calculator\?wsdl)/.exec(out);
    assert.ok(wsdl, "the demo prints the WSDL's URL");
    const served = await request(wsdl[1]!);
    assert.equal(
      await served.body.text(),
      readFileSync(join(ROOT, "examples/demo/calculator.wsdl"), "utf8").replace(
        /location="[^"]*"/,
        `location="http://127.0.0.1:${backendPort}/calculator"`,
      ),
    );
    // The WebSocket API the demo declares, through the client script it prints.
    assert.match(
      out,
      new RegExp(`PORTICO_PORT=${port} npm run demo:ws`),
      "the printed command finds this gateway",
    );
    const client = spawn(process.execPath, [join(ROOT, "examples/demo/ws-client.ts"), "hi there"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORTICO_PORT: String(port) },
    });
    let answer = "";
    client.stdout.on("data", (d: Buffer) => {
      answer += d.toString();
    });
    assert.equal(await new Promise((resolve) => client.on("exit", resolve)), 0);
    assert.equal((JSON.parse(answer) as { echo: string }).echo, "hi there");
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
