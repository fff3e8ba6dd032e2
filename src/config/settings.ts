import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../listen/listener-limits.ts";
import { defaultOverloadLimits, type OverloadLimits } from "../listen/overload.ts";
import type { TlsListenerSettings } from "../listen/tls-domains.ts";
import { ConfigError } from "./config-error.ts";
import type { DeclaredDomain } from "./domain-schema.ts";
import type { LoadedConfig } from "./load-config.ts";
import type { AccessLogsConfig, ExecutionLogsConfig } from "./logging-schema.ts";
import { type PublicUrl, parsePublicUrl } from "./public-url.ts";
import type {
  CredentialConfig,
  DeclaredApi,
  FunctionConfig,
  NetworkConfig,
  RoleConfig,
  ServiceConfig,
  WebSocketSettings,
} from "./schema.ts";
import { resolveDataDir } from "./state-location.ts";
import type { TemplateSource } from "./template-api-schema.ts";
import { resolveTlsSettings } from "./tls-settings.ts";

/** What the gateway runs with: flags over PORTICO_* environment over the config file over defaults. */
export interface Settings {
  port: number;
  host: string;
  adminPort: number;
  adminHost: string;
  /** The data plane's HTTPS listener (`listen.tls`, `--tls-port`), when there is one (tls-settings.ts). */
  tls?: TlsListenerSettings;
  /** false (`listen.http: false`): the data plane listens on HTTPS only. */
  plainHttp?: boolean;
  /** How clients reach the data plane (public-url.ts); absent: `{id}.execute-api.{region}.localhost:{port}`. */
  publicUrl?: PublicUrl;
  /** Bytes of admin request bodies held at once (default 64 MiB); beyond it: 429. */
  adminBodyBudgetBytes?: number;
  /** Timeouts and the connection cap of both listeners (defaults: DEFAULT_LISTENER_LIMITS). */
  listenerLimits?: ListenerLimits;
  /** Where the data plane starts shedding (defaults: defaultOverloadLimits()). */
  overload?: OverloadLimits;
  /**
   * The durable store's directory; undefined keeps the state in memory (with `redis`: no local copy).
   * resolveSettings fills in the default (`.portico/` beside the config file); in-process callers
   * that leave it unset run in memory.
   */
  dataDir?: string;
  redis?: string;
  region: string;
  accountId: string;
  credentials: CredentialConfig[];
  functions: Record<string, FunctionConfig>;
  /** AWS services that integrations call (`services:`), by the ARN's service part (absent: none). */
  services?: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  /** IAM roles for STS AssumeRole (absent: none). */
  roles?: RoleConfig[];
  trustedProxies: string[];
  vpceHeader?: string;
  /** The account-level token bucket. */
  accountThrottle: { rateLimit: number; burstLimit: number };
  /** With Redis: what throttles and quotas do while it is unreachable. */
  trafficFailMode: "open" | "closed";
  /** Encrypts `caching/dataEncrypted` entries on Redis (never logged). */
  cacheEncryptionKey?: string;
  apis: DeclaredApi[];
  /** SAM, CloudFormation and serverless.yml templates, run after `apis` (docs/templates.md). */
  templates?: TemplateSource[];
  /** The config file's custom domain names (`domains:`), applied after the APIs. */
  domains?: DeclaredDomain[];
  configFile?: string;
  /**
   * WebSocket connection limits (defaults: AWS's 10 minutes idle, 2 hours in all), the ping interval,
   * and with Redis how long a dead node's connections outlive its last heartbeat.
   */
  websocket?: WebSocketSettings;
  /** Reload function handlers when their files change (development). */
  watch?: boolean;
  /** Prometheus' /metrics: a listener of its own when `port` is set, a bearer token when set. */
  metrics?: MetricsSettings;
  /** Where stages' access logs go, by destination ARN (default: stdout). */
  accessLogs?: AccessLogsConfig;
  /** Where REST methods' execution logs go (default: stderr). */
  executionLogs?: ExecutionLogsConfig;
}

export interface MetricsSettings {
  /** false: nothing counts, /metrics answers 404. */
  enabled: boolean;
  port?: number;
  host: string;
  /** Never logged. */
  bearerToken?: string;
}

export interface SettingsInput {
  flags: Readonly<Record<string, string | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
  config?: LoadedConfig;
  /** Where relative `--data-dir`s and the default data dir are resolved (default: process.cwd()). */
  cwd?: string;
  /** `--template` files (with `--parameter-overrides`), after the config file's. */
  templates?: TemplateSource[];
}

function port(value: string | number | undefined, source: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`${source}: must be a port number 0–65535 (got "${value}")`);
    return undefined;
  }
  return n;
}

function bool(value: string | undefined, source: string, problems: string[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  problems.push(`${source}: must be true or false (got "${value}")`);
  return undefined;
}

const LIMIT_KEYS = [
  "headersTimeoutMs",
  "requestTimeoutMs",
  "keepAliveTimeoutMs",
  "maxConnections",
  "drainTimeoutMs",
] as const satisfies readonly (keyof ListenerLimits)[];
const OVERLOAD_KEYS = [
  "maxInFlight",
  "maxPendingPerConnection",
  "memoryWatermarkBytes",
] as const satisfies readonly (keyof OverloadLimits)[];

function pickKeys<K extends string>(
  from: Partial<Record<string, unknown>> | undefined,
  keys: readonly K[],
): Partial<Record<K, number>> {
  const picked: Partial<Record<K, number>> = {};
  for (const key of keys) if (typeof from?.[key] === "number") picked[key] = from[key] as number;
  return picked;
}

export function resolveSettings(input: SettingsInput): Settings {
  const { flags, env, config, cwd = process.cwd() } = input;
  const problems: string[] = [];
  const pick = (flag: string, variable: string) => flags[flag] ?? env[variable];
  const portOf = (flag: string, variable: string, fromFile: number | undefined, fallback: number) =>
    port(flags[flag], `--${flag}`, problems) ??
    port(env[variable], variable, problems) ??
    fromFile ??
    fallback;
  const settings: Settings = {
    port: portOf("port", "PORTICO_PORT", config?.listen?.port, 8080),
    host: pick("host", "PORTICO_HOST") ?? config?.listen?.host ?? "0.0.0.0",
    adminPort: portOf("admin-port", "PORTICO_ADMIN_PORT", config?.listen?.adminPort, 8081),
    adminHost: pick("admin-host", "PORTICO_ADMIN_HOST") ?? config?.listen?.adminHost ?? "127.0.0.1",
    adminBodyBudgetBytes: config?.listen?.adminBodyBudgetBytes,
    listenerLimits: { ...DEFAULT_LISTENER_LIMITS, ...pickKeys(config?.listen, LIMIT_KEYS) },
    overload: { ...defaultOverloadLimits(), ...pickKeys(config?.listen, OVERLOAD_KEYS) },
    redis: pick("redis", "PORTICO_REDIS") ?? config?.redis,
    region: pick("region", "PORTICO_REGION") ?? config?.region ?? "us-east-1",
    accountId: config?.accountId ?? "000000000000",
    credentials: [],
    functions: config?.functions ?? {},
    services: config?.services ?? {},
    networks: config?.networks ?? {},
    roles: config?.roles,
    trustedProxies: config?.trustedProxies ?? [],
    vpceHeader: config?.vpceHeader,
    accountThrottle: {
      rateLimit: config?.accountThrottle?.rateLimit ?? 10_000,
      burstLimit: config?.accountThrottle?.burstLimit ?? 5_000,
    },
    trafficFailMode: config?.trafficFailMode ?? "open",
    cacheEncryptionKey: env.PORTICO_CACHE_ENCRYPTION_KEY ?? config?.cacheEncryptionKey,
    apis: (config?.apis ?? []).flatMap((a): DeclaredApi[] =>
      "template" in a
        ? []
        : [
            a.type === "WEBSOCKET"
              ? a
              : "wsdl" in a
                ? { ...a, type: "REST" }
                : { ...a, type: a.type ?? "REST" },
          ],
    ),
    templates: [
      ...(config?.apis ?? []).filter((a): a is TemplateSource => "template" in a),
      ...(input.templates ?? []),
    ],
    domains: config?.domains ?? [],
    configFile: config?.file,
    websocket: config?.websocket,
    accessLogs: config?.accessLogs,
    executionLogs: config?.executionLogs,
    watch: flags.watch === "true" || env.PORTICO_WATCH === "1" || env.PORTICO_WATCH === "true",
    metrics: {
      enabled: bool(env.PORTICO_METRICS, "PORTICO_METRICS", problems) ?? config?.metrics?.enabled ?? true,
      port:
        port(flags["metrics-port"], "--metrics-port", problems) ??
        port(env.PORTICO_METRICS_PORT, "PORTICO_METRICS_PORT", problems) ??
        config?.metrics?.port,
      host: config?.metrics?.host ?? "127.0.0.1",
      bearerToken: env.PORTICO_METRICS_TOKEN ?? config?.metrics?.bearerToken,
    },
  };
  const tlsPortFlag =
    flags["tls-port"] !== undefined
      ? { value: flags["tls-port"], source: "--tls-port" }
      : env.PORTICO_TLS_PORT !== undefined
        ? { value: env.PORTICO_TLS_PORT, source: "PORTICO_TLS_PORT" }
        : undefined;
  const tls = resolveTlsSettings(
    tlsPortFlag,
    (v, source) => port(v, source, problems),
    settings.host,
    config,
    problems,
  );
  if (tls !== undefined) settings.tls = tls;
  if (config?.listen?.http === false) settings.plainHttp = false;
  const publicUrl = [
    ["--public-url", flags["public-url"]],
    ["PORTICO_PUBLIC_URL", env.PORTICO_PUBLIC_URL],
    ["listen.publicUrl", config?.listen?.publicUrl],
  ].find(([, value]) => value !== undefined);
  if (publicUrl !== undefined) {
    const parsed = parsePublicUrl(publicUrl[1]!, settings.region);
    if ("problem" in parsed) problems.push(`${publicUrl[0]}: ${parsed.problem}`);
    else settings.publicUrl = parsed;
  }
  settings.dataDir = resolveDataDir(
    { flags, env, config, cwd, redis: settings.redis !== undefined },
    problems,
  );
  settings.credentials = config?.credentials ?? [
    { accessKeyId: "test", secretAccessKey: "test", principal: `arn:aws:iam::${settings.accountId}:root` },
  ];
  const limits = settings.listenerLimits!;
  // Node refuses a server whose headers may take longer than the whole request.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    problems.push(
      `listen.headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed listen.requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  if (settings.metrics?.enabled === false && settings.metrics.port !== undefined)
    problems.push("metrics.port: a metrics listener needs metrics.enabled (it is false)");
  const token = settings.metrics?.bearerToken;
  if (token !== undefined && token.length < 16)
    problems.push("PORTICO_METRICS_TOKEN: a metrics bearer token must have at least 16 characters");
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
