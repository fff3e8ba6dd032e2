import type { CanarySettings, Stage } from "../model/rest-api.ts";
import { badRequest } from "./errors.ts";
import { checkStageVariable, checkStageVariables } from "./limits.ts";
import { asBoolean, type PatchOperation, requireValue } from "./patch-operations.ts";

/**
 * Canary releases (AWS: canary-release.html): a stage's `canarySettings` name a second deployment
 * that serves `percentTraffic` percent of the stage's requests, with the stage variables overlaid by
 * `stageVariableOverrides`. Created by CreateDeployment on an existing stage, by CreateStage, or by
 * UpdateStage's `/canarySettings/*` paths; promoted by copying the canary's deployment and variables
 * onto the stage; removed with `remove /canarySettings`. Messages are AWS's as recorded by
 * LocalStack's AWS-validated canary tests, except the percentTraffic range (not recorded; Portico's).
 */

/** `canarySettings` as CreateDeployment and CreateStage take it. */
export interface CanaryInput {
  deploymentId?: string;
  percentTraffic?: number;
  stageVariableOverrides?: Record<string, string>;
  useStageCache?: boolean;
}

const PERCENT_RANGE = "Canary traffic percentage must be between 0.0 and 100.0";
const DEPLOYMENT_CONTENT = "Invalid deployment content specified.";

/** AWS's answer to an UpdateStage path it does not know, `/canarySettings` and `/canarySettings/x` included. */
export function invalidStagePath(path: string): Error {
  return badRequest(
    `Invalid method setting path: ${path}. Must be one of: [/deploymentId, /description, /cacheClusterEnabled, ` +
      "/cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, " +
      "/accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, " +
      "/{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, " +
      "/{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit" +
      "/{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/caching/enabled, " +
      "/{resourcePath}/{httpMethod}/caching/dataEncrypted, " +
      "/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, " +
      "/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, " +
      "/*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit " +
      "/*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, " +
      "/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, " +
      "/variables/{variable_name}, /tracingEnabled]",
  );
}

function checkPercent(n: number): number {
  if (!Number.isFinite(n) || n < 0 || n > 100) throw badRequest(PERCENT_RANGE);
  return n;
}

/** The body's `canarySettings`, checked: a percentage in 0–100, overrides as stage variables. */
export function readCanaryInput(raw: unknown): CanaryInput | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw badRequest("Invalid value for canarySettings: expected an object");
  const { deploymentId, percentTraffic, stageVariableOverrides, useStageCache } = raw as Record<
    string,
    unknown
  >;
  const input: CanaryInput = {};
  if (deploymentId !== undefined && deploymentId !== null) {
    if (typeof deploymentId !== "string") throw badRequest("Invalid value for canarySettings.deploymentId");
    input.deploymentId = deploymentId;
  }
  if (percentTraffic !== undefined && percentTraffic !== null) {
    if (typeof percentTraffic !== "number") throw badRequest(PERCENT_RANGE);
    input.percentTraffic = checkPercent(percentTraffic);
  }
  if (stageVariableOverrides !== undefined && stageVariableOverrides !== null) {
    if (
      typeof stageVariableOverrides !== "object" ||
      Array.isArray(stageVariableOverrides) ||
      Object.values(stageVariableOverrides).some((v) => typeof v !== "string")
    )
      throw badRequest("Invalid value for canarySettings.stageVariableOverrides: expected a map of strings");
    const overrides = { ...(stageVariableOverrides as Record<string, string>) };
    checkStageVariables(overrides);
    input.stageVariableOverrides = overrides;
  }
  if (useStageCache !== undefined && useStageCache !== null) {
    if (typeof useStageCache !== "boolean")
      throw badRequest("Invalid value for canarySettings.useStageCache");
    input.useStageCache = useStageCache;
  }
  return input;
}

/** Stored canary settings from input; the deployment defaults to `deploymentId` (the stage's own). */
export function canarySettings(input: CanaryInput, deploymentId: string): CanarySettings {
  const settings: CanarySettings = {
    deploymentId: input.deploymentId ?? deploymentId,
    percentTraffic: input.percentTraffic ?? 0,
    useStageCache: input.useStageCache ?? false,
  };
  if (input.stageVariableOverrides !== undefined && Object.keys(input.stageVariableOverrides).length > 0)
    settings.stageVariableOverrides = input.stageVariableOverrides;
  return settings;
}

/**
 * CreateDeployment's canary rules, checked before anything is stored: a canary deployment needs a
 * stage that exists (it keeps its deployment; the new one becomes the canary), and a stage with a
 * canary takes only canary deployments until its canary settings are removed.
 */
export function checkCanaryDeployment(
  stageName: string | undefined,
  prior: Stage | undefined,
  input: CanaryInput | undefined,
): void {
  if (input === undefined) {
    if (prior?.canarySettings !== undefined)
      throw badRequest(
        `${DEPLOYMENT_CONTENT}Non canary deployment not supported on stage ${prior.stageName} because Canary ` +
          "is enabled. Provide CanarySettings in deploymentInput.",
      );
    return;
  }
  if (stageName === undefined || stageName === "")
    throw badRequest(
      `${DEPLOYMENT_CONTENT}Non null and non empty stageName must be provided for canary deployment. ` +
        `Provided value is ${stageName ?? "null"}`,
    );
  if (prior === undefined)
    throw badRequest(
      `${DEPLOYMENT_CONTENT}Stage ${stageName} must already be created before making a canary release deployment`,
    );
}

const COPIES: Record<string, string> = {
  "/deploymentId": "/canarySettings/deploymentId",
  "/variables": "/canarySettings/stageVariableOverrides",
};

/** Promotion: `copy` from the canary onto the stage, the only copies UpdateStage takes. */
function copyFromCanary(stage: Stage, op: PatchOperation): void {
  if (COPIES[op.path] === undefined || COPIES[op.path] !== op.from)
    throw badRequest(
      `Invalid copy operation with path: ${op.path} and from ${op.from}. Valid copy:path are ` +
        "[/deploymentId, /variables] and valid copy:from are " +
        "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]",
    );
  const canary = stage.canarySettings;
  if (canary === undefined) throw badRequest("Promotion not available. Canary does not exist.");
  if (op.path === "/deploymentId") stage.deploymentId = canary.deploymentId;
  // The overrides are laid over the stage's variables, as they were over the canary's requests.
  else stage.variables = { ...stage.variables, ...canary.stageVariableOverrides };
}

/**
 * UpdateStage's canary operations; false when `op` is not one (the caller handles it). Only
 * `replace` sets a value (the first one creates the canary on the stage's own deployment at 0%), and
 * `remove` takes `/canarySettings` (the whole canary) or one override.
 */
export function patchCanary(stage: Stage, op: PatchOperation): boolean {
  if (op.op === "copy") {
    copyFromCanary(stage, op);
    return true;
  }
  if (op.path !== "/canarySettings" && !op.path.startsWith("/canarySettings/")) return false;
  const field = op.path.slice("/canarySettings/".length);
  const overrideName = field.startsWith("stageVariableOverrides/")
    ? field.slice("stageVariableOverrides/".length)
    : undefined;
  if (op.op === "remove") {
    if (op.path === "/canarySettings") {
      delete stage.canarySettings;
      return true;
    }
    const overrides = stage.canarySettings?.stageVariableOverrides;
    if (
      overrideName === undefined ||
      overrideName === "" ||
      overrides === undefined ||
      !(overrideName in overrides)
    )
      throw badRequest(
        `Cannot remove method setting ${op.path.slice(1)} because there is no method setting for this method `,
      );
    const rest = { ...overrides };
    delete rest[overrideName];
    if (Object.keys(rest).length === 0) delete stage.canarySettings!.stageVariableOverrides;
    else stage.canarySettings!.stageVariableOverrides = rest;
    return true;
  }
  if (op.op !== "replace") {
    if (op.path === "/canarySettings") throw invalidStagePath(op.path);
    throw badRequest(`Invalid ${op.op} operation with path: ${op.path}`);
  }
  if (op.path === "/canarySettings") throw invalidStagePath(op.path);
  const canary: CanarySettings = stage.canarySettings ?? {
    deploymentId: stage.deploymentId,
    percentTraffic: 0,
    useStageCache: false,
  };
  if (field === "percentTraffic") {
    const value = requireValue(op);
    canary.percentTraffic = checkPercent(value.trim() === "" ? Number.NaN : Number(value));
  } else if (field === "deploymentId") canary.deploymentId = requireValue(op);
  else if (field === "useStageCache") canary.useStageCache = asBoolean(op);
  else if (overrideName !== undefined && overrideName !== "" && !overrideName.includes("/")) {
    const value = requireValue(op);
    checkStageVariable(overrideName, value);
    canary.stageVariableOverrides = { ...canary.stageVariableOverrides, [overrideName]: value };
  } else throw invalidStagePath(op.path);
  stage.canarySettings = canary;
  return true;
}
