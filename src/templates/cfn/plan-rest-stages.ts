import type { PlannedStage } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { partsOf } from "./plan-rest-parts.ts";
import { bool, defined, isRecord, list, num, str, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

/** MethodSetting fields, CloudFormation's name → the stage's. */
const SETTINGS: Record<string, [string, "bool" | "num" | "str"]> = {
  CachingEnabled: ["cachingEnabled", "bool"],
  CacheTtlInSeconds: ["cacheTtlInSeconds", "num"],
  CacheDataEncrypted: ["cacheDataEncrypted", "bool"],
  ThrottlingBurstLimit: ["throttlingBurstLimit", "num"],
  ThrottlingRateLimit: ["throttlingRateLimit", "num"],
  MetricsEnabled: ["metricsEnabled", "bool"],
  LoggingLevel: ["loggingLevel", "str"],
  DataTraceEnabled: ["dataTraceEnabled", "bool"],
};

const READ = { bool, num, str };

/** The settings CloudFormation names in `from`, in the stage's field names. */
function settingsOf(from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, [to, kind]] of Object.entries(SETTINGS)) {
    const value = READ[kind](from[key]);
    if (value !== undefined) out[to] = value;
  }
  return out;
}

/**
 * A MethodSetting's key as the stage keys it: `~1pets~1{id}/GET`; CloudFormation takes ResourcePath
 * plain (`/pets/{id}`) or already escaped (`/~1pets~1{id}`), and `/*` with `*` for every method.
 */
export function methodSettingKey(resourcePath: string, httpMethod: string): string {
  if (resourcePath === "/*" && httpMethod === "*") return "*/*";
  const rest = resourcePath.replace(/^\//, "");
  const escaped = rest.includes("~1") ? rest : rest.replaceAll("/", "~1");
  return `~1${escaped.replace(/^~1/, "")}/${httpMethod.toUpperCase()}`;
}

function methodSettings(
  ctx: PlanContext,
  r: ResolvedResource,
  where: string,
  v: unknown,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  list(v).forEach((raw, i) => {
    if (!isRecord(raw)) return;
    for (const key of Object.keys(raw))
      if (!(key in SETTINGS) && key !== "ResourcePath" && key !== "HttpMethod")
        ctx.notice(r, `${where}.${i}.${key}`, `MethodSetting ${key} is not carried over by Portico`);
    const key = methodSettingKey(str(raw.ResourcePath) ?? "/*", str(raw.HttpMethod) ?? "*");
    out[key] = { ...out[key], ...settingsOf(raw) };
  });
  return out;
}

function accessLog(ctx: PlanContext, r: ResolvedResource, where: string, v: unknown) {
  if (!isRecord(v)) return undefined;
  const destinationArn = str(v.DestinationArn);
  const format = str(v.Format);
  if (destinationArn !== undefined && format !== undefined) return { destinationArn, format };
  ctx.notice(r, where, "an access log needs both DestinationArn and Format; the stage logs no access");
  return undefined;
}

/** The stage fields a Stage and a Deployment's StageDescription share. */
function stageFrom(
  ctx: PlanContext,
  r: ResolvedResource,
  where: string,
  name: string,
  p: Record<string, unknown>,
): PlannedStage {
  const stage: PlannedStage = { name };
  const variables = strMap(p.Variables);
  if (variables !== undefined) stage.variables = variables;
  Object.assign(
    stage,
    defined({
      description: str(p.Description),
      cacheClusterEnabled: bool(p.CacheClusterEnabled),
      cacheClusterSize: str(p.CacheClusterSize),
      tracingEnabled: bool(p.TracingEnabled),
      accessLog: accessLog(ctx, r, `${where}AccessLogSetting`, p.AccessLogSetting),
    }),
  );
  const settings = methodSettings(ctx, r, `${where}MethodSettings`, p.MethodSettings);
  // A StageDescription's own caching, throttling and logging fields are the stage's `*/*` settings.
  const all = settingsOf(p);
  if (Object.keys(all).length > 0) settings["*/*"] = { ...all, ...settings["*/*"] };
  if (Object.keys(settings).length > 0) stage.methodSettings = settings;
  return stage;
}

const STAGE_FIELDS = [
  "Variables",
  "CacheClusterEnabled",
  "CacheClusterSize",
  "TracingEnabled",
  "AccessLogSetting",
  "MethodSettings",
];

/**
 * The REST API's stages: each AWS::ApiGateway::Stage, and the stage a Deployment's StageName
 * creates (SAM's `Stage` stage beside `Prod` is one of these), with its StageDescription.
 */
export function restStages(ctx: PlanContext, api: ResolvedResource): PlannedStage[] {
  const stages: PlannedStage[] = [];
  const add = (r: ResolvedResource, where: string, stage: PlannedStage) => {
    if (stages.some((s) => s.name === stage.name))
      throw ctx.error(r, where, `the API has two stages named ${stage.name}`);
    stages.push(stage);
  };
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::Deployment")) {
    checkProperties(ctx, r, ["RestApiId", "StageName", "StageDescription"]);
    const name = str(r.properties.StageName);
    const description = r.properties.StageDescription;
    if (name === undefined) {
      if (description !== undefined)
        ctx.notice(
          r,
          "Properties.StageDescription",
          "a StageDescription without StageName describes no stage",
        );
      continue;
    }
    const d = isRecord(description) ? description : {};
    for (const key of Object.keys(d))
      if (!STAGE_FIELDS.includes(key) && !(key in SETTINGS) && key !== "Description" && key !== "Tags")
        ctx.notice(
          r,
          `Properties.StageDescription.${key}`,
          `StageDescription ${key} is not carried over by Portico`,
        );
    add(r, "Properties.StageName", stageFrom(ctx, r, "Properties.StageDescription.", name, d));
  }
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::Stage")) {
    checkProperties(
      ctx,
      r,
      ["RestApiId", "StageName", "DeploymentId", ...STAGE_FIELDS],
      ["DocumentationVersion"],
    );
    if (r.properties.DeploymentId !== undefined) {
      const deployment = ctx.target(r, "DeploymentId", "AWS::ApiGateway::Deployment");
      if (ctx.target(deployment, "RestApiId", "AWS::ApiGateway::RestApi") !== api)
        throw ctx.error(r, "Properties.DeploymentId", "names a deployment of another API");
    }
    const name = str(r.properties.StageName);
    if (name === undefined) throw ctx.error(r, "Properties.StageName", "a stage needs its StageName");
    add(r, "Properties.StageName", stageFrom(ctx, r, "Properties.", name, r.properties));
  }
  return stages;
}
