import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { invocationArn } from "../support/lambda-arn.ts";
import { type RunningPortico, spawnPortico } from "../support/process.ts";

// `portico start --watch` as a user runs it: a handler that imports local modules (ES modules in a
// folder of their own, a CommonJS file through require), each edited in turn while the gateway runs.
// Each edit must be seen by the next requests without a restart — a syntax error or a file deleted
// mid-edit answers the function error until the next good edit. No timing is asserted: each step
// polls until the new behaviour shows, within a generous deadline.

const DEADLINE_MS = 30_000;

const HANDLER = `import { createRequire } from "node:module";
import { answer } from "./lib.ts";
const require = createRequire(import.meta.url);
const settings = require("./settings.cjs");
export const handler = async () => ({ statusCode: 200, body: answer() + settings.suffix });
`;

describe("--watch follows every local module a handler imports", () => {
  let dir: string;
  let portico: RunningPortico;
  const write = (name: string, text: string) => {
    // As editors do it: a new file renamed over the old one (a watch on the old inode would miss it).
    const tmp = join(dir, `.${name.replaceAll("/", "_")}.swp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  };
  const call = async () => {
    const r = await request(`http://127.0.0.1:${portico.port}/dev/live`, {
      headers: { host: "watchapi01.execute-api.us-east-1.localhost" },
    });
    return { status: r.statusCode, text: await r.body.text() };
  };
  /** Polls until the function answers `text` (with status 200), or fails with what it last answered. */
  const answers = async (text: string, status = 200) => {
    const deadline = Date.now() + DEADLINE_MS;
    let last = await call();
    while (!(last.status === status && (status !== 200 || last.text === text)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      last = await call();
    }
    assert.equal(last.status, status, `last answer: ${last.status} ${last.text}`);
    if (status === 200) assert.equal(last.text, text);
  };

  before(async () => {
    // Real paths: the files a worker reports are where Node resolved them, symlinks followed.
    dir = realpathSync(mkdtempSync(join(tmpdir(), "portico-watch-imports-")));
    mkdirSync(join(dir, "deep"));
    writeFileSync(join(dir, "live.ts"), HANDLER);
    writeFileSync(
      join(dir, "lib.ts"),
      'import { word } from "./deep/word.ts";\nexport const answer = () => word;\n',
    );
    writeFileSync(join(dir, "deep", "word.ts"), 'export const word = "v1";\n');
    writeFileSync(join(dir, "settings.cjs"), 'module.exports = { suffix: "" };\n');
    writeFileSync(join(dir, "extra.ts"), 'export const extra = "+extra1";\n');
    writeFileSync(
      join(dir, "api.yaml"),
      `openapi: 3.0.1
info: { title: Watched, version: "1" }
paths:
  /live:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${invocationArn("live")}" }
`,
    );
    writeFileSync(
      join(dir, "portico.yaml"),
      "functions:\n  live:\n    handler: live.handler\napis:\n  - openapi: api.yaml\n    id: watchapi01\n    stage: dev\n",
    );
    portico = await spawnPortico(["--config", join(dir, "portico.yaml"), "--watch"], {
      PORTICO_LOG_LEVEL: "info",
    });
  });
  after(async () => {
    if (portico.child.exitCode === null) {
      portico.child.kill("SIGTERM");
      await portico.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("an edit to a module two imports deep is served without a restart", async () => {
    await answers("v1");
    // Warm the environments, so that only a reload can show the edit.
    for (let i = 0; i < 5; i++) assert.equal((await call()).text, "v1");
    write("deep/word.ts", 'export const word = "v2";\n');
    await answers("v2");
    const reload = portico
      .stderr()
      .split("\n")
      .filter((l) => l.includes("function source changed"))
      .map((l) => JSON.parse(l) as { function: string; files: string[] });
    assert.ok(
      reload.some((l) => l.function === "live" && l.files.includes(join(dir, "deep", "word.ts"))),
      "the reload is logged with the file that changed",
    );
  });

  test("a module loaded with require() is followed too", async () => {
    write("settings.cjs", 'module.exports = { suffix: "!" };\n');
    await answers("v2!");
  });

  test("a syntax error answers the function error; the next good edit recovers", async () => {
    write("lib.ts", "export const answer = ( => ;\n");
    await answers("", 502);
    assert.match((await call()).text, /Internal server error/);
    write("lib.ts", 'import { word } from "./deep/word.ts";\nexport const answer = () => `${word}-fixed`;\n');
    await answers("v2-fixed!");
  });

  test("a module deleted mid-edit answers the function error until it is back", async () => {
    rmSync(join(dir, "lib.ts"));
    await answers("", 502);
    write("lib.ts", 'import { word } from "./deep/word.ts";\nexport const answer = () => `${word}-back`;\n');
    await answers("v2-back!");
  });

  test("an import an edit adds is followed from the next load on", async () => {
    write(
      "live.ts",
      HANDLER.replace("answer() + settings.suffix", "answer() + extra").concat(
        'import { extra } from "./extra.ts";\n',
      ),
    );
    await answers("v2-back+extra1");
    write("extra.ts", 'export const extra = "+extra2";\n');
    await answers("v2-back+extra2");
  });

  test("the gateway came through every edit and stops cleanly", async () => {
    assert.equal(portico.child.exitCode, null, portico.stderr());
    portico.child.kill("SIGTERM");
    assert.equal(await portico.exited, 0);
  });
});
