import { matchesWhole, patternProblem } from "../../regex/java-pattern.ts";
import type { TemplateNotice } from "../template-plan.ts";
import { asString, child, fail, isMapping, type Mapping } from "./values.ts";

/** A parameter's value as `Ref` gives it: a string, or a list for the list types. */
export type ParameterValue = string | string[];

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

type Shape = { list: boolean; number: boolean; ssm: boolean };

/** What a declared Type means for the value; undefined for a type CloudFormation does not have. */
function shapeOf(type: string): Shape | undefined {
  const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
  if (ssm !== null) {
    const inner = ssm[1]!;
    return { list: inner === "CommaDelimitedList" || inner.startsWith("List<"), number: false, ssm: true };
  }
  if (type === "String" || type === "AWS::SSM::Parameter::Name")
    return { list: false, number: false, ssm: false };
  if (type === "Number") return { list: false, number: true, ssm: false };
  if (type === "List<Number>") return { list: true, number: true, ssm: false };
  if (type === "CommaDelimitedList") return { list: true, number: false, ssm: false };
  // AWS-specific types (AWS::EC2::VPC::Id, List<AWS::EC2::Subnet::Id>) are strings CloudFormation checks
  // against the account; Portico has no account to check them against.
  if (/^List<AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+>$/.test(type)) return { list: true, number: false, ssm: false };
  if (/^AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+$/.test(type)) return { list: false, number: false, ssm: false };
  return undefined;
}

function numberOption(decl: Mapping, key: string, path: string, file: string): number | undefined {
  const raw = decl[key];
  if (raw === undefined) return undefined;
  const n = Number(asString(raw));
  if (asString(raw) === "" || !Number.isFinite(n)) fail(file, child(path, key), `${key} must be a number`);
  return n;
}

/** CloudFormation's checks of one value (one item of a list), in its words. */
function check(name: string, decl: Mapping, shape: Shape, value: string, path: string, file: string): void {
  const refuse = (message: string): never => {
    const description = asString(decl.ConstraintDescription);
    fail(
      file,
      path,
      description === undefined
        ? message
        : `Parameter '${name}' failed to satisfy constraint: ${description}`,
    );
  };
  const allowed = decl.AllowedValues;
  if (allowed !== undefined) {
    if (!Array.isArray(allowed)) fail(file, child(path, "AllowedValues"), "AllowedValues must be a list");
    if (!allowed.some((a) => asString(a) === value))
      refuse(`Parameter '${name}' must be one of AllowedValues`);
  }
  if (shape.number) {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) refuse(`Parameter '${name}' must be a number`);
    const min = numberOption(decl, "MinValue", path, file);
    const max = numberOption(decl, "MaxValue", path, file);
    if (min !== undefined && n < min) refuse(`Parameter '${name}' must be a number not less than ${min}`);
    if (max !== undefined && n > max) refuse(`Parameter '${name}' must be a number not greater than ${max}`);
    return;
  }
  const pattern = decl.AllowedPattern;
  if (pattern !== undefined) {
    if (typeof pattern !== "string")
      fail(file, child(path, "AllowedPattern"), "AllowedPattern must be a string");
    const problem = patternProblem(pattern);
    if (problem !== undefined) fail(file, child(path, "AllowedPattern"), `not a valid pattern: ${problem}`);
    if (!matchesWhole(pattern, value)) refuse(`Parameter '${name}' must match pattern ${pattern}`);
  }
  const minLength = numberOption(decl, "MinLength", path, file);
  const maxLength = numberOption(decl, "MaxLength", path, file);
  if (minLength !== undefined && value.length < minLength)
    refuse(`Parameter '${name}' must contain at least ${minLength} characters`);
  if (maxLength !== undefined && value.length > maxLength)
    refuse(`Parameter '${name}' must contain at most ${maxLength} characters`);
}

function given(decl: Mapping, path: string, file: string): string | undefined {
  const value = decl.Default;
  if (value === undefined || value === null) return undefined;
  // A YAML list as the Default of a list parameter is the comma-separated string CloudFormation wants.
  if (Array.isArray(value) && value.every((v) => asString(v) !== undefined))
    return value.map(asString).join(",");
  const text = asString(value);
  if (text === undefined)
    fail(file, child(path, "Default"), "Template format error: Every Default member must be a string.");
  return text;
}

/**
 * Every parameter's value: the override (`sam deploy --parameter-overrides`), else the Default,
 * checked against the declaration as CloudFormation checks it before it creates anything.
 */
export function resolveParameters(
  section: unknown,
  overrides: Record<string, string> | undefined,
  file: string,
  notices: TemplateNotice[],
  referenced: (name: string) => boolean = () => true,
): Map<string, ParameterValue> {
  const out = new Map<string, ParameterValue>();
  if (section !== undefined && section !== null && !isMapping(section))
    fail(file, "Parameters", "Template format error: Parameters must be a mapping of names to declarations");
  const declared = section ?? {};
  const unknown = Object.keys(overrides ?? {}).filter((name) => !Object.hasOwn(declared, name));
  if (unknown.length > 0)
    fail(file, "Parameters", `Parameters: [${unknown.join(", ")}] do not exist in the template`);
  const missing: string[] = [];
  for (const name of Object.keys(declared)) {
    const path = child("Parameters", name);
    if (!ALPHANUMERIC.test(name))
      fail(file, path, `Template format error: Parameter name ${name} is non alphanumeric.`);
    const decl = declared[name];
    if (!isMapping(decl) || typeof decl.Type !== "string")
      fail(file, path, "Template format error: Every Parameters object must contain a Type member.");
    const shape = shapeOf(decl.Type);
    if (shape === undefined)
      fail(file, child(path, "Type"), `Template format error: Unrecognized parameter type: ${decl.Type}`);
    const override = overrides !== undefined && Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const value = override ?? given(decl, path, file);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    if (shape.ssm && override === undefined && referenced(name))
      notices.push({
        logicalId: name,
        path,
        message: `Portico does not read Systems Manager parameters: ${name} takes its Default, ${value}, as its value; give the value with --parameter-overrides`,
      });
    if (shape.list) {
      const items = value.split(",").map((item) => item.trim());
      for (const item of items) check(name, decl, shape, item, path, file);
      out.set(name, items);
    } else {
      check(name, decl, shape, value, path, file);
      out.set(name, value);
    }
  }
  if (missing.length > 0) fail(file, "Parameters", `Parameters: [${missing.join(", ")}] must have values`);
  return out;
}
