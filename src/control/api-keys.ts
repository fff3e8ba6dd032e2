import { randomBytes } from "node:crypto";
import type { ApiKey } from "../model/account.ts";
import { newApiId } from "../model/ids.ts";
import { badRequest } from "./errors.ts";
import { asBoolean, invalidPath, type PatchOperation, pointer, requireValue } from "./patch-operations.ts";

/** API keys: creation and patching with AWS's rules (usage plans: usage-plans.ts). */

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
