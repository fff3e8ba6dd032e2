import { existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { FunctionConfig } from "../config/schema.ts";
import type { Logger } from "../logger.ts";
import { within } from "./coarse-timers.ts";
import { FunctionPool } from "./function-pool.ts";
import type { InvocationResult, ProxyOutcome, TextInvocationResult } from "./invocation.ts";
import type { EventFacts } from "./lambda-event.ts";
import { RemoteFunction } from "./remote-function.ts";
import { SourceWatch } from "./source-watch.ts";

const EXTENSIONS = [".js", ".mjs", ".cjs", ".ts"];

/** `…/src/pets.handler` → the module file that exists (`src/pets.js`, `.mjs`, `.cjs` or `.ts`) and `handler`. */
export function resolveHandler(handler: string): { file: string; exportName: string } | undefined {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const base = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  for (const ext of EXTENSIONS) if (existsSync(base + ext)) return { file: base + ext, exportName };
  return undefined;
}

/**
 * The function name an integration or authorizer URI names:
 * `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]/invocations`,
 * or a bare Lambda ARN.
 */
export function functionNameFromUri(uri: string): string | undefined {
  const m =
    /(?:^|functions\/)arn:aws:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)(?::[^/]+)?(?:\/invocations)?$/.exec(
      uri,
    );
  return m?.[1];
}

/** What integrations call: a local worker pool or a remote Lambda. */
export interface FunctionInvoker {
  invoke(requestId: string, event: unknown): Promise<InvocationResult>;
  /** A mapping template's output as the event (JSON, else the text; `{}` when empty); the result as JSON text. */
  invokeText(requestId: string, payload: string): Promise<TextInvocationResult>;
  /**
   * AWS_PROXY: the request's event by AWS's rules, and the result made a response by them; `done`
   * is called once, with "timeout" if there is no outcome within `timeoutMs`.
   */
  invokeProxy(facts: EventFacts, timeoutMs: number, done: (outcome: ProxyOutcome) => void): void;
  close(): Promise<void>;
}

/** Where compiled routes find the functions they call, by name: the registry, or a view of it. */
export interface FunctionLookup {
  get(name: string): FunctionInvoker | undefined;
}

/** Invokes, giving up after the integration timeout (the function may still be running). */
export const invokeWithin = (
  invoker: FunctionInvoker,
  requestId: string,
  event: unknown,
  timeoutMs: number,
): Promise<InvocationResult | "timeout"> => within(invoker.invoke(requestId, event), timeoutMs);

/** The functions declared in the config, each a warm worker pool or a remote Lambda, looked up by name. */
export class FunctionRegistry implements FunctionLookup {
  private readonly pools = new Map<string, FunctionInvoker>();
  /** `--watch`: every local module a function has loaded, its handler first. */
  private readonly sources: SourceWatch | undefined;
  private readonly options: {
    region: string;
    accountId: string;
    watch?: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  private readonly log: Logger;

  constructor(
    functions: Readonly<Record<string, FunctionConfig>>,
    options: {
      region: string;
      accountId: string;
      watch?: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    },
    log: Logger,
  ) {
    this.sources = options.watch ? new SourceWatch() : undefined;
    this.options = options;
    this.log = log;
    for (const [name, config] of Object.entries(functions)) this.create(name, config);
  }

  /**
   * Adds, replaces or removes functions at run time (a template re-read under `--watch`): a new or
   * changed declaration gets a fresh pool, an unchanged one keeps its warm workers, and a function
   * no longer declared is closed. Only the names in `previous` are removed.
   */
  async update(
    previous: Readonly<Record<string, FunctionConfig>>,
    next: Readonly<Record<string, FunctionConfig>>,
  ): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const name of Object.keys(previous)) {
      if (name in next && isDeepStrictEqual(previous[name], next[name])) continue;
      const pool = this.pools.get(name);
      this.pools.delete(name);
      if (pool !== undefined) closing.push(pool.close());
    }
    for (const [name, config] of Object.entries(next)) if (!this.pools.has(name)) this.create(name, config);
    await Promise.allSettled(closing);
  }

  private create(name: string, config: FunctionConfig): void {
    if (config.remote !== undefined) {
      const credentials =
        process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
          ? {
              accessKeyId: process.env.AWS_ACCESS_KEY_ID,
              secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
              sessionToken: process.env.AWS_SESSION_TOKEN,
            }
          : (this.options.credentials ?? { accessKeyId: "test", secretAccessKey: "test" });
      this.pools.set(
        name,
        new RemoteFunction({
          endpoint: config.remote.endpoint,
          region: config.remote.region ?? this.options.region,
          functionName: config.remote.functionName ?? name,
          timeoutMs: (config.timeout ?? 3) * 1000,
          credentials,
        }),
      );
      return;
    }
    const resolved = resolveHandler(config.handler ?? "");
    if (resolved === undefined)
      throw new Error(
        `functions.${name}.handler: no module for ${config.handler} (tried ${EXTENSIONS.join(", ")})`,
      );
    const arn = `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
    // An edit to the handler or to any module it loaded makes the next invocation load afresh (a
    // new worker, whose module cache is empty); the modules that load reports are watched in turn.
    const changed = (files: readonly string[]) => {
      this.log.info({ function: name, files }, "function source changed: reloading");
      pool.reload();
    };
    const pool = new FunctionPool(
      {
        name,
        file: resolved.file,
        exportName: resolved.exportName,
        timeoutMs: (config.timeout ?? 3) * 1000,
        memoryMb: config.memorySize ?? 128,
        environment: config.environment ?? {},
        concurrency: config.reservedConcurrency ?? 4,
        identity: {
          functionName: name,
          functionVersion: "$LATEST",
          invokedFunctionArn: arn,
          memoryLimitInMB: String(config.memorySize ?? 128),
          logGroupName: `/aws/lambda/${name}`,
          logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]portico`,
        },
      },
      this.log,
      this.sources === undefined
        ? {}
        : {
            onModules: (files) => {
              for (const file of files) this.sources!.add(file, changed);
            },
          },
    );
    this.pools.set(name, pool);
    this.sources?.add(resolved.file, changed);
  }

  get(name: string): FunctionInvoker | undefined {
    return this.pools.get(name);
  }

  async close(): Promise<void> {
    this.sources?.close();
    await Promise.allSettled([...this.pools.values()].map((p) => p.close()));
  }
}
