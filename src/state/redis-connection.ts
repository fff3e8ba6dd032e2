import { Cluster, Redis, type RedisOptions } from "ioredis";

/** Every key of the Redis store starts with this. */
export const redisKeyPrefix = "portico:";
/**
 * ...followed by this hash tag, so all of them hash to one Cluster slot: a Lua script or MULTI may
 * only touch keys of a single slot, and the store's commit touches several.
 */
export const redisHashTag = "{portico}";

/** `portico:{portico}:<parts joined by ":">`. */
export function redisKey(...parts: string[]): string {
  return `${redisKeyPrefix}${redisHashTag}:${parts.join(":")}`;
}

export interface RedisAddress {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
}

export type RedisTarget =
  | ({ kind: "standalone"; address: RedisAddress; db: number; tls: boolean } & Credentials)
  | ({ kind: "sentinel"; sentinels: RedisAddress[]; masterName: string } & Credentials)
  | ({ kind: "cluster"; nodes: RedisAddress[] } & Credentials);

export interface ConnectRedisOptions {
  /** Do not connect until `connect()` or the first command. */
  lazyConnect?: boolean;
  /** CLIENT SETNAME, to tell the connections apart in CLIENT LIST. */
  name?: string;
  /** Receives connection errors; by default each distinct one is written once to stderr. */
  onError?: (err: Error) => void;
  /** A pub/sub connection: queues SUBSCRIBE while disconnected instead of failing it. */
  subscriber?: boolean;
  /**
   * Sends the commands issued in one event-loop tick as one write (the traffic connection: one
   * script per request, from many requests at once).
   */
  autoPipelining?: boolean;
}

const EXPECTED_FORMS =
  "expected redis://[user:pass@]host:port[/db], rediss://[user:pass@]host:port[/db], " +
  "redis-sentinel://[pass@]host:port[,host:port…]/masterName or redis-cluster://[pass@]host:port[,host:port…]";

// A command issued while the connection is up but the server has stopped answering (frozen
// process, lost packets) fails after this long instead of hanging.
const COMMAND_TIMEOUT_MS = 2000;

const URL_SHAPE =
  /^(redis|rediss|redis-sentinel|redis-cluster):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?$/i;

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z-]+:\/\/)([^@/?#]*)@/i, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return `${scheme}${colon === -1 ? "***" : `${userinfo.slice(0, colon)}:***`}@`;
  });
}

function invalid(url: string, why: string): Error {
  return new Error(`invalid Redis URL ${redactRedisUrl(url)}: ${why}; ${EXPECTED_FORMS}`);
}

function decode(url: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(url, "bad percent-encoding in the credentials");
  }
}

// `user:pass` or `:pass`; without a colon the whole userinfo is the password, as the sentinel form
// (`pass@`) spells it.
function credentials(url: string, userinfo: string | undefined): Credentials {
  if (userinfo === undefined || userinfo === "") return {};
  const colon = userinfo.indexOf(":");
  if (colon === -1) return { password: decode(url, userinfo) };
  const username = decode(url, userinfo.slice(0, colon));
  const password = decode(url, userinfo.slice(colon + 1));
  return { ...(username === "" ? {} : { username }), ...(password === "" ? {} : { password }) };
}

function address(url: string, text: string, defaultPort: number): RedisAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d*))?$/.exec(text);
  if (m === null) throw invalid(url, `bad host:port '${text}'`);
  const host = m[1] ?? m[2]!;
  const port = m[3] === undefined || m[3] === "" ? defaultPort : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(url, `bad port in '${text}'`);
  return { host, port };
}

function addresses(url: string, text: string, defaultPort: number): RedisAddress[] {
  if (text === "") throw invalid(url, "no host");
  return text.split(",").map((part) => address(url, part, defaultPort));
}

export function parseRedisUrl(url: string): RedisTarget {
  const m = URL_SHAPE.exec(url);
  if (m === null) {
    throw invalid(
      url,
      /[?#]/.test(url) ? "query strings and fragments are not supported" : "unrecognised form",
    );
  }
  const scheme = m[1]!.toLowerCase();
  const auth = credentials(url, m[2]);
  const hosts = m[3]!;
  const path = m[4];
  if (scheme === "redis-sentinel") {
    if (path === undefined || path === "" || path.includes("/")) {
      throw invalid(url, "the sentinel form needs the master name as its path");
    }
    return {
      kind: "sentinel",
      sentinels: addresses(url, hosts, 26379),
      masterName: decode(url, path),
      ...auth,
    };
  }
  if (scheme === "redis-cluster") {
    if (path !== undefined && path !== "")
      throw invalid(url, "a cluster URL has no path (Cluster has only db 0)");
    return { kind: "cluster", nodes: addresses(url, hosts, 6379), ...auth };
  }
  const list = addresses(url, hosts, 6379);
  if (list.length !== 1) throw invalid(url, `${scheme}:// takes one host`);
  if (path !== undefined && path !== "" && !/^\d{1,5}$/.test(path)) {
    throw invalid(url, `the path must be a database number, not '${path}'`);
  }
  return { kind: "standalone", address: list[0]!, db: Number(path || 0), tls: scheme === "rediss", ...auth };
}

/** Writes each distinct error once to stderr; `reset` (on reconnect) lets the next outage speak again. */
export function stderrReporter(label: string): { report: (err: Error) => void; reset: () => void } {
  // A server that is down fails every reconnect attempt with the same error: say it once.
  let last: string | undefined;
  return {
    report: (err) => {
      if (err.message === last) return;
      last = err.message;
      // Only the message: errors of failed commands carry their arguments (document values).
      process.stderr.write(`portico: redis ${label}: ${err.message}\n`);
    },
    reset: () => {
      last = undefined;
    },
  };
}

const retryStrategy = (attempt: number): number => Math.min(attempt * 100, 2000);

/**
 * A connection that never crashes the process on network errors and reconnects forever. A command
 * connection fails fast while disconnected (no offline queue, in-flight commands rejected when the
 * socket drops and never replayed, so a commit reported as failed cannot apply later): wait for
 * `ready` (or `await connect()` with `lazyConnect`) before the first command. A subscriber
 * connection queues while disconnected and resubscribes after each reconnect.
 */
export function connectRedis(url: string, options: ConnectRedisOptions = {}): Redis | Cluster {
  const target = parseRedisUrl(url);
  const perRequest = options.subscriber
    ? { maxRetriesPerRequest: null }
    : { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, commandTimeout: COMMAND_TIMEOUT_MS };
  const node: RedisOptions = {
    ...perRequest,
    ...(options.autoPipelining === true ? { enableAutoPipelining: true } : {}),
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(options.name === undefined ? {} : { connectionName: options.name }),
  };
  const lazyConnect = options.lazyConnect ?? false;
  const enableOfflineQueue = options.subscriber ?? false;
  let conn: Redis | Cluster;
  if (target.kind === "cluster") {
    conn = new Cluster(target.nodes, {
      lazyConnect,
      enableOfflineQueue,
      ...(options.autoPipelining === true ? { enableAutoPipelining: true } : {}),
      clusterRetryStrategy: retryStrategy,
      redisOptions: node,
    });
  } else if (target.kind === "sentinel") {
    conn = new Redis({
      ...node,
      lazyConnect,
      enableOfflineQueue,
      retryStrategy,
      sentinels: target.sentinels,
      name: target.masterName,
    });
  } else {
    conn = new Redis({
      ...node,
      lazyConnect,
      enableOfflineQueue,
      retryStrategy,
      host: target.address.host,
      port: target.address.port,
      db: target.db,
      ...(target.tls ? { tls: {} } : {}),
    });
  }
  let report = options.onError;
  if (report === undefined) {
    const reporter = stderrReporter(redactRedisUrl(url));
    report = reporter.report;
    conn.on("ready", reporter.reset);
  }
  const onError = report;
  conn.on("error", (err: Error) => onError(err));
  if (conn instanceof Cluster) conn.on("node error", (err: Error) => onError(err));
  return conn;
}
