import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { invocationArn } from "../support/lambda-arn.ts";
import { ROOT } from "../support/process.ts";

// The operational log as a person at a terminal meets it: `portico start` under a real
// pseudo-terminal (util-linux `script`) writes pino-pretty's readable lines, a failing request's
// reason among them; piped, it writes JSON lines; PORTICO_LOG_FORMAT overrides either way. SIGTERM
// still stops it cleanly in pretty mode (no transport thread to wait for). `script` runs its command
// through $SHELL, and a shell that does not exec its last command (dash) would take the SIGTERM
// itself and hang up the terminal under the gateway: the command says `exec`.

const CLI = join(ROOT, "src", "cli", "main.ts");
const FIXTURES = join(ROOT, "test", "fixtures", "functions");
const hasScript = spawnSync("script", ["--version"]).status === 0;

const API = `openapi: 3.0.1
info: { title: Terminal, version: "1" }
paths:
  /throws:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("throws")}" }
`;

/** The pids of a process's children (Linux /proc), to signal the gateway `script` runs. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return text === "" ? [] : text.split(/\s+/).map(Number);
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
  port: number;
}

/** Starts `portico start` (under `script` when `tty`), waiting for its "listening" line. */
async function start(config: string, env: NodeJS.ProcessEnv, tty: boolean): Promise<Started> {
  const args = [CLI, "start", "--config", config, "--port", "0", "--admin-port", "0"];
  const child = tty
    ? spawn(
        "script",
        ["-qefc", `exec ${[process.execPath, ...args].map((a) => `'${a}'`).join(" ")}`, "/dev/null"],
        {
          env: { ...process.env, ...env },
          stdio: ["pipe", "pipe", "pipe"],
        },
      )
    : spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /data plane http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 20);
    exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`portico exited (${code}):\n${out}`));
    });
  });
  return { child, output: () => out, exited, port };
}

/** SIGTERM to the gateway itself (under `script`, its child), then its exit status. */
async function stop(s: Started, tty: boolean): Promise<number | string> {
  const pids = tty ? childrenOf(s.child.pid!) : [s.child.pid!];
  for (const pid of pids) process.kill(pid, "SIGTERM");
  return s.exited;
}

async function failOnce(port: number): Promise<number> {
  const r = await request(`http://127.0.0.1:${port}/restapis/term000001/dev/_user_request_/throws`);
  await r.body.dump();
  return r.statusCode;
}

describe("the operational log's format", () => {
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "portico-logformat-"));
    writeFileSync(join(dir, "api.yaml"), API);
    config = join(dir, "portico.yaml");
    writeFileSync(
      config,
      `functions:\n  throws: { handler: ${join(FIXTURES, "handlers.throws")} }\napis:\n  - openapi: api.yaml\n    stage: dev\n    id: term000001\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("in a terminal: readable lines, the failure's reason and stack, and a clean SIGTERM", {
    skip: !hasScript,
  }, async () => {
    const s = await start(config, { PORTICO_LOG_FORMAT: "", PORTICO_LOG_LEVEL: "info" }, true);
    assert.equal(await failOnce(s.port), 502);
    const deadline = Date.now() + 10_000;
    while (!s.output().includes("customer function error") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await stop(s, true), 0, s.output());
    const out = s.output();
    assert.match(out, /INFO.*: .*portico started/, out);
    assert.match(
      out,
      /ERROR.*: .*GET \/throws answered 502: Lambda execution failed with status 200 due to customer function error: something broke/,
    );
    assert.match(out, /errorMessage": "something broke"/, "the function's error, shown as fields");
    assert.doesNotMatch(out, /^\{"level":/m, "no JSON lines");
  });

  test("piped: one JSON object per line", async () => {
    const s = await start(config, { PORTICO_LOG_FORMAT: "", PORTICO_LOG_LEVEL: "info" }, false);
    assert.equal(await failOnce(s.port), 502);
    assert.equal(await stop(s, false), 0);
    const lines = s
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.msg === "portico started"));
    const failure = lines.find((l) => l.level === 50);
    assert.equal(failure?.apiId, "term000001");
    assert.equal((failure?.function as { errorMessage?: string })?.errorMessage, "something broke");
  });

  test("PORTICO_LOG_FORMAT=json in a terminal, and =pretty through a pipe", {
    skip: !hasScript,
  }, async () => {
    const json = await start(config, { PORTICO_LOG_FORMAT: "json", PORTICO_LOG_LEVEL: "info" }, true);
    assert.equal(await stop(json, true), 0);
    assert.match(json.output(), /^\{"level":30,.*"msg":"portico started"\}\r?$/m);
    const pretty = await start(config, { PORTICO_LOG_FORMAT: "pretty", PORTICO_LOG_LEVEL: "info" }, false);
    assert.equal(await stop(pretty, false), 0);
    assert.match(pretty.output(), /INFO: portico started/);
    assert.ok(!pretty.output().includes("\u001b["), "no colours when stderr is not a terminal");
  });

  test("JSON mode never loads pino-pretty; pretty mode does", () => {
    const probe = (format: string) =>
      spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { createRequire } from "node:module";
           const { createLogger } = await import(${JSON.stringify(join(ROOT, "src", "logger.ts"))});
           createLogger("info").info("hello");
           const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("pino-pretty"));
           process.stdout.write(String(loaded));`,
        ],
        { env: { ...process.env, PORTICO_LOG_FORMAT: format }, encoding: "utf8" },
      );
    const json = probe("json");
    assert.equal(json.stdout, "false", json.stderr);
    assert.match(json.stderr, /^\{"level":30,.*"msg":"hello"\}$/m);
    const pretty = probe("pretty");
    assert.equal(pretty.stdout, "true", pretty.stderr);
    assert.match(pretty.stderr, /INFO: hello/);
  });
});
