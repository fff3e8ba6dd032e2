import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../config/config-error.ts";
import { loadConfigFile } from "../config/load-config.ts";
import { resolveSettings, type Settings } from "../config/settings.ts";
import type { TemplateSource } from "../config/template-api-schema.ts";
import { createLogger } from "../logger.ts";
import { type Portico, startPortico } from "../portico.ts";
import { type Command, parseFlags } from "./flags.ts";
import { parseParameterOverrides } from "./parameter-overrides.ts";
import { stateLine } from "./state-line.ts";

/** Each stops the gateway gracefully; a supervisor's SIGHUP (its terminal gone) included: no reload. */
const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

export const startCommand: Command = {
  summary: "Run the gateway (data plane and admin API)",
  usage: `Usage: portico start [--config FILE] [--port N] [--admin-port N] [--data-dir DIR | --in-memory] [--redis URL]

  --config FILE     YAML or JSON config (PORTICO_CONFIG); APIs listed under 'apis' are imported and deployed
  --template FILE   run an AWS SAM or CloudFormation template, a cdk.out folder or a serverless.yml: its
                    APIs, functions, API keys and usage plans (docs/templates.md)
  --parameter-overrides 'Key=Value …'
                    the template's parameters, as sam deploy takes them (also ParameterKey=K,ParameterValue=V)
  --stage NAME      serverless.yml's stage (as serverless --stage; default provider.stage, else dev)
  --port N          data plane port (PORTICO_PORT, default 8080, all interfaces)
  --host ADDR       data plane address (PORTICO_HOST, default 0.0.0.0)
  --tls-port N      HTTPS port of the data plane (PORTICO_TLS_PORT, default 8443); needs listen.tls in the
                    config file (certificates by SNI, security policies, mutual TLS: docs/domains.md)
  --admin-port N    admin API port (PORTICO_ADMIN_PORT, default 8081)
  --admin-host ADDR admin API address (PORTICO_ADMIN_HOST, default 127.0.0.1)
  --public-url URL  how clients reach the data plane, e.g. behind a load balancer (PORTICO_PUBLIC_URL,
                    config listen.publicUrl): https://{apiId}.api.example.com; ApiEndpoint and the
                    URLs printed use it (default http://{apiId}.execute-api.{region}.localhost:PORT)
  --metrics-port N  also serve Prometheus' /metrics on this port (PORTICO_METRICS_PORT; address: config
                    metrics.host, default 127.0.0.1); /metrics is on the admin listener in any case
  --data-dir DIR    durable state directory (PORTICO_DATA_DIR; default .portico/ beside the config
                    file, else in the working directory); printed at start
  --in-memory       keep the state in memory, lost at stop: a throwaway run (PORTICO_IN_MEMORY=1)
  --redis URL       shared state for scale-out (PORTICO_REDIS): redis://, rediss://, redis-sentinel://, redis-cluster://;
                    a node keeps a local copy only in a --data-dir that is given
  --region NAME     AWS region the gateway answers as (PORTICO_REGION, default us-east-1)
  --watch           reload a function when its handler or a local module it imports changes (PORTICO_WATCH=1)

Stops gracefully on SIGTERM, SIGINT or SIGHUP: no new connections, in-flight requests finish and
WebSockets are closed with 1001 Going away (up to listen.drainTimeoutMs, default 25 s), the state is
written out, exit 0. A second signal while stopping changes nothing.
`,
  async run(args, env) {
    const running = await launch(args, env);
    await running.untilStopped;
    return 0;
  },
};

/** `--template` with its `--parameter-overrides` and `--stage`, as a template source. */
function templateFlags(values: Record<string, string | boolean | undefined>): TemplateSource[] {
  const template = values.template as string | undefined;
  const overrides = values["parameter-overrides"] as string | undefined;
  const stage = values.stage as string | undefined;
  if (template === undefined) {
    if (overrides !== undefined || stage !== undefined)
      throw new ConfigError([
        `--${overrides !== undefined ? "parameter-overrides" : "stage"}: needs --template`,
      ]);
    return [];
  }
  const parameters = overrides === undefined ? undefined : parseParameterOverrides(overrides);
  if (parameters !== undefined && "problem" in parameters)
    throw new ConfigError([`--parameter-overrides: ${parameters.problem}`]);
  if (!existsSync(template)) throw new ConfigError([`--template: no such file ${template}`]);
  return [
    {
      template: resolve(template),
      declaredAt: "--template",
      ...(parameters === undefined ? {} : { parameters: parameters as Record<string, string> }),
      ...(stage === undefined ? {} : { stage }),
    },
  ];
}

/** Whether `*.localhost` (loopback) reaches a listener bound to `host`. */
function reachesLoopback(host: string): boolean {
  return ["0.0.0.0", "::", "localhost", "::1"].includes(host) || host.startsWith("127.");
}

/**
 * Starts the gateway from CLI arguments; `untilStopped` settles after SIGTERM/SIGINT/SIGHUP and a graceful
 * shutdown. Exported for the demo runner, which prints its guide once the gateway listens.
 */
export async function launch(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ portico: Portico; settings: Settings; untilStopped: Promise<void> }> {
  const { values } = parseFlags(args, {
    config: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    "tls-port": { type: "string" },
    "admin-port": { type: "string" },
    "admin-host": { type: "string" },
    "public-url": { type: "string" },
    "metrics-port": { type: "string" },
    "data-dir": { type: "string" },
    "in-memory": { type: "boolean" },
    redis: { type: "string" },
    region: { type: "string" },
    watch: { type: "boolean" },
    template: { type: "string" },
    "parameter-overrides": { type: "string" },
    stage: { type: "string" },
  });
  const configPath = (values.config as string | undefined) ?? env.PORTICO_CONFIG;
  const config = configPath === undefined ? undefined : loadConfigFile(configPath, env);
  const flags = {
    ...values,
    watch: values.watch ? "true" : undefined,
    "in-memory": values["in-memory"] ? "true" : undefined,
  } as Record<string, string | undefined>;
  const settings = resolveSettings({ flags, env, config, templates: templateFlags(values) });
  const log = createLogger();
  const portico = await startPortico(settings, log);
  log.info(
    {
      port: portico.port,
      ...(portico.tlsPort === undefined ? {} : { tlsPort: portico.tlsPort }),
      adminPort: portico.adminPort,
      state: settings.redis !== undefined ? "redis" : settings.dataDir === undefined ? "memory" : "durable",
      ...(settings.dataDir === undefined ? {} : { dataDir: settings.dataDir }),
    },
    "portico started",
  );
  // Handlers go in before the ready line: a supervisor may signal as soon as it reads it.
  const untilStopped = new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // Ctrl-C in a terminal reaches bin/portico.js and this process both, and the launcher forwards
      // it too: the second SIGINT must not cut the drain short.
      if (stopping) {
        log.info({ signal }, "already shutting down");
        return;
      }
      stopping = true;
      log.info({ signal }, "shutting down");
      portico.close().then(
        () => {
          for (const s of STOP_SIGNALS) process.off(s, stop);
          done();
        },
        (err: unknown) => {
          log.error({ err }, "shutdown failed");
          done();
        },
      );
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
  });
  process.stdout.write(`${stateLine(settings)}\n`);
  const https = portico.tlsPort === undefined ? "" : `https://${settings.tls?.host}:${portico.tlsPort}`;
  const plain = settings.plainHttp === false ? https : `http://${settings.host}:${portico.port}`;
  process.stdout.write(
    `Portico listening: data plane ${plain}, admin http://${settings.adminHost}:${portico.adminPort}${
      portico.metricsPort === undefined
        ? ""
        : `, metrics http://${settings.metrics?.host}:${portico.metricsPort}/metrics`
    }${https === "" || plain === https ? "" : `, data plane (HTTPS) ${https}`}\nAPIs answer at ${portico.urls.stage("{api-id}", "REST", "{stage}")}… (portico routes lists them)${
      settings.publicUrl === undefined && !reachesLoopback(settings.host)
        ? `; the data plane listens on ${settings.host} only, where *.localhost names do not lead: set --public-url`
        : ""
    }\n`,
  );
  return { portico, settings, untilStopped };
}
