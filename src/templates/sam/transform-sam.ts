import type { TemplateNotice } from "../template-plan.ts";
import { translateRestApi } from "./api.ts";
import { SamContext } from "./context.ts";
import { translateFunction } from "./function.ts";
import { parseGlobals, withGlobals } from "./globals.ts";
import { translateHttpApi } from "./http-api.ts";
import { loadDefinitions, registerApis } from "./implicit-api.ts";
import { UsagePlans } from "./usage-plan.ts";
import { cloneTemplate, isMap, type Json } from "./values.ts";

/**
 * SAM's transform (AWS::Serverless-2016-10-31) for what API Gateway serves, as AWS's SAM
 * translator does it: functions, their Api and HttpApi events, the implicit ServerlessRestApi and
 * ServerlessHttpApi, AWS::Serverless::Api and ::HttpApi with Cors, Auth and usage plans, Globals.
 * The output is plain CloudFormation with intrinsics still in long form, for the resolver; the
 * input is never changed.
 */
const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";
const NOT_CREATED = new Set([
  "AWS::Serverless::SimpleTable",
  "AWS::Serverless::StateMachine",
  "AWS::Serverless::LayerVersion",
  "AWS::Serverless::Application",
  "AWS::Serverless::Connector",
  "AWS::Serverless::GraphQLApi",
  "AWS::Serverless::WebSocketApi",
  "AWS::Serverless::CapacityProvider",
]);

/** The template names SAM's transform (alone or in a list of transforms). */
export function isSamTemplate(template: Record<string, unknown>): boolean {
  const transform = Object.hasOwn(template, "Transform") ? template.Transform : undefined;
  if (transform === SAM_TRANSFORM) return true;
  return Array.isArray(transform) && transform.includes(SAM_TRANSFORM);
}

export function transformSam(
  template: Record<string, unknown>,
  options: { file: string; baseDir: string },
): { template: Record<string, unknown>; notices: TemplateNotice[] } {
  const input = cloneTemplate(template, "") as Json;
  const ctx: SamContext = new SamContext(
    options.file,
    options.baseDir,
    isMap(input.Conditions) ? input.Conditions : {},
  );
  const resources = input.Resources;
  if (!isMap(resources)) ctx.fail("Resources", "a SAM template needs a Resources mapping");
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isMap(resource)) ctx.fail(`Resources.${logicalId}`, "a resource is a mapping with a Type");
    if (typeof resource.Type !== "string") ctx.fail(`Resources.${logicalId}.Type`, "a resource needs a Type");
    if (resource.Properties !== undefined && !isMap(resource.Properties))
      ctx.fail(`Resources.${logicalId}.Properties`, "Properties must be a mapping");
    ctx.types.set(logicalId, resource.Type);
  }
  const globals = parseGlobals(ctx, input.Globals);
  const propsOf = new Map<string, Json>();
  for (const [logicalId, resource] of Object.entries(resources) as [string, Json][]) {
    const kind = (resource.Type as string).replace(/^AWS::Serverless::/, "");
    if (kind === resource.Type) continue;
    const props = (resource.Properties ?? {}) as Json;
    propsOf.set(logicalId, withGlobals(ctx, globals, kind, logicalId, resource, props));
  }
  registerApis(ctx, globals, resources, propsOf);
  loadDefinitions(ctx);

  // Functions first: their events write into the APIs' definitions, which the APIs then finish.
  for (const [logicalId, resource] of Object.entries(resources) as [string, Json][]) {
    const type = resource.Type as string;
    if (type === "AWS::Serverless::Function")
      translateFunction(ctx, logicalId, resource, propsOf.get(logicalId)!);
    else if (NOT_CREATED.has(type))
      ctx.notice(
        logicalId,
        `Resources.${logicalId}.Type`,
        `${type} is not created: Portico serves APIs and functions`,
      );
    else if (!type.startsWith("AWS::Serverless::")) ctx.add(logicalId, resource);
    else if (type !== "AWS::Serverless::Api" && type !== "AWS::Serverless::HttpApi")
      ctx.fail(`Resources.${logicalId}.Type`, `${type} is not a SAM resource type`);
  }
  const plans = new UsagePlans();
  for (const api of ctx.apis.values()) {
    if (api.kind === "Api") translateRestApi(ctx, api, plans);
    else translateHttpApi(ctx, api);
  }

  const output: Json = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "Transform" || key === "Globals") continue;
    output[key] = key === "Resources" ? ordered(resources, ctx.resources) : value;
  }
  if (Array.isArray(input.Transform)) {
    const rest = input.Transform.filter((t) => t !== SAM_TRANSFORM);
    if (rest.length > 0) output.Transform = rest;
  }
  return { template: output, notices: ctx.notices };
}

/** The output's resources in the template's order, each SAM resource followed by what it made. */
function ordered(input: Json, made: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(input)) if (Object.hasOwn(made, key)) out[key] = made[key];
  for (const [key, value] of Object.entries(made)) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}
