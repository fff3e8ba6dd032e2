import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, type Server, startServer } from "./processes.ts";

/**
 * The gateways Portico is compared with live in bench/peers/ (their own package.json and lock, exact
 * versions): serverless@3 and serverless-offline@13 are hundreds of megabytes the project itself
 * does not need. `npm ci --prefix bench/peers` installs them when what is there is not what the
 * lock names.
 */
const PEERS = join(import.meta.dirname, "peers");

function wanted(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(PEERS, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  return manifest.dependencies;
}

/** The installed version of each peer, undefined for one not installed. */
export function peerVersions(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(wanted())) {
    const file = join(PEERS, "node_modules", name, "package.json");
    out[name] = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version
      : undefined;
  }
  return out;
}

export function ensurePeers(): void {
  const installed = peerVersions();
  const missing = Object.entries(wanted()).filter(([name, version]) => installed[name] !== version);
  if (missing.length === 0) return;
  process.stderr.write(
    `installing the benchmark's peers (${missing.map(([n, v]) => `${n}@${v}`).join(", ")}): npm ci --prefix bench/peers\n`,
  );
  execFileSync("npm", ["ci", "--prefix", PEERS, "--no-audit", "--no-fund"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** fast-gateway relaying to `backend`, on the project's Node (as every Node target). */
export function startFastGateway(backend: string, cpus: string | undefined): Promise<Server> {
  return startServer({
    name: "fast-gateway",
    command: process.execPath,
    args: [join(PEERS, "fast-gateway.mjs"), backend],
    cpus,
    ready: /listening (\d+)/,
  });
}

/**
 * serverless-offline in its fastest mode (`--useInProcess`: the handler runs in its own process, no
 * worker or child per invocation) serving bench/peers/serverless.yml: the REST route at
 * `/dev/hello/{name}` (payload 1.0), the HTTP API route at `/v2/hello/{name}` (payload 2.0). Needs
 * no login or AWS account: telemetry and notifications off, dummy credentials.
 */
export async function startServerlessOffline(cpus: string | undefined): Promise<Server> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  return startServer({
    name: "serverless-offline",
    command: process.execPath,
    args: [
      join(PEERS, "node_modules/serverless/bin/serverless.js"),
      "offline",
      "start",
      "--useInProcess",
      "--host",
      "127.0.0.1",
      "--httpPort",
      String(httpPort),
      "--lambdaPort",
      String(lambdaPort),
    ],
    cwd: PEERS,
    cpus,
    env: {
      SLS_TELEMETRY_DISABLED: "1",
      SLS_NOTIFICATIONS_MODE: "off",
      SLS_DEPRECATION_DISABLE: "*",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_REGION: "us-east-1",
    },
    ready: /Server ready: http:\/\/[^:]+:(\d+)/,
    timeoutMs: 120_000,
  });
}
