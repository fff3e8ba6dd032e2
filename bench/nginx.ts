import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Server, startServer } from "./processes.ts";

export interface NginxConfig {
  /** The port nginx listens on (127.0.0.1). */
  port: number;
  /** The backend's port (127.0.0.1), reached over kept-alive upstream connections. */
  backendPort: number;
  /** A private directory for the pid file, the error log and the temp paths. */
  dir: string;
}

/**
 * nginx as a reverse proxy at its leanest for a one-core comparison: one process (no master, no
 * daemon), no access log, upstream keep-alive with no per-connection request cap either side (a
 * Node server has none either), every path under a private directory so it runs as any user.
 */
export function nginxConfig({ port, backendPort, dir }: NginxConfig): string {
  const at = (name: string) => join(dir, name);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${at("nginx.pid")};
error_log ${at("error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${at("client_body")};
  proxy_temp_path ${at("proxy")};
  fastcgi_temp_path ${at("fastcgi")};
  uwsgi_temp_path ${at("uwsgi")};
  scgi_temp_path ${at("scgi")};
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 256;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** Writes the config into `dir` and starts nginx on `cpus`; ready when its port accepts connections. */
export function startNginx(binary: string, config: NginxConfig, cpus: string | undefined): Promise<Server> {
  mkdirSync(config.dir, { recursive: true });
  const file = join(config.dir, "nginx.conf");
  writeFileSync(file, nginxConfig(config));
  return startServer({
    name: "nginx",
    command: binary,
    // -e: errors before the config is read go to stderr, not the packaged /var/log/nginx path.
    args: ["-p", config.dir, "-c", file, "-e", "stderr"],
    cpus,
    ready: config.port,
    timeoutMs: 10_000,
  });
}

/** "1.22.1" from `nginx -v`, which prints to stderr. */
export function nginxVersion(binary: string): string {
  const { stderr } = spawnSync(binary, ["-v"], { encoding: "utf8" });
  return /nginx\/(\S+)/.exec(stderr)?.[1] ?? stderr.trim();
}
