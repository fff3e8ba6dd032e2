import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { fetchAsUser } from "../support/localhost-names.ts";
import { ROOT } from "../support/process.ts";
import { freePort } from "../support/redis-server.ts";

const PORTICO = join(ROOT, "bin", "portico.js");

const restApi = `
openapi: "3.0.1"
info: { title: Printed, version: "1" }
paths:
  /hello:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"hello":"world"}' } } }
`;

const httpApi = (backend: string) => `
openapi: "3.0.1"
info: { title: PrintedHttp, version: "1" }
paths:
  /items/{id}:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/items/{id}", payloadFormatVersion: "1.0" }
`;

interface Started {
  child: ChildProcess;
  port: number;
  adminUrl: string;
  banner: string;
  exited: Promise<unknown>;
}

/** `bin/portico.js start --port N --admin-port M …`, as a user types it; resolves once it listens. */
async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const port = await freePort();
  let adminPort = await freePort();
  while (adminPort === port) adminPort = await freePort();
  const child = spawn(
    process.execPath,
    [PORTICO, "start", "--port", String(port), "--admin-port", String(adminPort), ...args],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PORTICO_LOG_LEVEL: "warn", ...env } },
  );
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("APIs answer at")) resolve();
    });
    exited.then((code) => reject(new Error(`portico exited (${code}) before listening:\n${err}`)));
  });
  return { child, port, adminUrl: `http://127.0.0.1:${adminPort}`, banner: out, exited };
}

async function stop(s: Started): Promise<void> {
  s.child.kill("SIGTERM");
  await s.exited;
}

function cli(args: string[], adminUrl: string) {
  const r = spawnSync(process.execPath, [PORTICO, ...args, "--admin-url", adminUrl], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The URL a `deployed … to stage NAME: URL` line printed. */
function printedUrl(out: string, stage: string): string {
  const m = new RegExp(`deployed .*stage ${stage.replace("$", "\\$")}: (\\S+)$`, "m").exec(out);
  assert.ok(m, `a URL printed for stage ${stage} in:\n${out}`);
  return m[1]!;
}

describe("the URLs the CLI prints reach the gateway", () => {
  let dir: string;
  let backend: EchoBackend;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "portico-printed-"));
    backend = await startEchoBackend();
    writeFileSync(join(dir, "rest.yaml"), restApi);
    writeFileSync(join(dir, "http.yaml"), httpApi(backend.url));
  });
  after(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("on a port of the user's choosing: start, import, deploy and routes print URLs that fetch() reaches", async () => {
    const gw = await start(["--host", "127.0.0.1"]);
    try {
      assert.match(
        gw.banner,
        new RegExp(
          `APIs answer at http://\\{api-id\\}\\.execute-api\\.us-east-1\\.localhost:${gw.port}/\\{stage\\}/`,
        ),
      );
      const rest = cli(["import", join(dir, "rest.yaml"), "--stage", "x"], gw.adminUrl);
      const restId = /imported REST API ([a-z0-9]{10})/.exec(rest)![1]!;
      const restUrl = printedUrl(rest, "x");
      assert.equal(restUrl, `http://${restId}.execute-api.us-east-1.localhost:${gw.port}/x/`);
      assert.equal(await (await fetchAsUser(`${restUrl}hello`)).text(), '{"hello":"world"}');

      const http = cli(["import", join(dir, "http.yaml"), "--type", "HTTP"], gw.adminUrl);
      const httpUrl = printedUrl(http, "$default");
      const item = await fetchAsUser(`${httpUrl}items/7`);
      assert.equal(item.status, 200);
      assert.equal(((await item.json()) as { url: string }).url, "/items/7");

      const deployed = cli(["deploy", "--api-id", restId, "--stage", "y"], gw.adminUrl);
      const deployedUrl = printedUrl(deployed, "y");
      assert.equal(await (await fetchAsUser(`${deployedUrl}hello`)).text(), '{"hello":"world"}');

      const routes = cli(["routes"], gw.adminUrl);
      for (const url of [restUrl, deployedUrl, httpUrl])
        assert.ok(routes.includes(url), `routes lists ${url}`);
    } finally {
      await stop(gw);
    }
  });

  test("with --public-url, the URLs printed are the public ones, and the gateway serves their hosts", async () => {
    const gw = await start(["--host", "127.0.0.1", "--public-url", "https://{apiId}.gw.example.test"]);
    try {
      assert.match(gw.banner, /APIs answer at https:\/\/\{api-id\}\.gw\.example\.test\/\{stage\}\//);
      const out = cli(["import", join(dir, "rest.yaml"), "--stage", "prod"], gw.adminUrl);
      const restId = /imported REST API ([a-z0-9]{10})/.exec(out)![1]!;
      const url = new URL(printedUrl(out, "prod"));
      assert.equal(url.href, `https://${restId}.gw.example.test/prod/`);
      // What the load balancer in front forwards: the public Host, to this node's port.
      const r = await request(`http://127.0.0.1:${gw.port}${url.pathname}hello`, {
        headers: { host: url.host },
      });
      assert.equal(await r.body.text(), '{"hello":"world"}');
    } finally {
      await stop(gw);
    }
  });

  test("an invalid public URL stops start-up with a config error naming where it came from", () => {
    const bad = spawnSync(process.execPath, [PORTICO, "start", "--port", "0", "--admin-port", "0"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, PORTICO_PUBLIC_URL: "https://gw.example.com/gateway" },
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /PORTICO_PUBLIC_URL: its host must start with \{apiId\}\./);
    assert.doesNotMatch(bad.stdout, /listening/);
  });
});
