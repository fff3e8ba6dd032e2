import type { HttpApiDefinition } from "../model/http-api.ts";
import { badRequest, notFound } from "./errors.ts";

/**
 * An apigatewayv2 stage's route settings (`defaultRouteSettings`, and `routeSettings` by route key):
 * throttling, logging, metrics. A key of `routeSettings` must name a route of the API — AWS's words
 * when it does not: "Unable to find Route by key … within the provided RouteSettings" (404).
 */

type Settings = Record<string, unknown>;

const LOGGING_LEVELS = ["OFF", "ERROR", "INFO"];

/** One RouteSettings object, its members checked by type. */
export function routeSettingsOf(value: unknown, member: string): Settings {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badRequest(`Invalid value for ${member}: expected an object`);
  const out: Settings = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    switch (key) {
      case "dataTraceEnabled":
      case "detailedMetricsEnabled":
        if (typeof v !== "boolean")
          throw badRequest(`Invalid value for ${member}.${key}: expected a boolean`);
        break;
      case "loggingLevel":
        if (!LOGGING_LEVELS.includes(v as string))
          throw badRequest(
            `Invalid logging level specified: ${String(v)}. Valid values are OFF, ERROR, INFO`,
          );
        break;
      case "throttlingBurstLimit":
        if (!Number.isInteger(v) || (v as number) < 0)
          throw badRequest(`Invalid value for ${member}.${key}: expected a non-negative integer`);
        break;
      case "throttlingRateLimit":
        if (typeof v !== "number" || v < 0)
          throw badRequest(`Invalid value for ${member}.${key}: expected a non-negative number`);
        break;
      default:
        throw badRequest(`Invalid ${member} member specified: ${key}`);
    }
    out[key] = v;
  }
  return out;
}

/** A `routeSettings` map: each key a route of the API, each value a RouteSettings object. */
export function checkRouteSettings(def: HttpApiDefinition, value: unknown): Record<string, Settings> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badRequest("Invalid value for routeSettings: expected a map of route keys to settings");
  const keys = new Set(Object.values(def.routes).map((r) => r.routeKey));
  const out: Record<string, Settings> = {};
  for (const [routeKey, settings] of Object.entries(value)) {
    if (!keys.has(routeKey))
      throw notFound(`Unable to find Route by key ${routeKey} within the provided RouteSettings`);
    out[routeKey] = routeSettingsOf(settings, `routeSettings.${routeKey}`);
  }
  return out;
}
