import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { TemplateSource } from "../config/template-api-schema.ts";
import { expandNestedIncludes } from "./cfn/include.ts";
import { planFromCloudFormation } from "./cfn/plan-template.ts";
import { resolveTemplate } from "./cfn/resolve-template.ts";
import { isSamTemplate, transformSam } from "./sam/transform-sam.ts";
import { isServerlessConfig, serverlessToCloudFormation } from "./serverless/read-serverless.ts";
import { TemplateError, type TemplateNotice, type TemplatePlan } from "./template-plan.ts";
import { parseTemplateText } from "./template-text.ts";

export interface ReadContext {
  region: string;
  accountId: string;
  env: NodeJS.ProcessEnv;
}

/** One stack's plan, with the file it came from (a cdk.out folder holds one template per stack). */
export interface ReadTemplate {
  file: string;
  stackName: string;
  plan: TemplatePlan;
}

/** A stack name CloudFormation accepts, from a folder or file name. */
function stackNameFrom(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9-]/g, "-").replace(/^[^A-Za-z]+/, "");
  return (cleaned === "" ? "portico" : cleaned).slice(0, 128);
}

/** A `cdk synth` output folder's stacks, as its manifest.json lists them. */
function cdkStacks(dir: string): { file: string; stackName: string }[] {
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile))
    throw new TemplateError(
      dir,
      "a folder is read as `cdk synth` output (cdk.out), and this one has no manifest.json",
    );
  let manifest: {
    artifacts?: Record<string, { type?: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as typeof manifest;
  } catch (err) {
    throw new TemplateError(manifestFile, `not JSON: ${(err as Error).message}`);
  }
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(
      ([, a]) => a.type === "aws:cloudformation:stack" && typeof a.properties?.templateFile === "string",
    )
    .map(([id, a]) => ({
      file: join(dir, a.properties!.templateFile!),
      stackName: a.properties?.stackName ?? id,
    }));
  if (stacks.length === 0)
    throw new TemplateError(manifestFile, "lists no CloudFormation stack (aws:cloudformation:stack)");
  return stacks;
}

function readOne(
  file: string,
  stackName: string | undefined,
  source: TemplateSource,
  ctx: ReadContext,
): ReadTemplate {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new TemplateError(
      file,
      `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const baseDir = dirname(file);
  let template = parseTemplateText(text, file);
  const notices: TemplateNotice[] = [];
  let stack = stackName ?? source.stackName ?? stackNameFrom(basename(baseDir));
  const serverless = isServerlessConfig(file, template);
  if (serverless) {
    const converted = serverlessToCloudFormation(template, {
      file,
      baseDir,
      ...(source.stage === undefined ? {} : { stage: source.stage }),
      region: ctx.region,
      env: ctx.env,
      options: source.parameters ?? {},
    });
    template = converted.template;
    notices.push(...converted.notices);
    stack = source.stackName ?? converted.stackName;
  }
  if (isSamTemplate(template)) {
    template = expandNestedIncludes(template, file, baseDir, (from, path) =>
      notices.push({ logicalId: "", path, message: `the key __proto__ in ${from} is ignored` }),
    );
    const transformed = transformSam(template, { file, baseDir });
    template = transformed.template;
    notices.push(...transformed.notices);
  }
  const facts = { region: ctx.region, accountId: ctx.accountId, stackName: stack };
  const resolved = resolveTemplate(template, {
    file,
    baseDir,
    // serverless.yml takes its options as `${opt:…}`/`${param:…}`; its CloudFormation has no Parameters of them.
    parameterOverrides: serverless ? {} : (source.parameters ?? {}),
    ...facts,
  });
  const plan = planFromCloudFormation(resolved, { file, baseDir, ...facts });
  plan.warnings.unshift(...notices);
  return { file, stackName: stack, plan };
}

/**
 * A template source as the plans of its stacks: SAM and serverless.yml brought to CloudFormation,
 * intrinsics resolved, resources planned. Throws a TemplateError naming the place on anything that
 * cannot run; reads nothing else and changes nothing.
 */
export function readTemplateSource(source: TemplateSource, ctx: ReadContext): ReadTemplate[] {
  const path = source.template;
  if (existsSync(path) && statSync(path).isDirectory())
    return cdkStacks(path).map((s) => readOne(s.file, source.stackName ?? s.stackName, source, ctx));
  return [readOne(path, undefined, source, ctx)];
}
