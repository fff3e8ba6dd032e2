import { badRequest } from "../control/errors.ts";
import type { AdminRequest } from "./admin-router.ts";

/** The request's JSON object body (`{}` when empty); malformed JSON is AWS's BadRequestException. */
export function jsonBody(request: AdminRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.toString("utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw badRequest("Could not parse request body into json: malformed JSON");
  }
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`Invalid value for ${name}: expected a string`);
  return v;
}

export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
    throw badRequest(`Invalid value for ${name}: expected a map of strings`);
  }
  return v as Record<string, string>;
}

/** AWS list responses: `{"item": [...]}` on the wire, paginated by `limit` and `position`. */
export function page<T>(request: AdminRequest, items: T[]): { item: T[]; position?: string } {
  const limit = Math.min(Math.max(Number(request.query.get("limit") ?? 25) || 25, 1), 500);
  const start = Number(request.query.get("position") ?? 0) || 0;
  const slice = items.slice(start, start + limit);
  return start + limit < items.length ? { item: slice, position: String(start + limit) } : { item: slice };
}
