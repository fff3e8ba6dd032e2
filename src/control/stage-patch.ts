import type { MethodSetting, Stage } from "../model/rest-api.ts";
import { patchAccessLogSettings } from "./access-log-settings.ts";
import { patchCanary } from "./canary.ts";
import { badRequest } from "./errors.ts";
import { checkStageVariable } from "./limits.ts";
import {
  asBoolean,
  asInteger,
  asNumber,
  invalidPath,
  type PatchOperation,
  pointer,
  requireValue,
} from "./patch-operations.ts";

/** AWS's cache cluster sizes (GB). */
export const CACHE_CLUSTER_SIZES = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];

/** `{category}/{setting}` of a method-settings patch path → how to read the value into a setting. */
const SETTINGS: Record<string, (op: PatchOperation, s: MethodSetting) => void> = {
  "metrics/enabled": (op, s) => {
    s.metricsEnabled = asBoolean(op);
  },
  "logging/loglevel": (op, s) => {
    const v = requireValue(op).toUpperCase();
    if (!["OFF", "ERROR", "INFO"].includes(v))
      throw badRequest(`Invalid logging level ${op.value}. Valid options are OFF, ERROR, INFO`);
    s.loggingLevel = v;
  },
  "logging/dataTrace": (op, s) => {
    s.dataTraceEnabled = asBoolean(op);
  },
  "throttling/burstLimit": (op, s) => {
    s.throttlingBurstLimit = asInteger(op, 0, Number.MAX_SAFE_INTEGER);
  },
  "throttling/rateLimit": (op, s) => {
    s.throttlingRateLimit = asNumber(op, 0);
  },
  "caching/enabled": (op, s) => {
    s.cachingEnabled = asBoolean(op);
  },
  "caching/ttlInSeconds": (op, s) => {
    s.cacheTtlInSeconds = asInteger(
      op,
      0,
      3600,
      "Invalid cache ttl: value must be between 0 and 3600 seconds",
    );
  },
  "caching/dataEncrypted": (op, s) => {
    s.cacheDataEncrypted = asBoolean(op);
  },
  "caching/requireAuthorizationForCacheControl": (op, s) => {
    s.requireAuthorizationForCacheControl = asBoolean(op);
  },
  "caching/unauthorizedCacheControlHeaderStrategy": (op, s) => {
    const v = requireValue(op);
    if (!["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"].includes(v)) {
      throw badRequest(`Invalid unauthorized cache control header strategy ${v}`);
    }
    s.unauthorizedCacheControlHeaderStrategy = v;
  },
};

/** AWS's defaults for a method-settings entry created by a patch. */
const DEFAULT_SETTING: MethodSetting = {
  metricsEnabled: false,
  loggingLevel: "OFF",
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
};

/**
 * UpdateStage. Method settings live under `/{resource path, '/' as ~1}/{METHOD}/{category}/{setting}`
 * (or `/*\/*\/…` for all methods); the settings map is keyed by the path's first two segments as
 * written (`*\/*`, `~1pets/GET`).
 */
export function patchStage(stage: Stage, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    if (patchCanary(stage, op)) continue;
    const parts = pointer(op.path);
    const [field, ...rest] = parts;
    switch (field) {
      case "description":
        if (op.op === "remove") delete stage.description;
        else stage.description = requireValue(op);
        continue;
      case "deploymentId":
        stage.deploymentId = requireValue(op);
        continue;
      case "variables": {
        const name = rest.join("/");
        if (name === "") throw invalidPath(op);
        const variables = { ...(stage.variables ?? {}) };
        if (op.op === "remove") delete variables[name];
        else {
          const value = requireValue(op);
          checkStageVariable(name, value);
          variables[name] = value;
        }
        stage.variables = variables;
        continue;
      }
      case "cacheClusterEnabled":
        stage.cacheClusterEnabled = asBoolean(op);
        stage.cacheClusterStatus = stage.cacheClusterEnabled ? "AVAILABLE" : "NOT_AVAILABLE";
        continue;
      case "cacheClusterSize": {
        const size = requireValue(op);
        if (!CACHE_CLUSTER_SIZES.includes(size)) {
          throw badRequest(
            `Invalid cache cluster size specified. Valid values are ${CACHE_CLUSTER_SIZES.join(", ")}`,
          );
        }
        stage.cacheClusterSize = size;
        continue;
      }
      case "tracingEnabled":
        stage.tracingEnabled = asBoolean(op);
        continue;
      case "accessLogSettings":
        patchAccessLogSettings(stage, op, rest);
        continue;
      default:
        break;
    }
    // Method settings: /{resource}/{METHOD}/{category}/{setting}, the raw (escaped) resource segment kept.
    const raw = op.path.slice(1).split("/");
    if (raw.length === 2 && raw[0] === "*" && raw[1] === "*" && op.op === "remove") {
      delete stage.methodSettings["*/*"];
      continue;
    }
    if (raw.length !== 4) throw invalidPath(op);
    const key = `${raw[0]}/${raw[1]}`;
    const setter = SETTINGS[`${raw[2]}/${raw[3]}`];
    if (setter === undefined) throw invalidPath(op);
    if (raw[1] !== "*" && !/^(GET|PUT|POST|DELETE|PATCH|OPTIONS|HEAD|ANY)$/.test(raw[1]!))
      throw invalidPath(op);
    const current = (stage.methodSettings[key] as MethodSetting | undefined) ?? { ...DEFAULT_SETTING };
    setter(op, current);
    stage.methodSettings[key] = current;
  }
}
