import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { nginxConfig, startNginx } from "../../bench/nginx.ts";
import { freePort, stopServers } from "../../bench/processes.ts";
import { findCommand } from "../../bench/system-tools.ts";

describe("nginx config", () => {
  const config = nginxConfig({ port: 41000, backendPort: 42000, dir: "/tmp/bench-nginx" });

  test("one process in the foreground, no access log, listening on the given loopback port", () => {
    assert.match(config, /^daemon off;$/m);
    assert.match(config, /^master_process off;$/m);
    assert.match(config, /^\s*access_log off;$/m);
    assert.match(config, /^\s*listen 127\.0\.0\.1:41000;$/m);
  });

  test("kept-alive upstream connections: HTTP/1.1 and no Connection header passed on", () => {
    assert.match(config, /upstream backend \{\s*server 127\.0\.0\.1:42000;\s*keepalive \d+;/);
    assert.match(config, /proxy_http_version 1\.1;/);
    assert.match(config, /proxy_set_header Connection "";/);
  });

  test("every file it writes is under its own directory", () => {
    const paths = [...config.matchAll(/^\s*(?:pid|error_log|\w+_temp_path) (\S+?);?(?: \w+)?;?$/gm)].map(
      (m) => m[1],
    );
    assert.equal(paths.length, 7);
    for (const p of paths) assert.ok(p!.startsWith("/tmp/bench-nginx/"), p);
  });
});

// The written config served by a real nginx (skipped where nginx is missing).
const nginx = findCommand("nginx");
// CI installs nginx (.ci/run) and never skips: there a missing binary fails the run.
describe("nginx run", {
  skip: nginx === undefined && process.env.CI === undefined ? "nginx is not installed" : false,
}, () => {
  let backend: Server;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "nginx-test-"));
    backend = createServer((req, res) => res.end(`backend saw ${req.url}`));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await stopServers();
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("relays a request to the backend over its port", async () => {
    const port = await freePort();
    const backendPort = (backend.address() as AddressInfo).port;
    await startNginx(nginx!, { port, backendPort, dir }, undefined);
    const res = await request(`http://127.0.0.1:${port}/pets/1`);
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), "backend saw /pets/1");
  });
});
