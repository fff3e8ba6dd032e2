import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { FunctionConfig } from "../../config/schema.ts";
import { resolveHandler } from "../../functions/function-registry.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { isRecord, num, str, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const HANDLED = [
  "Code",
  "Handler",
  "Runtime",
  "FunctionName",
  "Environment",
  "Timeout",
  "MemorySize",
  "ReservedConcurrentExecutions",
  "PackageType",
];
/** They grant, trace, log or place the function; none changes what its handler is given or returns. */
const INERT = [
  "Role",
  "Architectures",
  "VpcConfig",
  "KmsKeyArn",
  "TracingConfig",
  "LoggingConfig",
  "DeadLetterConfig",
  "EphemeralStorage",
  "SnapStart",
  "RuntimeManagementConfig",
  "CodeSigningConfigArn",
];

const EXTENSIONS = ".{js,mjs,cjs,ts}";

/**
 * Where the function's code is on this machine: `Code` given as a local path (as
 * `aws cloudformation package` and `sam build` read it before packaging), or CDK's asset metadata
 * (`aws:asset:path` beside `aws:asset:property: Code`, relative to cdk.out). S3 and inline code are
 * refused: Portico runs local files.
 */
function codeDir(ctx: PlanContext, r: ResolvedResource): string {
  const { baseDir } = ctx.options;
  const code = r.properties.Code;
  const asset = r.metadata?.["aws:asset:path"];
  const assetProperty = r.metadata?.["aws:asset:property"];
  let dir: string;
  if (typeof asset === "string" && (assetProperty === undefined || assetProperty === "Code")) {
    dir = resolve(baseDir, asset);
  } else if (typeof code === "string") {
    dir = resolve(baseDir, code);
  } else if (isRecord(code) && code.ZipFile !== undefined) {
    throw ctx.error(
      r,
      "Properties.Code.ZipFile",
      `function ${r.logicalId} has inline source (Code.ZipFile); Portico runs local code: put it in a file and give Code as its folder`,
    );
  } else if (isRecord(code) && code.ImageUri !== undefined) {
    throw ctx.error(
      r,
      "Properties.Code.ImageUri",
      `function ${r.logicalId} is a container image; Portico runs local Node.js code: give Code as the handler's folder`,
    );
  } else if (isRecord(code) && (code.S3Bucket !== undefined || code.S3Key !== undefined)) {
    throw ctx.error(
      r,
      "Properties.Code",
      `function ${r.logicalId}: Code names S3 (s3://${str(code.S3Bucket) ?? "?"}/${str(code.S3Key) ?? "?"}); Portico runs local code: give Code as the folder of the handler (before \`aws cloudformation package\`), or run the template \`cdk synth\` wrote with its assets`,
    );
  } else {
    throw ctx.error(r, "Properties.Code", `function ${r.logicalId} has no Code Portico can read`);
  }
  if (!existsSync(dir))
    throw ctx.error(r, "Properties.Code", `function ${r.logicalId}: its code folder ${dir} does not exist`);
  if (statSync(dir).isFile()) {
    if (dir.endsWith(".zip") || dir.endsWith(".jar"))
      throw ctx.error(
        r,
        "Properties.Code",
        `function ${r.logicalId}: ${dir} is an archive; Portico runs unpacked code: give Code as the folder it was made from`,
      );
    dir = dirname(dir);
  }
  return dir;
}

/** An optional whole number within AWS's and Portico's bounds; outside them a notice, and the default. */
function bounded(
  ctx: PlanContext,
  r: ResolvedResource,
  property: string,
  min: number,
  max: number,
): number | undefined {
  const raw = r.properties[property];
  if (raw === undefined) return undefined;
  const n = num(raw);
  if (n !== undefined && Number.isInteger(n) && n >= min && n <= max) return n;
  ctx.notice(
    r,
    `Properties.${property}`,
    `${property} ${JSON.stringify(raw)} is outside what Portico runs (${min}–${max}); its default is used`,
  );
  return undefined;
}

/** AWS::Lambda::Function → the config file's function, keyed by the name its ARN carries. */
export function planFunction(ctx: PlanContext, r: ResolvedResource): [string, FunctionConfig] {
  checkProperties(ctx, r, HANDLED, INERT);
  const runtime = str(r.properties.Runtime);
  if (r.properties.PackageType === "Image")
    throw ctx.error(
      r,
      "Properties.PackageType",
      `function ${r.logicalId} is a container image; Portico runs Node.js functions from local files`,
    );
  if (runtime !== undefined && !runtime.startsWith("nodejs"))
    throw ctx.error(
      r,
      "Properties.Runtime",
      `function ${r.logicalId} runs ${runtime}; Portico runs Node.js functions (nodejs*) only`,
    );
  const handler = str(r.properties.Handler);
  if (handler === undefined || !/^[^\s]+\.[A-Za-z_$][\w$]*$/.test(handler))
    throw ctx.error(
      r,
      "Properties.Handler",
      `function ${r.logicalId} needs a Handler written file.export (index.handler)`,
    );
  const dir = codeDir(ctx, r);
  const path = join(dir, handler);
  if (resolveHandler(path) === undefined) {
    const base = path.slice(0, path.lastIndexOf("."));
    throw ctx.error(
      r,
      "Properties.Handler",
      `function ${r.logicalId}: no handler file ${base}${EXTENSIONS} for Handler ${handler}`,
    );
  }
  const config: FunctionConfig = { handler: path };
  if (runtime !== undefined) config.runtime = runtime;
  const env = r.properties.Environment;
  if (env !== undefined) {
    const variables = isRecord(env) ? strMap(env.Variables) : undefined;
    if (variables !== undefined && Object.keys(variables).length > 0) config.environment = variables;
    if (isRecord(env))
      for (const key of Object.keys(env))
        if (key !== "Variables")
          ctx.notice(r, `Properties.Environment.${key}`, `Environment.${key} is not carried over by Portico`);
  }
  // CloudFormation's Timeout is in seconds, as the config file's.
  const timeout = bounded(ctx, r, "Timeout", 1, 900);
  if (timeout !== undefined) config.timeout = timeout;
  const memory = bounded(ctx, r, "MemorySize", 128, 10240);
  if (memory !== undefined) config.memorySize = memory;
  const reserved = bounded(ctx, r, "ReservedConcurrentExecutions", 1, 1000);
  if (reserved !== undefined) config.reservedConcurrency = reserved;
  return [ctx.ref(r), config];
}
