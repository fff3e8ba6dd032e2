import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: an abrupt outage. */
  kill(): Promise<void>;
  /** Starts the server again on the same port: empty, unless started `persistent` (append-only file). */
  restart(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

function requireRedisServer(): void {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined) {
    // Fail, never skip: a missing server must not turn the Redis tests green.
    throw new Error(
      `redis-server is not on PATH (${probe.error.message}); install it (apt-get install redis-server) to run the Redis store tests`,
    );
  }
}

/** A TCP port nothing listens on (as of now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d: Buffer) => {
      reply += d.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function launch(
  port: number,
  dir: string,
  persistent: boolean,
  extra: string[] = [],
): Promise<ChildProcess> {
  const durability = persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...durability, "--dir", dir, ...extra],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answersPing(port)) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  await exited(child);
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s:\n${output}`);
}

/** A private redis-server on a free port (never the system one on 6379), gone when the process exits. */
export async function startRedisServer(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const persistent = options.persistent === true;
  requireRedisServer();
  installExitHook();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "portico-redis-"));
  let child: ChildProcess | undefined = await launch(port, dir, persistent);
  const end = async (signal: NodeJS.Signals) => {
    const current = child;
    child = undefined;
    if (current === undefined) return;
    current.kill(signal);
    await exited(current);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end("SIGKILL"),
    restart: async () => {
      await end("SIGKILL");
      child = await launch(port, dir, persistent);
    },
  };
}

/**
 * A three-master Redis Cluster on free ports (`redis-cli --cluster create`), for testing the
 * `redis-cluster://` mode; resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<{ url: string; stop(): Promise<void> }> {
  requireRedisServer();
  installExitHook();
  const ports = [await freePort(), await freePort(), await freePort()];
  const dirs = ports.map(() => mkdtempSync(join(tmpdir(), "portico-redis-cluster-")));
  const children = await Promise.all(
    ports.map((port, i) =>
      launch(port, dirs[i]!, false, [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
      ]),
    ),
  );
  const stop = async () => {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map(exited));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const create = spawnSync(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  if (create.status !== 0) {
    await stop();
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  }
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    for (;;) {
      const info = spawnSync("redis-cli", ["-p", String(port), "cluster", "info"], { encoding: "utf8" });
      if (info.stdout.includes("cluster_state:ok")) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Redis Cluster on ${ports.join(",")} did not become ready`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, stop };
}

/** A Sentinel (`redis-server --sentinel`) watching a fresh master as `mymaster`, for `redis-sentinel://`. */
export async function startRedisSentinel(): Promise<{ url: string; stop(): Promise<void> }> {
  const master = await startRedisServer();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "portico-sentinel-"));
  const conf = join(dir, "sentinel.conf");
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${master.port} 1\n`);
  const child = spawn("redis-server", [conf, "--sentinel"], { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const stop = async () => {
    child.kill("SIGTERM");
    await exited(child);
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5000;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`redis sentinel on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url: `redis-sentinel://127.0.0.1:${port}/mymaster`, stop };
}
