import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { TemplateNotice } from "../template-plan.ts";
import { readEvents } from "./events.ts";
import { compileFunctions } from "./functions.ts";
import { compileHttpApi } from "./http-api-events.ts";
import { mergeResources, pluginNotices } from "./resources.ts";
import { compileRestApi } from "./rest-api.ts";
import {
  isMapping,
  type Mapping,
  optionalMapping,
  optionalString,
  Place,
  type ReadContext,
} from "./shape.ts";
import { type VariableInputs, VariableResolver } from "./variables.ts";
import { compileWebSockets } from "./websocket-events.ts";

export interface ServerlessOptions {
  /** The file's name as the user gave it: refusals start with it (`serverless.yml: functions.hello…`). */
  file: string;
  /** The service's folder: handlers, `file(...)` variables and `.env` files are relative to it. */
  baseDir: string;
  /** `--stage` / `--region`: win over `provider.stage` / `provider.region` (defaults `dev`, `us-east-1`). */
  stage?: string;
  region?: string;
  env: NodeJS.ProcessEnv;
  /** Command-line options: `${opt:name}` reads `name`, `${param:name}` reads `param:name`. */
  options?: Record<string, string>;
}

export interface ServerlessTemplate {
  template: Record<string, unknown>;
  stage: string;
  stackName: string;
  notices: TemplateNotice[];
}

/** Top-level keys that shape how the framework runs, not what it deploys: nothing to carry over. */
const QUIET_TOP_LEVEL = new Set([
  "service",
  "provider",
  "functions",
  "resources",
  "plugins",
  "custom",
  "package",
  "params",
  "frameworkVersion",
  "useDotenv",
  "configValidationMode",
  "variablesResolutionMode",
  "deprecationNotificationMode",
  "disabledDeprecations",
  "unresolvedVariablesNotificationMode",
  "org",
  "app",
  "console",
  "dashboard",
  "stages",
  "build",
  "license",
]);

/** Provider settings Portico has no counterpart for and says so; the rest (iam, tags, …) are deployment-only. */
const NOTICED_PROVIDER_KEYS = ["logs", "tracing", "vpc", "layers", "alb", "eventBridge", "kmsKeyArn"];

/** serverless.yml (or .yaml/.json) by name, or a file with `service` and `provider.name: aws`. */
export function isServerlessConfig(file: string, parsed: Record<string, unknown>): boolean {
  if (/^serverless\.(ya?ml|json)$/i.test(basename(file))) return true;
  return parsed.service !== undefined && isMapping(parsed.provider) && parsed.provider.name === "aws";
}

/** `.env.{stage}`, else `.env`, beside serverless.yml: the variables never override the real environment. */
function dotenv(baseDir: string, stage: string): Record<string, string> {
  for (const name of [`.env.${stage}`, ".env"]) {
    const path = join(baseDir, name);
    if (existsSync(path)) return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  }
  return {};
}

function serviceName(value: unknown, at: Place): string {
  const name = isMapping(value) ? value.name : value;
  const text = optionalString(name, at);
  if (text === undefined || text === "") throw at.error("is required: the service's name");
  if (!/^[A-Za-z][\w-]*$/.test(text)) throw at.error(`${text}: a service name is letters, digits, - and _`);
  return text;
}

/**
 * A Serverless Framework (v3/v4) service as the CloudFormation template the framework would deploy,
 * as far as Portico runs it: variables resolved, functions, the REST API of `http` events, the HTTP
 * API of `httpApi` events, the WebSocket API of `websocket` events, API keys and usage plans, and
 * the service's own `resources`. Intrinsics stay in their long form for the resolver; what cannot be
 * carried over is named in the notices; what cannot run is refused naming the key.
 */
export function serverlessToCloudFormation(
  parsed: Record<string, unknown>,
  options: ServerlessOptions,
): ServerlessTemplate {
  const root = new Place(options.file, "");
  const baseDir = resolve(options.baseDir);
  const notices: TemplateNotice[] = [];
  const inputs: VariableInputs = {
    file: options.file,
    baseDir,
    env: options.env,
    options: options.options ?? {},
    onFallback: (at, message) => notices.push(at.notice("", message)),
  };
  if (options.stage !== undefined) inputs.stage = options.stage;
  if (options.region !== undefined) inputs.region = options.region;
  const first = new VariableResolver(parsed, inputs);
  const stage = first.stage();
  const region = first.region();
  const loadsDotenv =
    parsed.useDotenv === true ||
    String(parsed.frameworkVersion ?? "")
      .replace(/^[^\d]*/, "")
      .startsWith("4");
  const env = loadsDotenv ? { ...dotenv(baseDir, stage), ...options.env } : options.env;
  const config = new VariableResolver(parsed, { ...inputs, env, stage, region }).all();

  const service = serviceName(config.service, root.key("service"));
  const providerAt = root.key("provider");
  const provider = optionalMapping(config.provider, providerAt);
  if (provider === undefined)
    throw providerAt.error("is required (provider: { name: aws, runtime: nodejs20.x })");
  if (provider.name !== "aws")
    throw providerAt
      .key("name")
      .error(`${String(provider.name)}: Portico runs AWS services only (name: aws)`);
  const functions = optionalMapping(config.functions, root.key("functions")) ?? {};
  const template: Mapping = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "The AWS CloudFormation template for this Serverless application",
    Resources: {},
  };
  const ctx: ReadContext = {
    service,
    stage,
    region,
    baseDir,
    root,
    provider,
    functions,
    notices,
    resources: template.Resources as Mapping,
  };
  compileFunctions(ctx);
  const events = readEvents(ctx);
  compileRestApi(ctx, events.rest);
  compileHttpApi(ctx, events.httpApi);
  compileWebSockets(ctx, events.websocket);
  if (config.resources !== undefined) mergeResources(ctx, template, config.resources, root.key("resources"));
  if (config.plugins !== undefined) pluginNotices(ctx, config.plugins, root.key("plugins"));
  for (const key of NOTICED_PROVIDER_KEYS) {
    if (provider[key] !== undefined)
      notices.push(
        providerAt.key(key).notice("provider", `provider.${key} is not modelled by Portico; ignored`),
      );
  }
  if (config.layers !== undefined)
    notices.push(root.key("layers").notice("layers", "layers are not loaded by Portico"));
  for (const key of Object.keys(config)) {
    if (!QUIET_TOP_LEVEL.has(key) && key !== "layers")
      notices.push(
        root.key(key).notice(key, `${key} is not a serverless.yml section Portico reads; ignored`),
      );
  }
  const stackName = optionalString(provider.stackName, providerAt.key("stackName")) ?? `${service}-${stage}`;
  return { template, stage, stackName, notices };
}
