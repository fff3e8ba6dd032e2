import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  isMapping,
  lambdaLogicalId,
  type Mapping,
  optionalMapping,
  optionalNumber,
  optionalString,
  type Place,
  type ReadContext,
  requiredString,
} from "./shape.ts";

/** The framework's defaults when neither the function nor the provider says (compile/functions.js). */
const DEFAULT_TIMEOUT_SECONDS = 6;
const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_RUNTIME = "nodejs20.x";
const HANDLER_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts"];

/** Environment variables: strings as Lambda takes them; intrinsics kept for the resolver. */
function environment(value: unknown, at: Place): Mapping {
  const map = optionalMapping(value, at) ?? {};
  const out: Mapping = {};
  for (const [name, v] of Object.entries(map)) {
    if (v === undefined || v === null) continue;
    if (isMapping(v)) out[name] = v;
    else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[name] = String(v);
    else throw at.key(name).error("must be a string");
  }
  return out;
}

function handlerOf(fn: Mapping, at: Place): string {
  if (fn.image !== undefined && fn.handler === undefined)
    throw at.key("image").error("container image functions are not run by Portico; give a Node.js handler");
  const handler = requiredString(fn.handler, at.key("handler"));
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || dot === handler.length - 1 || handler.slice(dot).includes("/"))
    throw at
      .key("handler")
      .error(
        `${handler} is not file.export (src/handler.hello: the file src/handler.js or .ts, export hello)`,
      );
  return handler;
}

function runtimeOf(ctx: ReadContext, fn: Mapping, at: Place): string {
  const own = optionalString(fn.runtime, at.key("runtime"));
  const runtime = own ?? optionalString(ctx.provider.runtime, ctx.root.key("provider").key("runtime"));
  const where = own !== undefined ? at.key("runtime") : at;
  if (runtime !== undefined && !runtime.startsWith("nodejs"))
    throw where.error(`runtime ${runtime}: Portico runs Node.js functions only (nodejs20.x, nodejs22.x, …)`);
  return runtime ?? DEFAULT_RUNTIME;
}

/**
 * Each entry of `functions` as the AWS::Lambda::Function the framework would deploy: named
 * `{service}-{stage}-{name}` (or its `name`), its code the service's folder (a local path, which
 * Portico's CloudFormation reader runs in place), the provider's environment under its own.
 */
export function compileFunctions(ctx: ReadContext): void {
  const provider = ctx.provider;
  const providerAt = ctx.root.key("provider");
  const providerEnv = environment(provider.environment, providerAt.key("environment"));
  const timeout = optionalNumber(provider.timeout, providerAt.key("timeout"));
  const memory = optionalNumber(provider.memorySize, providerAt.key("memorySize"));
  for (const [name, raw] of Object.entries(ctx.functions)) {
    const at = ctx.root.key("functions").key(name);
    if (!isMapping(raw)) throw at.error("must be a mapping with a handler");
    const logicalId = lambdaLogicalId(name);
    const handler = handlerOf(raw, at);
    const file = handler.slice(0, handler.lastIndexOf("."));
    if (!HANDLER_EXTENSIONS.some((ext) => existsSync(resolve(ctx.baseDir, file + ext))))
      ctx.notices.push(
        at
          .key("handler")
          .notice(
            logicalId,
            `no ${file}.js, .mjs, .cjs or .ts in ${ctx.baseDir} yet; build it before calling`,
          ),
      );
    const env = { ...providerEnv, ...environment(raw.environment, at.key("environment")) };
    const properties: Mapping = {
      FunctionName: optionalString(raw.name, at.key("name")) ?? `${ctx.service}-${ctx.stage}-${name}`,
      Code: resolve(ctx.baseDir),
      Handler: handler,
      Runtime: runtimeOf(ctx, raw, at),
      Timeout: optionalNumber(raw.timeout, at.key("timeout")) ?? timeout ?? DEFAULT_TIMEOUT_SECONDS,
      MemorySize: optionalNumber(raw.memorySize, at.key("memorySize")) ?? memory ?? DEFAULT_MEMORY_MB,
    };
    const description = optionalString(raw.description, at.key("description"));
    if (description !== undefined) properties.Description = description;
    if (Object.keys(env).length > 0) properties.Environment = { Variables: env };
    const reserved = optionalNumber(raw.reservedConcurrency, at.key("reservedConcurrency"));
    if (reserved !== undefined) properties.ReservedConcurrentExecutions = reserved;
    for (const key of ["layers", "vpc", "provisionedConcurrency", "destinations", "url"]) {
      if (raw[key] !== undefined)
        ctx.notices.push(
          at.key(key).notice(logicalId, `functions' ${key} are not modelled by Portico; ignored`),
        );
    }
    ctx.resources[logicalId] = { Type: "AWS::Lambda::Function", Properties: properties };
  }
}
