import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../support/process.ts";
import { scrape } from "../support/prometheus.ts";

// `portico start --metrics-port N` opens the metrics listener and names it on the ready line; the
// token comes from PORTICO_METRICS_TOKEN, never from a flag (flags show in `ps`).

test("portico start --metrics-port 0: the ready line names the listener, which serves /metrics with the token", async () => {
  const token = "cli-token-0123456789abcdef";
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "src/cli/main.ts"),
      "start",
      "--port",
      "0",
      "--admin-port",
      "0",
      "--host",
      "127.0.0.1",
      "--metrics-port",
      "0",
      "--in-memory",
    ],
    {
      env: { ...process.env, PORTICO_LOG_LEVEL: "warn", PORTICO_METRICS_TOKEN: token },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /, metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`portico exited ${code}: ${out}`)));
    });
    const refused = await fetch(url);
    assert.equal(refused.status, 401);
    await refused.text();
    const m = await scrape(url, { authorization: `Bearer ${token}` });
    assert.ok(m.families.has("portico_http_count_total"));
  } finally {
    child.kill("SIGTERM");
    assert.equal(await exited, 0, "a graceful stop closes the metrics listener too");
  }
});
