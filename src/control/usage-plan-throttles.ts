import type { ThrottleSettings, UsagePlan, UsagePlanApiStage } from "../model/account.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { asInteger, asNumber, invalidPath, type PatchOperation, requireValue } from "./patch-operations.ts";

/**
 * A usage plan's throttles: the plan's own (`throttle`) and each API stage's per-method ones
 * (`apiStages[].throttle`, keyed `{resourcePath}/{httpMethod}`, e.g. `/pets/GET` and `//GET` for the
 * root), with AWS's UpdateUsagePlan paths for the latter (developer guide, "Manage a usage plan by
 * using the AWS CLI"):
 *
 *   replace /apiStages/{apiId}:{stage}/throttle/{resourcePath}/{httpMethod}/rateLimit   (and burstLimit)
 *   remove  /apiStages/{apiId}:{stage}/throttle/{resourcePath}/{httpMethod}
 *   remove  /apiStages/{apiId}:{stage}/throttle
 *   replace /apiStages/{apiId}:{stage}/throttle   value: the whole map as JSON
 *
 * The resource path may be written with its slashes (`throttle//pets/GET/…`, as Terraform sends it)
 * or escaped (`throttle/~1pets/GET/…`).
 */

const METHODS = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"]);

/** AWS's quota "Method-level throttling settings for a stage in a usage plan". */
export const METHOD_THROTTLES_PER_STAGE = 20;

/** A throttle as CreateUsagePlan takes it: a whole `burstLimit` ≥ 0 and a `rateLimit` ≥ 0. */
export function throttleSettings(value: unknown, where = "throttle"): ThrottleSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw badRequest(`Invalid ${where}: expected an object with burstLimit and rateLimit`);
  const t = value as { burstLimit?: unknown; rateLimit?: unknown };
  const out: ThrottleSettings = {};
  if (t.burstLimit !== undefined && t.burstLimit !== null) {
    if (!Number.isInteger(t.burstLimit) || (t.burstLimit as number) < 0)
      throw badRequest(`Invalid ${where} burstLimit: a whole number of at least 0`);
    out.burstLimit = t.burstLimit as number;
  }
  if (t.rateLimit !== undefined && t.rateLimit !== null) {
    if (typeof t.rateLimit !== "number" || !Number.isFinite(t.rateLimit) || t.rateLimit < 0)
      throw badRequest(`Invalid ${where} rateLimit: a number of at least 0`);
    out.rateLimit = t.rateLimit;
  }
  return out;
}

/** `/pets/GET`: a resource path (starting with `/`) and one of AWS's method names. */
function checkMethodKey(key: string): string {
  const slash = key.lastIndexOf("/");
  const resource = key.slice(0, slash);
  const method = key.slice(slash + 1);
  if (slash < 0 || !resource.startsWith("/") || !METHODS.has(method))
    throw badRequest(
      `Invalid method throttle key ${key}: expected {resourcePath}/{httpMethod}, e.g. /pets/GET (//GET for the root resource)`,
    );
  return key;
}

/** A stage's per-method throttle map, as CreateUsagePlan (or a whole-map patch) gives it. */
export function methodThrottles(value: unknown): Record<string, ThrottleSettings> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw badRequest("Invalid API stage throttle: expected a map of {resourcePath}/{httpMethod} to throttle");
  const out: Record<string, ThrottleSettings> = {};
  for (const [key, t] of Object.entries(value)) {
    const settings = throttleSettings(t, `throttle for ${key}`);
    if (settings === undefined) throw badRequest(`Invalid throttle for ${key}: expected an object`);
    out[checkMethodKey(key)] = settings;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The whole map as a patch value: JSON, or (as AWS's own example writes it) a JSON string of JSON. */
function mapValue(op: PatchOperation): Record<string, ThrottleSettings> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(requireValue(op));
    if (typeof parsed === "string") parsed = JSON.parse(parsed);
  } catch {
    throw badRequest(`Invalid throttle value for path ${op.path}: expected a JSON map`);
  }
  return methodThrottles(parsed);
}

function stageOf(plan: UsagePlan, stageId: string): UsagePlanApiStage {
  const found = plan.apiStages.find((s) => `${s.apiId}:${s.stage}` === stageId);
  if (found === undefined) throw notFound(`API Stage not found: ${stageId}`);
  return found;
}

/**
 * Applies one `/apiStages/{apiId}:{stage}/throttle…` operation; `rest` is the pointer after
 * `apiStages` (`["abc:prod", "throttle", "/pets", "GET", "rateLimit"]`).
 */
export function patchStageThrottle(plan: UsagePlan, rest: readonly string[], op: PatchOperation): void {
  const [stageId, sub, ...parts] = rest;
  if (stageId === undefined || sub !== "throttle") throw invalidPath(op);
  const stage = stageOf(plan, stageId);
  if (parts.length === 0) {
    if (op.op === "remove") delete stage.throttle;
    else if (op.op === "replace" || op.op === "add") {
      const map = mapValue(op);
      if (map === undefined) delete stage.throttle;
      else stage.throttle = map;
    } else throw invalidPath(op);
    return;
  }
  const last = parts.at(-1)!;
  const field = last === "rateLimit" || last === "burstLimit" ? last : undefined;
  const methodParts = field === undefined ? parts : parts.slice(0, -1);
  if (methodParts.length === 0) throw invalidPath(op);
  const method = methodParts.at(-1)!;
  if (!METHODS.has(method)) throw invalidPath(op);
  // The resource path's segments, whether written with their slashes or as `~1`.
  const joined = methodParts.slice(0, -1).join("/");
  const key = `${joined.startsWith("/") ? joined : `/${joined}`}/${method}`;
  const map = { ...(stage.throttle ?? {}) };
  if (field === undefined) {
    if (op.op !== "remove") throw invalidPath(op);
    delete map[key];
  } else if (op.op === "remove") {
    const entry = map[key];
    if (entry !== undefined) {
      const next = { ...entry };
      delete next[field];
      if (next.rateLimit === undefined && next.burstLimit === undefined) delete map[key];
      else map[key] = next;
    }
  } else if (op.op === "replace" || op.op === "add") {
    const entry = { ...(map[key] ?? {}) };
    if (field === "burstLimit") entry.burstLimit = asInteger(op, 0, 2_147_483_647);
    else entry.rateLimit = asNumber(op, 0);
    map[key] = entry;
  } else throw invalidPath(op);
  if (Object.keys(map).length === 0) delete stage.throttle;
  else stage.throttle = map;
}

/**
 * Rules on the whole plan, checked after CreateUsagePlan and after all of an UpdateUsagePlan's
 * operations: at most 20 method throttles per stage, and method throttles only under a plan throttle
 * (AWS: "Can not define fine grain throttling if usage plan throttle is not defined.").
 */
export function checkPlanThrottles(plan: UsagePlan): void {
  const planThrottle = plan.throttle?.rateLimit !== undefined || plan.throttle?.burstLimit !== undefined;
  for (const s of plan.apiStages) {
    const n = Object.keys(s.throttle ?? {}).length;
    if (n > METHOD_THROTTLES_PER_STAGE)
      throw new ControlError(
        "LimitExceededException",
        `Maximum number of method level throttling settings (${METHOD_THROTTLES_PER_STAGE}) for API stage ${s.apiId}:${s.stage} has been reached`,
      );
    if (n > 0 && !planThrottle)
      throw badRequest("Can not define fine grain throttling if usage plan throttle is not defined.");
  }
}
