import { badRequest } from "./errors.ts";

/** One JSON-Patch-like operation as the `apigateway` API takes it (`patchOperations`). */
export interface PatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: string;
  from?: string;
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Validates the body's `patchOperations` list (absent = no change). */
export function readPatchOperations(body: Record<string, unknown>): PatchOperation[] {
  const ops = body.patchOperations;
  if (ops === undefined || ops === null) return [];
  if (!Array.isArray(ops)) throw badRequest("patchOperations must be a list");
  return ops.map((raw) => {
    if (typeof raw !== "object" || raw === null) throw badRequest("Invalid patch operation");
    const { op, path, value, from } = raw as Record<string, unknown>;
    if (typeof op !== "string" || !OPS.has(op)) {
      throw badRequest(
        `Invalid patch operation specified. Must be one of: [add, remove, move, test, replace, copy]`,
      );
    }
    if (typeof path !== "string" || !path.startsWith("/"))
      throw badRequest(`Invalid patch path ${String(path)}`);
    if (value !== undefined && value !== null && typeof value !== "string")
      throw badRequest(`Invalid value for path ${path}`);
    return {
      op,
      path,
      value: value ?? undefined,
      from: typeof from === "string" ? from : undefined,
    } as PatchOperation;
  });
}

/** `/a~1b/c` → `["a/b", "c"]`. */
export function pointer(path: string): string[] {
  return path
    .slice(1)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

export const invalidPath = (op: PatchOperation): Error => badRequest(`Invalid patch path ${op.path}`);

export function requireValue(op: PatchOperation): string {
  if (op.value === undefined)
    throw badRequest(`Invalid null or empty value in patch operation for path ${op.path}`);
  return op.value;
}

export function asBoolean(op: PatchOperation): boolean {
  const v = requireValue(op).toLowerCase();
  if (v !== "true" && v !== "false")
    throw badRequest(`Invalid boolean value ${op.value} for path ${op.path}`);
  return v === "true";
}

export function asInteger(op: PatchOperation, min: number, max: number, message?: string): number {
  const v = requireValue(op);
  const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw badRequest(`Invalid integer value ${v} for path ${op.path}`);
  if (n < min || n > max)
    throw badRequest(message ?? `Invalid value ${v} for path ${op.path}: must be between ${min} and ${max}`);
  return n;
}

export function asNumber(op: PatchOperation, min: number): number {
  const v = requireValue(op);
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min)
    throw badRequest(`Invalid number value ${v} for path ${op.path}`);
  return n;
}

/** Applies an op to a string map (`/requestParameters/{key}` style): add/replace set, remove deletes. */
export function patchMap<V>(
  map: Record<string, V> | undefined,
  key: string,
  op: PatchOperation,
  convert: (op: PatchOperation) => V,
): Record<string, V> | undefined {
  const next = { ...(map ?? {}) };
  if (op.op === "remove") {
    if (!(key in next)) throw badRequest(`Cannot remove ${op.path}: it does not exist`);
    delete next[key];
  } else if (op.op === "add" || op.op === "replace") {
    next[key] = convert(op);
  } else {
    throw badRequest(`Invalid patch operation ${op.op} for path ${op.path}`);
  }
  return Object.keys(next).length === 0 ? undefined : next;
}
