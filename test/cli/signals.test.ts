import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import WebSocket from "ws";
import { BIN, ROOT, type RunningPortico, spawnPortico } from "../support/process.ts";
import { freePort } from "../support/redis-server.ts";

// Supervisors (systemd, docker stop, Kubernetes, a terminal's Ctrl-C) signal the pid they started.
// bin/portico.js on a Node without TypeScript re-runs the CLI on node_modules' Node 24 and `npm start`
// runs the demo under npm: each must pass the signal on, wait for the gateway's graceful stop, and
// end as the gateway ended, leaving no process and no port behind.

/**
 * A Node that cannot run .ts files, so that bin/portico.js takes its re-run path: the machine's own
 * older Node when PATH has one outside node_modules, else Node 24 with type stripping turned off.
 */
function olderNode(): [string, ...string[]] {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules") || !existsSync(join(dir, "node"))) continue;
    const probe = spawnSync(join(dir, "node"), ["-p", "process.features.typescript ? 1 : 0"], {
      encoding: "utf8",
    });
    if (probe.stdout?.trim() === "0") return [join(dir, "node")];
  }
  return [process.execPath, "--no-experimental-strip-types"];
}
const OLDER = olderNode();
const viaLauncher = { launcher: [...OLDER, BIN] as [string, ...string[]] };

/** The pids a process started (Linux: /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

/** True when a listener can take the port: nothing holds it any more. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createTcpServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** Every process a test started, killed after the tests should one outlive a failed assertion. */
const started = new Set<number>();
after(() => {
  for (const pid of started) {
    // Only while it is still ours: a pid that ended may have been given to another process.
    try {
      if (/portico\.js|main\.ts|run\.ts|npm/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")))
        process.kill(pid, "SIGKILL");
    } catch {} // already gone
  }
});

/** The one gateway process bin/portico.js re-ran itself as. */
function gatewayOf(running: RunningPortico): number {
  started.add(running.child.pid!);
  const children = childrenOf(running.child.pid!);
  for (const pid of children) started.add(pid);
  assert.equal(children.length, 1, "bin/portico.js re-ran the CLI as one child");
  assert.match(readFileSync(`/proc/${children[0]}/cmdline`, "utf8"), /src\/cli\/main\.ts/);
  return children[0]!;
}

async function assertGone(running: RunningPortico, gateway: number): Promise<void> {
  assert.equal(alive(gateway), false, "the gateway process is gone");
  assert.equal(await portFree(running.port), true, "the data-plane port is free");
  assert.equal(await portFree(running.adminPort), true, "the admin port is free");
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

describe("stop signals through bin/portico.js on an older Node", () => {
  let dir: string;
  let config: string;
  const held: ServerResponse[] = [];
  const backend = createServer((req, res) => {
    req.resume();
    req.on("end", () => held.push(res));
  });
  const release = () => {
    for (const res of held.splice(0)) res.end("finished while draining");
  };
  before(async () => {
    await new Promise<void>((ok) => backend.listen(0, "127.0.0.1", ok));
    const port = (backend.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), "portico-signals-"));
    writeFileSync(
      join(dir, "api.yaml"),
      `openapi: "3.0.1"
info: { title: Slow, version: "1" }
paths:
  /slow:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:${port}/slow" }
`,
    );
    config = join(dir, "portico.yaml");
    writeFileSync(
      config,
      `apis:
  - { openapi: api.yaml, id: slowapi001, stage: dev }
  - type: WEBSOCKET
    name: ws
    id: wsapi00001
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default: { integration: { integrationType: MOCK } }
`,
    );
  });
  after(async () => {
    backend.closeAllConnections();
    await new Promise((ok) => backend.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  const slowRequest = (port: number) =>
    request(`http://127.0.0.1:${port}/dev/slow`, {
      headers: { host: "slowapi001.execute-api.us-east-1.localhost" },
    }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));

  test("SIGTERM to the launcher's pid: the in-flight request finishes, the WebSocket gets 1001, the gateway exits, ports are free, exit 0", async () => {
    const running = await spawnPortico(["--config", config], { PORTICO_LOG_LEVEL: "info" }, viaLauncher);
    const gateway = gatewayOf(running);
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/prod`, {
      headers: { host: "wsapi00001.execute-api.us-east-1.localhost" },
    });
    await new Promise((ok, fail) => ws.once("open", ok).once("error", fail));
    const closed = new Promise<[number, string]>((ok) =>
      ws.once("close", (code, reason) => ok([code, reason.toString()])),
    );
    const slow = slowRequest(running.port);
    await until(() => held.length === 1);

    running.child.kill("SIGTERM");
    assert.deepEqual(await closed, [1001, "Going away"], "the gateway itself got the signal");
    release();
    assert.deepEqual(await slow, { status: 200, text: "finished while draining" });
    assert.equal(await running.exited, 0, running.stderr());
    await assertGone(running, gateway);
    assert.match(running.stderr(), /"signal":"SIGTERM","msg":"shutting down"/);
  });

  test("Ctrl-C (SIGINT to the whole process group, and forwarded by the launcher): a repeated SIGINT does not cut the drain short", async () => {
    const running = await spawnPortico(
      ["--config", config],
      { PORTICO_LOG_LEVEL: "info" },
      { ...viaLauncher, detached: true },
    );
    const gateway = gatewayOf(running);
    const slow = slowRequest(running.port);
    await until(() => held.length === 1);
    // As a terminal does: every process of the foreground group gets it.
    process.kill(-running.child.pid!, "SIGINT");
    await until(() => running.stderr().includes('"signal":"SIGINT","msg":"shutting down"'));
    // The launcher's forwarded copy may have merged with the group's (signals do not queue): a
    // second Ctrl-C, to the launcher alone, reaches the draining gateway for certain.
    running.child.kill("SIGINT");
    await until(() => running.stderr().includes('"signal":"SIGINT","msg":"already shutting down"'));
    release();
    assert.deepEqual(await slow, { status: 200, text: "finished while draining" });
    assert.equal(await running.exited, 0, running.stderr());
    await assertGone(running, gateway);
  });

  test("SIGHUP stops it gracefully too (no reload): exit 0", async () => {
    const running = await spawnPortico(["--config", config], { PORTICO_LOG_LEVEL: "info" }, viaLauncher);
    const gateway = gatewayOf(running);
    running.child.kill("SIGHUP");
    assert.equal(await running.exited, 0, running.stderr());
    await assertGone(running, gateway);
    assert.match(running.stderr(), /"signal":"SIGHUP","msg":"shutting down"/);
  });

  test("the launcher ends as the gateway ended: killed by SIGKILL, or exit 1 on a bad config", async () => {
    const running = await spawnPortico(["--config", config], {}, viaLauncher);
    const gateway = gatewayOf(running);
    process.kill(gateway, "SIGKILL");
    assert.equal(await running.exited, "SIGKILL");
    const refused = spawnSync(
      OLDER[0],
      [...OLDER.slice(1), BIN, "start", "--config", join(dir, "missing.yaml")],
      {
        encoding: "utf8",
      },
    );
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /missing\.yaml: cannot read the config file \(no such file\)/);
  });
});

test("npm start: SIGTERM to npm's pid stops the demo gateway and its backend, and frees their ports", async () => {
  const backendPort = await freePort();
  const npm = spawn(
    "npm",
    ["start", "--", "--port", "0", "--admin-port", "0", "--host", "127.0.0.1", "--in-memory"],
    {
      cwd: ROOT,
      env: { ...process.env, PORTICO_DEMO_BACKEND_PORT: String(backendPort), PORTICO_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | string>((ok) =>
    npm.once("exit", (code, signal) => ok(code ?? signal ?? -1)),
  );
  let out = "";
  let err = "";
  npm.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const [port, adminPort] = await new Promise<[number, number]>((resolve, reject) => {
    npm.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /data plane http:\/\/[^:]+:(\d+), admin http:\/\/[^:]+:(\d+)/.exec(out);
      if (m && out.includes("Stop with Ctrl-C")) resolve([Number(m[1]), Number(m[2])]);
    });
    exited.then((code) => reject(new Error(`npm start exited (${code}): ${err}`)));
  });
  const processes = descendantsOf(npm.pid!);
  for (const pid of [npm.pid!, ...processes]) started.add(pid);
  assert.ok(processes.length >= 1, "npm started the demo");
  npm.kill("SIGTERM");
  assert.equal(await exited, 0, err);
  for (const pid of processes) assert.equal(alive(pid), false, `process ${pid} is gone`);
  for (const p of [port, adminPort, backendPort]) assert.equal(await portFree(p), true, `port ${p} is free`);
});
