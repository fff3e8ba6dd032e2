import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { request } from "undici";
import { ROOT } from "../support/process.ts";

/** The README's quick start: `npm start` serves the bundled demo (run here on free gateway ports). */
test("the bundled demo serves its REST API, HTTP API, MOCK and Lambda routes", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portico-demo-"));
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
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PORTICO_LOG_LEVEL: "warn" } },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    let out = "";
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /data plane http:\/\/[^:]+:(\d+)/.exec(out);
        if (m && out.includes("Stop with Ctrl-C")) resolve(Number(m[1]));
      });
      exited.then((code) => reject(new Error(`demo exited ${code}`)));
    });
    assert.match(out, /curl http:\/\/petstore01\.execute-api\.us-east-1\.localhost:\d+\/dev\/pets/);
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
    // The WebSocket API the demo declares, through the client script it prints.
    assert.match(out, /npm run demo:ws/);
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
