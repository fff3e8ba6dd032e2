import { randomBytes } from "node:crypto";
import type {
  ApiKey,
  QuotaSettings,
  ThrottleSettings,
  UsagePlan,
  UsagePlanApiStage,
} from "../model/account.ts";
import { newApiId } from "../model/ids.ts";
import { badRequest } from "./errors.ts";
import {
  asBoolean,
  asInteger,
  asNumber,
  invalidPath,
  type PatchOperation,
  pointer,
  requireValue,
} from "./patch-operations.ts";

/** API keys and usage plans: creation and patching with AWS's rules. */

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function generatedKeyValue(): string {
  const bytes = randomBytes(40);
  let out = "";
  for (const b of bytes) out += KEY_ALPHABET[b % KEY_ALPHABET.length];
  return out;
}

function stageKeys(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest("stageKeys must be a list");
  return value.map((k) => {
    const { restApiId, stageName } = (k ?? {}) as { restApiId?: unknown; stageName?: unknown };
    if (typeof restApiId !== "string" || typeof stageName !== "string")
      throw badRequest("Invalid stage key: restApiId and stageName are required");
    return `${restApiId}/${stageName}`;
  });
}

export function newApiKey(body: Record<string, unknown>, now = Date.now()): ApiKey {
  const value = body.value === undefined ? generatedKeyValue() : String(body.value);
  if (value.length < 20 || value.length > 128)
    throw badRequest("API Key value should be at least 20 characters");
  const key: ApiKey = {
    id: newApiId(),
    value,
    enabled: body.enabled === true,
    createdDate: now,
    lastUpdatedDate: now,
    stageKeys: stageKeys(body.stageKeys),
  };
  for (const field of ["name", "description", "customerId"] as const)
    if (typeof body[field] === "string") key[field] = body[field] as string;
  if (typeof body.tags === "object" && body.tags !== null) key.tags = body.tags as Record<string, string>;
  return key;
}

export function patchApiKey(key: ApiKey, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    if (field === "name" || field === "description" || field === "customerId") key[field] = requireValue(op);
    else if (field === "enabled") key.enabled = asBoolean(op);
    else if (field === "stages") {
      const stage = op.value ?? rest.join("/");
      if (op.op === "add") key.stageKeys = [...new Set([...key.stageKeys, stage])];
      else if (op.op === "remove") key.stageKeys = key.stageKeys.filter((s) => s !== stage);
      else throw invalidPath(op);
    } else throw invalidPath(op);
  }
  key.lastUpdatedDate = Date.now();
}

function throttle(value: unknown): ThrottleSettings | undefined {
  if (value === undefined || value === null) return undefined;
  const t = value as { burstLimit?: unknown; rateLimit?: unknown };
  const out: ThrottleSettings = {};
  if (t.burstLimit !== undefined) {
    if (!Number.isInteger(t.burstLimit) || (t.burstLimit as number) < 0)
      throw badRequest("Invalid throttle burstLimit");
    out.burstLimit = t.burstLimit as number;
  }
  if (t.rateLimit !== undefined) {
    if (typeof t.rateLimit !== "number" || t.rateLimit < 0) throw badRequest("Invalid throttle rateLimit");
    out.rateLimit = t.rateLimit;
  }
  return out;
}

function quota(value: unknown): QuotaSettings | undefined {
  if (value === undefined || value === null) return undefined;
  const q = value as { limit?: unknown; offset?: unknown; period?: unknown };
  if (!Number.isInteger(q.limit) || (q.limit as number) < 0) throw badRequest("Invalid quota limit");
  if (q.period !== "DAY" && q.period !== "WEEK" && q.period !== "MONTH")
    throw badRequest("Invalid quota period. Valid values are DAY, WEEK, MONTH");
  const out: QuotaSettings = { limit: q.limit as number, period: q.period };
  if (q.offset !== undefined) out.offset = Number(q.offset);
  return out;
}

export function newUsagePlan(body: Record<string, unknown>): UsagePlan {
  if (typeof body.name !== "string" || body.name === "")
    throw badRequest("Usage plan name must be specified");
  const apiStages = Array.isArray(body.apiStages)
    ? body.apiStages.map((s): UsagePlanApiStage => {
        const {
          apiId,
          stage,
          throttle: t,
        } = (s ?? {}) as { apiId?: unknown; stage?: unknown; throttle?: unknown };
        if (typeof apiId !== "string" || typeof stage !== "string")
          throw badRequest("Invalid API stage: apiId and stage are required");
        const out: UsagePlanApiStage = { apiId, stage };
        if (t !== undefined)
          out.throttle = Object.fromEntries(Object.entries(t as object).map(([k, v]) => [k, throttle(v)!]));
        return out;
      })
    : [];
  const plan: UsagePlan = { id: newApiId().slice(0, 6), name: body.name, apiStages, keyIds: [] };
  if (typeof body.description === "string") plan.description = body.description;
  const t = throttle(body.throttle);
  if (t) plan.throttle = t;
  const q = quota(body.quota);
  if (q) plan.quota = q;
  if (typeof body.tags === "object" && body.tags !== null) plan.tags = body.tags as Record<string, string>;
  return plan;
}

export function patchUsagePlan(plan: UsagePlan, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const sub = rest.join("/");
    if (field === "name" || field === "description") plan[field] = requireValue(op);
    else if (field === "throttle" && (sub === "burstLimit" || sub === "rateLimit")) {
      plan.throttle ??= {};
      if (op.op === "remove") delete plan.throttle[sub];
      else if (sub === "burstLimit") plan.throttle.burstLimit = asInteger(op, 0, Number.MAX_SAFE_INTEGER);
      else plan.throttle.rateLimit = asNumber(op, 0);
    } else if (field === "quota" && (sub === "limit" || sub === "offset" || sub === "period")) {
      plan.quota ??= { limit: 0, period: "DAY" };
      if (sub === "period") {
        const p = requireValue(op);
        if (p !== "DAY" && p !== "WEEK" && p !== "MONTH")
          throw badRequest("Invalid quota period. Valid values are DAY, WEEK, MONTH");
        plan.quota.period = p;
      } else plan.quota[sub] = asInteger(op, 0, Number.MAX_SAFE_INTEGER);
    } else if (field === "apiStages" && rest.length === 0) {
      const [apiId, stage] = requireValue(op).split(":");
      if (!apiId || !stage) throw badRequest("Invalid API stage: expected apiId:stage");
      if (op.op === "add") {
        if (!plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage))
          plan.apiStages.push({ apiId, stage });
      } else if (op.op === "remove")
        plan.apiStages = plan.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage));
      else throw invalidPath(op);
    } else throw invalidPath(op);
  }
}
