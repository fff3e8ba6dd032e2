import { isDeepStrictEqual } from "node:util";
import type { DeclaredDomain } from "../config/domain-schema.ts";
import type { DeclaredApi } from "../config/schema.ts";
import type { ApiKey, UsagePlan } from "../model/account.ts";
import type { MethodSetting, Stage } from "../model/rest-api.ts";
import type { PlannedDocumentApi, PlannedStage, TemplatePlan } from "../templates/template-plan.ts";
import { newApiKey } from "./api-keys.ts";
import type { ControlPlane } from "./control-plane.ts";
import { declaredApiId } from "./declared-apis.ts";
import { stableId } from "./declared-websocket.ts";
import { badRequest, ControlError } from "./errors.ts";
import type { PatchOperation } from "./patch-operations.ts";
import { patchStage } from "./stage-patch.ts";
import { newUsagePlan } from "./usage-plans.ts";

/** A template's plan with where it comes from (the template's path, or the config entry naming it). */
export interface DeclaredTemplate {
  plan: TemplatePlan;
  /** The template file: the APIs' source in refusals and deployment descriptions. */
  file: string;
  /** The source it was read from (a cdk.out folder holds several stacks' files). */
  source: string;
  where: string;
}

/** `swagger: 2.0` read by YAML as the number 2, written back as the "2.0" its author wrote. */
const versionAsWritten = (v: unknown): unknown =>
  typeof v === "number" ? (Number.isInteger(v) ? v.toFixed(1) : String(v)) : v;

/**
 * The document as ImportRestApi / ImportApi take it. A template is parsed before anything knows its
 * Body is OpenAPI, so an unquoted version (`swagger: 2.0` in AWS's own SAM examples) is a number by
 * then, and JSON would say 2; AWS reads the version as written, and so the text says "2.0" again.
 */
export function templateDocumentText(document: Record<string, unknown>): string {
  const out = { ...document };
  for (const key of ["swagger", "openapi"]) if (key in out) out[key] = versionAsWritten(out[key]);
  return JSON.stringify(out);
}

/**
 * A template's APIs as the config file's declarations: one per API and stage (a document API with
 * no stage is imported and left undeployed, as CloudFormation leaves a RestApi with no Deployment).
 */
export function templateApis(t: DeclaredTemplate): DeclaredApi[] {
  return t.plan.apis.flatMap((api): DeclaredApi[] => {
    const declaredAt = `${t.where}: Resources.${api.logicalId}`;
    if (api.type === "WEBSOCKET") return [{ ...api.config, declaredAt }];
    const base = {
      type: api.type,
      openapi: `${t.file} (${api.logicalId})`,
      documentText: templateDocumentText(api.document),
      id: api.id,
      declaredAt,
    };
    if (api.stages.length === 0) return [{ ...base, undeployed: true }];
    return api.stages.map((s) => ({ ...base, stage: s.name, variables: s.variables ?? {} }));
  });
}

/** A template's custom domain names as the config file's `domains:` entries, their APIs by id. */
export function templateDomains(t: DeclaredTemplate): DeclaredDomain[] {
  return (t.plan.domains ?? []).map((d) => {
    const where = `${t.where}: Resources.${d.logicalId}`;
    return {
      name: d.name,
      ...(d.endpointType === undefined ? {} : { endpointType: d.endpointType }),
      ...(d.securityPolicy === undefined ? {} : { securityPolicy: d.securityPolicy }),
      ...(d.certificateArn === undefined ? {} : { certificateArn: d.certificateArn }),
      ...(d.tags === undefined ? {} : { tags: d.tags }),
      mappings: d.mappings.map((m) => ({
        api: stageOf(t.plan, m.apiLogicalId, m.stage ?? "", where).apiId,
        ...(m.basePath === undefined ? {} : { basePath: m.basePath }),
        ...(m.stage === undefined ? {} : { stage: m.stage }),
      })),
      declaredAt: where,
    };
  });
}

const METHOD_SETTING_PATHS: Record<keyof MethodSetting, string> = {
  metricsEnabled: "metrics/enabled",
  loggingLevel: "logging/loglevel",
  dataTraceEnabled: "logging/dataTrace",
  throttlingBurstLimit: "throttling/burstLimit",
  throttlingRateLimit: "throttling/rateLimit",
  cachingEnabled: "caching/enabled",
  cacheTtlInSeconds: "caching/ttlInSeconds",
  cacheDataEncrypted: "caching/dataEncrypted",
  requireAuthorizationForCacheControl: "caching/requireAuthorizationForCacheControl",
  unauthorizedCacheControlHeaderStrategy: "caching/unauthorizedCacheControlHeaderStrategy",
};

/** A planned REST stage's settings as UpdateStage's patch operations, so they meet its checks. */
function stageOperations(s: PlannedStage, where: string): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const replace = (path: string, value: unknown) => ops.push({ op: "replace", path, value: String(value) });
  if (s.description !== undefined) replace("/description", s.description);
  if (s.cacheClusterEnabled !== undefined) replace("/cacheClusterEnabled", s.cacheClusterEnabled);
  if (s.cacheClusterSize !== undefined) replace("/cacheClusterSize", s.cacheClusterSize);
  if (s.tracingEnabled !== undefined) replace("/tracingEnabled", s.tracingEnabled);
  if (s.accessLog !== undefined) {
    replace("/accessLogSettings/destinationArn", s.accessLog.destinationArn);
    replace("/accessLogSettings/format", s.accessLog.format);
  }
  for (const [key, settings] of Object.entries(s.methodSettings ?? {})) {
    for (const [field, value] of Object.entries(settings)) {
      const path = METHOD_SETTING_PATHS[field as keyof MethodSetting];
      if (path === undefined) throw badRequest(`${where}: method setting ${field} is not one of a stage's`);
      if (value !== undefined) replace(`/${key}/${path}`, value);
    }
  }
  return ops;
}

async function applyRestStage(
  control: ControlPlane,
  api: PlannedDocumentApi,
  s: PlannedStage,
  where: string,
): Promise<void> {
  const ops = stageOperations(s, where);
  if (ops.length === 0) return;
  await control.changeRestStage(api.id, s.name, (current) => {
    if (current === undefined) return undefined;
    const next: Stage = structuredClone(current);
    patchStage(next, ops);
    return isDeepStrictEqual(next, current) ? current : { ...next, lastUpdatedDate: Date.now() };
  });
}

/** The API id and stage a key or plan names by the planned API's logical id. */
function stageOf(plan: TemplatePlan, apiLogicalId: string, stage: string, where: string) {
  const api = plan.apis.find((a) => a.logicalId === apiLogicalId);
  if (api === undefined) throw badRequest(`${where}: no API ${apiLogicalId} in the template`);
  const apiId =
    api.type === "WEBSOCKET"
      ? (api.config.id ?? declaredApiId({ ...api.config, type: "WEBSOCKET" }))
      : api.id;
  return { apiId, stage };
}

/**
 * The stage settings, API keys and usage plans of each template, after its APIs are deployed. Ids
 * derive from the template and logical id, so a restart updates what the last start created; a
 * key's generated value is kept across restarts.
 */
export async function applyTemplateSettings(control: ControlPlane, t: DeclaredTemplate): Promise<void> {
  const at = (logicalId: string) => `${t.where}: Resources.${logicalId}`;
  try {
    for (const api of t.plan.apis) {
      if (api.type !== "REST") continue;
      for (const s of api.stages) await applyRestStage(control, api, s, at(api.logicalId));
    }
    const keyIds = new Map<string, string>();
    for (const k of t.plan.apiKeys) {
      const id = stableId(`apikey\0${t.file}\0${k.logicalId}`, 10);
      keyIds.set(k.logicalId, id);
      const stageKeys = k.stageKeys.map((sk) => {
        const s = stageOf(t.plan, sk.apiLogicalId, sk.stage, at(k.logicalId));
        return { restApiId: s.apiId, stageName: s.stage };
      });
      await control.changeDocument<ApiKey>("apikeys", id, (current) => {
        const built = newApiKey({
          value: k.value ?? current?.value,
          name: k.name ?? k.logicalId,
          description: k.description,
          enabled: k.enabled,
          stageKeys,
        });
        const next: ApiKey = {
          ...built,
          id,
          createdDate: current?.createdDate ?? built.createdDate,
          lastUpdatedDate: current?.lastUpdatedDate ?? built.lastUpdatedDate,
        };
        const same =
          current !== undefined &&
          isDeepStrictEqual({ ...next, lastUpdatedDate: 0 }, { ...current, lastUpdatedDate: 0 });
        return same ? current : { ...next, lastUpdatedDate: Date.now() };
      });
    }
    for (const p of t.plan.usagePlans) {
      const id = stableId(`usageplan\0${t.file}\0${p.logicalId}`, 6);
      const built = newUsagePlan({
        name: p.name,
        description: p.description,
        apiStages: p.apiStages.map((s) => ({
          ...stageOf(t.plan, s.apiLogicalId, s.stage, at(p.logicalId)),
          ...(s.throttle === undefined ? {} : { throttle: s.throttle }),
        })),
        throttle: p.throttle,
        quota: p.quota,
      });
      const keys = p.apiKeyLogicalIds.map((logicalId) => {
        const keyId = keyIds.get(logicalId);
        if (keyId === undefined)
          throw badRequest(`${at(p.logicalId)}: no API key ${logicalId} in the template`);
        return keyId;
      });
      const next: UsagePlan = { ...built, id, keyIds: keys };
      await control.changeDocument<UsagePlan>("usageplans", id, (current) =>
        current !== undefined && isDeepStrictEqual(current, next) ? current : next,
      );
    }
  } catch (err) {
    throw err instanceof ControlError && !err.message.startsWith(t.where)
      ? new ControlError(err.type, `${t.where}: ${err.message}`)
      : err;
  }
}
