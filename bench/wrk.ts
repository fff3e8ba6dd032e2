import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What one load run measured: the same shape from wrk and from the autocannon fallback. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency percentiles in milliseconds (wrk resolves microseconds). */
  p50: number;
  p99: number;
  /** Answers with a status outside 200–299 (`everyStatus`), or ≥ 400 only (wrk's own count). */
  non2xx: number;
  everyStatus: boolean;
  /** Socket errors: connect, read, write, timeout. */
  socketErrors: number;
}

/** The request wrk sends: everything but the URL goes into its Lua script. */
export interface LoadRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A Lua string literal: JSON's escapes for quotes, backslashes and control characters are Lua's too. */
const lua = (s: string): string => {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`bench/wrk.ts: only printable ASCII in a request: ${s}`);
  return JSON.stringify(s);
};

/**
 * The Lua script for one target: its request and a `done` hook printing one machine-readable line.
 * With `everyStatus`, a `response` hook counts every status outside 200–299; without it the count is
 * wrk's own, statuses ≥ 400 only. The hook makes wrk hand each answer's headers and body to Lua,
 * which cut its rate by 30–40 % on the benchmark machine (20–23k against 30–33k req/s from one
 * backend), enough to make the load generator the limit of the fastest targets: so the warm-up
 * checks every status and the measured rounds count what wrk counts by itself. With -t1 there is
 * one thread; the hook sums over all, so more threads stay correct.
 */
export function wrkScript(request: LoadRequest, everyStatus: boolean): string {
  const count = everyStatus
    ? [
        "local threads = {}",
        "function setup(thread) table.insert(threads, thread) end",
        "function init(args) non2xx = 0 end",
        "function response(status, headers, body)",
        "  if status < 200 or status > 299 then non2xx = non2xx + 1 end",
        "end",
        "local function bad(summary)",
        "  local n = 0",
        "  for _, t in ipairs(threads) do n = n + t:get('non2xx') end",
        "  return n",
        "end",
      ]
    : ["local function bad(summary) return summary.errors.status end"];
  const lines = [
    `wrk.method = ${lua(request.method ?? "GET")}`,
    ...Object.entries(request.headers ?? {}).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
    ...(request.body === undefined ? [] : [`wrk.body = ${lua(request.body)}`]),
    ...count,
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    "  io.write(string.format('PORTICO-BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d " +
      "every_status=%d connect=%d read=%d write=%d timeout=%d\\n', summary.requests, summary.duration, " +
      `latency:percentile(50), latency:percentile(99), bad(summary), ${everyStatus ? 1 : 0}, ` +
      "e.connect, e.read, e.write, e.timeout))",
    "end",
  ];
  return `${lines.join("\n")}\n`;
}

/** Reads the `done` hook's line out of wrk's output; throws, quoting the output, when it is missing. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = /^PORTICO-BENCH (.*)$/m.exec(stdout);
  if (line === null) throw new Error(`wrk printed no PORTICO-BENCH line:\n${stdout}`);
  const fields = new Map<string, number>();
  for (const pair of line[1]!.trim().split(/\s+/)) {
    const [key, value] = pair.split("=");
    const n = Number(value);
    if (key === undefined || value === undefined || !Number.isFinite(n))
      throw new Error(`wrk's PORTICO-BENCH line has a malformed field "${pair}": ${line[0]}`);
    fields.set(key, n);
  }
  const field = (name: string): number => {
    const v = fields.get(name);
    if (v === undefined) throw new Error(`wrk's PORTICO-BENCH line has no ${name}: ${line[0]}`);
    return v;
  };
  const seconds = field("duration_us") / 1e6;
  const requests = field("requests");
  return {
    requests,
    seconds,
    rps: seconds > 0 ? requests / seconds : 0,
    p50: field("p50_us") / 1000,
    p99: field("p99_us") / 1000,
    non2xx: field("non2xx"),
    everyStatus: field("every_status") === 1,
    socketErrors: field("connect") + field("read") + field("write") + field("timeout"),
  };
}

/**
 * Runs `wrk -t1 -cN -dS` against `request` (its script written into `dir`), prefixed by `pin`
 * (`taskset -c 0`) when given; `everyStatus` as for `wrkScript`.
 */
export async function runWrk(
  request: LoadRequest,
  opts: { connections: number; seconds: number; dir: string; pin: readonly string[]; everyStatus: boolean },
): Promise<LoadResult> {
  const script = join(opts.dir, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(script, wrkScript(request, opts.everyStatus));
  const args = ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", "10s", "-s", script];
  const [command, ...prefix] = opts.pin.length > 0 ? opts.pin : ["wrk"];
  const argv = opts.pin.length > 0 ? [...prefix, "wrk", ...args, request.url] : [...args, request.url];
  const { stdout } = await run(command!, argv, { maxBuffer: 1 << 20 });
  return parseWrkOutput(stdout);
}

/** wrk's version line ("wrk debian/4.1.0-3+b2 [epoll]"), or undefined when wrk is not installed. */
export async function wrkVersion(): Promise<string | undefined> {
  try {
    // `wrk -v` prints its version and usage, exiting 1.
    await run("wrk", ["-v"]);
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? "");
    const m = /^wrk (\S+)/m.exec(out);
    if (m) return m[1];
  }
  return undefined;
}
