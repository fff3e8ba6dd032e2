/**
 * Resolved property values, read leniently the way CloudFormation reads them: a parameter's value is
 * always a string, so `Timeout: !Ref TimeoutParam` arrives as "30" and `Enabled` as "true".
 */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}

/** A map of strings (environment, stage variables, mappings); other values become their text. */
export function strMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    const s = str(value);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

export function strList(v: unknown): string[] {
  return list(v)
    .map(str)
    .filter((s): s is string => s !== undefined);
}

/** Copies the defined entries of `from` onto `to` (no `undefined` members in documents). */
export function defined<T extends Record<string, unknown>>(from: T): Partial<T> {
  return Object.fromEntries(Object.entries(from).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `parent[key]` as an object, made (and set) when absent: how documents are built up. */
export function child(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (isRecord(existing)) return existing;
  const made: Record<string, unknown> = {};
  parent[key] = made;
  return made;
}
