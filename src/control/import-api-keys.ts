import type { ApiKey, UsagePlan } from "../model/account.ts";
import { newApiId } from "../model/ids.ts";
import { parseCsv } from "./csv.ts";
import { badRequest, ControlError, notFound, notInEnum, validationError } from "./errors.ts";

/**
 * ImportApiKeys (`POST /apikeys?mode=import&format=csv[&failonwarnings=true]`), with the file format
 * of AWS's developer guide ("API Gateway API key file format"): a header row naming the columns in any
 * order and any case — `Name` and `Key` required; `Description`, `Enabled` (default true) and
 * `UsagePlanIds` (several: one quoted, comma-separated value) optional; other columns ignored. A key
 * value already stored (or repeated further down the file) is overwritten by the later line, as AWS
 * documents: "Two API keys are identical if they have the same key value".
 *
 * What is decided here is a set of documents to write; the caller commits them in one batch, so an
 * import is all or nothing. A malformed file, a usage plan that does not exist or, with
 * `failonwarnings=true`, any warning refuses the whole import; otherwise a line that cannot be imported
 * is skipped with a warning.
 */

/** AWS's bounds for imported keys (the file format page): a key of 30–128 characters, a name of at most 1024. */
const KEY_MIN = 30;
const KEY_MAX = 128;
const NAME_MAX = 1024;
/** AWS's quota "API keys per account per Region" (not adjustable). */
export const API_KEYS_PER_REGION = 10_000;

export interface ImportPlan {
  /** Key documents to put (new, or an existing key overwritten). */
  readonly keys: ApiKey[];
  /** Usage plans that gained keys, to put. */
  readonly plans: UsagePlan[];
  readonly ids: string[];
  readonly warnings: string[];
}

const COLUMNS = ["name", "key", "description", "enabled", "usageplanids"] as const;
type Column = (typeof COLUMNS)[number];

function columnsOf(header: readonly string[]): Map<Column, number> {
  const at = new Map<Column, number>();
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase() as Column;
    if (!(COLUMNS as readonly string[]).includes(name)) return; // unrecognised columns are ignored
    if (at.has(name)) throw badRequest(`Invalid API key file: the column ${raw.trim()} appears twice`);
    at.set(name, i);
  });
  const missing = (["name", "key"] as const).filter((c) => !at.has(c));
  if (missing.length > 0)
    throw badRequest(
      `Invalid API key file: the header row must name the ${missing.map((c) => (c === "key" ? "Key" : "Name")).join(" and ")} column${missing.length > 1 ? "s" : ""}`,
    );
  return at;
}

/** The query's `format` (only `csv`, as AWS's model says) and `failonwarnings`. */
export function importOptions(query: URLSearchParams): { failOnWarnings: boolean } {
  const format = query.get("format");
  if (format === null)
    throw validationError([
      "Value null at 'importApiKeysInput.format' failed to satisfy constraint: Member must not be null",
    ]);
  if (format !== "csv") throw validationError([notInEnum(format, "importApiKeysInput.format", ["csv"])]);
  return { failOnWarnings: query.get("failonwarnings") === "true" };
}

export function planImport(
  body: string,
  existing: { keys: readonly ApiKey[]; plans: readonly UsagePlan[] },
  options: { failOnWarnings: boolean },
  now = Date.now(),
): ImportPlan {
  const records = parseCsv(body);
  const [header, ...rows] = records;
  if (header === undefined) throw badRequest("Invalid API key file: the file is empty");
  const at = columnsOf(header.fields);
  const cell = (fields: readonly string[], c: Column) => {
    const i = at.get(c);
    return i === undefined ? "" : (fields[i] ?? "");
  };
  const byValue = new Map(existing.keys.map((k) => [k.value, k]));
  const plansById = new Map(existing.plans.map((p) => [p.id, structuredClone(p)]));
  const keys = new Map<string, ApiKey>();
  const changedPlans = new Set<string>();
  const ids: string[] = [];
  const warnings: string[] = [];
  for (const { line, fields } of rows) {
    const value = cell(fields, "key");
    const name = cell(fields, "name");
    const enabledText = cell(fields, "enabled").toLowerCase();
    const problems: string[] = [];
    if (fields.length > header.fields.length)
      problems.push(`it has ${fields.length} values for ${header.fields.length} columns`);
    if (value.length < KEY_MIN || value.length > KEY_MAX)
      problems.push(`the key must be between ${KEY_MIN} and ${KEY_MAX} characters`);
    if (name.length > NAME_MAX) problems.push(`the name must be at most ${NAME_MAX} characters`);
    if (enabledText !== "" && enabledText !== "true" && enabledText !== "false")
      problems.push(`Enabled must be true or false, not ${cell(fields, "enabled")}`);
    const planIds = cell(fields, "usageplanids")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    // A plan that does not exist is not a line's problem but the file's: nothing is imported.
    for (const planId of planIds)
      if (!plansById.has(planId)) throw notFound(`Invalid Usage Plan ID specified: ${planId} (line ${line})`);
    if (problems.length > 0) {
      warnings.push(`Line ${line}: ${problems.join("; ")}; the line was not imported`);
      continue;
    }
    const earlier = keys.get(value) ?? byValue.get(value);
    const key: ApiKey = earlier
      ? { ...structuredClone(earlier), lastUpdatedDate: now }
      : { id: newApiId(), value, enabled: true, createdDate: now, lastUpdatedDate: now, stageKeys: [] };
    key.name = name;
    key.enabled = enabledText !== "false";
    const description = cell(fields, "description");
    if (description === "") delete key.description;
    else key.description = description;
    keys.set(value, key);
    if (!ids.includes(key.id)) ids.push(key.id);
    for (const planId of planIds) {
      const plan = plansById.get(planId)!;
      if (!plan.keyIds.includes(key.id)) {
        plan.keyIds.push(key.id);
        changedPlans.add(planId);
      }
    }
  }
  if (options.failOnWarnings && warnings.length > 0)
    throw badRequest(`Warnings found during import:\n\t${warnings.join("\n\t")}`);
  const added = [...keys.values()].filter((k) => !byValue.has(k.value)).length;
  if (existing.keys.length + added > API_KEYS_PER_REGION)
    throw new ControlError(
      "LimitExceededException",
      `Maximum number of API keys (${API_KEYS_PER_REGION}) for this account and region would be exceeded`,
    );
  return {
    keys: [...keys.values()],
    plans: [...changedPlans].map((id) => plansById.get(id)!),
    ids,
    warnings,
  };
}
