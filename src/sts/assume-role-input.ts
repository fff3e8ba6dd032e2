import { memberList } from "./query-params.ts";
import { StsError, validationError, validationErrors } from "./sts-errors.ts";

/** AssumeRole's parameters, checked as STS checks them (its API reference's constraints). */
export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** Absent: one hour. */
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly externalId?: string;
  readonly sourceIdentity?: string;
  readonly tags: ReadonlyArray<readonly [key: string, value: string]>;
  readonly transitiveTagKeys: readonly string[];
  /** SerialNumber/TokenCode: MFA, which no principal here has. */
  readonly mfa: boolean;
}

const NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;

/** Coral echoes a value in its constraint messages; a very long one is cut so the answer stays small. */
const shown = (v: string) => (v.length > 256 ? `${v.slice(0, 256)}...` : v);

function lengthProblem(field: string, value: string, min: number, max: number): string | undefined {
  if (value.length < min)
    return `Value '${shown(value)}' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
  if (value.length > max)
    return `Value '${shown(value)}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  return undefined;
}

function patternProblem(
  field: string,
  value: string,
  pattern: RegExp,
  shownPattern: string,
): string | undefined {
  return pattern.test(value)
    ? undefined
    : `Value '${shown(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shownPattern}`;
}

/** Reads and checks AssumeRole's parameters; throws StsError (ValidationError) with every problem. */
export function readAssumeRoleInput(params: ReadonlyMap<string, string>): AssumeRoleInput {
  const problems: string[] = [];
  const required = (name: string, field: string) => {
    const v = params.get(name);
    if (v === undefined)
      problems.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    return v;
  };
  const roleArn = required("RoleArn", "roleArn");
  if (roleArn !== undefined) {
    const p = lengthProblem("roleArn", roleArn, 20, 2048);
    if (p !== undefined) problems.push(p);
  }
  const roleSessionName = required("RoleSessionName", "roleSessionName");
  if (roleSessionName !== undefined) {
    const p =
      lengthProblem("roleSessionName", roleSessionName, 2, 64) ??
      patternProblem("roleSessionName", roleSessionName, NAME, "[\\w+=,.@-]*");
    if (p !== undefined) problems.push(p);
  }
  let durationSeconds: number | undefined;
  const duration = params.get("DurationSeconds");
  if (duration !== undefined) {
    if (!/^-?\d{1,10}$/.test(duration)) {
      // The Query protocol cannot read it as an integer: AWS's answer names the parameter.
      throw validationError(
        `Invalid value '${shown(duration)}' for parameter DurationSeconds: must be an integer`,
      );
    }
    durationSeconds = Number(duration);
    if (durationSeconds < 900)
      problems.push(
        `Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
      );
    else if (durationSeconds > 43200)
      problems.push(
        `Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
      );
  }
  const policy = params.get("Policy");
  if (policy !== undefined) {
    const p = lengthProblem("policy", policy, 1, 2048);
    if (p !== undefined) problems.push(p);
  }
  const externalId = params.get("ExternalId");
  if (externalId !== undefined) {
    const p =
      lengthProblem("externalId", externalId, 2, 1224) ??
      patternProblem("externalId", externalId, EXTERNAL_ID, "[\\w+=,.@:\\/-]*");
    if (p !== undefined) problems.push(p);
  }
  const sourceIdentity = params.get("SourceIdentity");
  if (sourceIdentity !== undefined) {
    const p =
      lengthProblem("sourceIdentity", sourceIdentity, 2, 64) ??
      patternProblem("sourceIdentity", sourceIdentity, NAME, "[\\w+=,.@-]*");
    if (p !== undefined) problems.push(p);
  }
  const tagMembers = memberList(params, "Tags");
  if (tagMembers.length > MAX_TAGS)
    problems.push(
      `Value '[${tagMembers.length} tags]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  const tags: [string, string][] = [];
  tagMembers.forEach((member, i) => {
    const key = member.get("Key");
    const value = member.get("Value");
    if (key === undefined)
      problems.push(
        `Value null at 'tags.${i + 1}.member.key' failed to satisfy constraint: Member must not be null`,
      );
    if (value === undefined)
      problems.push(
        `Value null at 'tags.${i + 1}.member.value' failed to satisfy constraint: Member must not be null`,
      );
    if (key === undefined || value === undefined) return;
    const p =
      lengthProblem(`tags.${i + 1}.member.key`, key, 1, 128) ??
      patternProblem(`tags.${i + 1}.member.key`, key, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+") ??
      lengthProblem(`tags.${i + 1}.member.value`, value, 0, 256) ??
      patternProblem(`tags.${i + 1}.member.value`, value, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    if (p !== undefined) problems.push(p);
    else tags.push([key, value]);
  });
  const transitiveTagKeys = memberList(params, "TransitiveTagKeys").map((m) => m.get("") ?? "");
  if (problems.length > 0) throw validationErrors(problems);
  const lower = tags.map(([k]) => k.toLowerCase());
  if (new Set(lower).size !== lower.length)
    throw validationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  const missing = transitiveTagKeys.find((k) => !lower.includes(k.toLowerCase()));
  if (missing !== undefined)
    throw new StsError(
      400,
      "InvalidParameterValue",
      `The specified transitive tag key must be included in the requested tags.`,
    );
  if (memberList(params, "PolicyArns").length > 0)
    throw validationError(
      "Managed session policies (PolicyArns) name policies that do not exist here: pass the session policy inline as Policy.",
    );
  return {
    roleArn: roleArn!,
    roleSessionName: roleSessionName!,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    ...(policy === undefined ? {} : { policy }),
    ...(externalId === undefined ? {} : { externalId }),
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    tags,
    transitiveTagKeys,
    mfa: params.has("SerialNumber") || params.has("TokenCode"),
  };
}
