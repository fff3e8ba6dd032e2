import { child, fail, isMapping, type Mapping } from "./values.ts";

/** A resource as declared, its shape checked, nothing evaluated yet. */
export interface DeclaredResource {
  logicalId: string;
  type: string;
  properties: unknown;
  metadata: unknown;
  dependsOn: string[];
  condition?: string;
}

/** CloudFormation's own cap on resources in one template. */
const MAX_RESOURCES = 500;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** The Resources section, each declaration's shape checked as CloudFormation checks it. */
export function readResources(section: unknown, file: string): DeclaredResource[] {
  if (!isMapping(section) || Object.keys(section).length === 0)
    fail(file, "Resources", "Template format error: At least one Resources member must be defined.");
  const ids = Object.keys(section);
  if (ids.length > MAX_RESOURCES)
    fail(
      file,
      "Resources",
      `Template format error: Number of resources, ${ids.length}, is greater than maximum allowed, ${MAX_RESOURCES}`,
    );
  return ids.map((logicalId) => readResource(logicalId, section[logicalId], file));
}

function readResource(logicalId: string, decl: unknown, file: string): DeclaredResource {
  const path = child("Resources", logicalId);
  if (!ALPHANUMERIC.test(logicalId))
    fail(file, path, `Template format error: Resource name ${logicalId} is non alphanumeric.`);
  if (!isMapping(decl) || typeof decl.Type !== "string" || decl.Type === "")
    fail(
      file,
      path,
      `Template format error: [/Resources/${logicalId}] Every Resources object must contain a Type member.`,
    );
  const type = decl.Type;
  if (type.startsWith("AWS::Serverless::"))
    fail(
      file,
      child(path, "Type"),
      `${type} is a SAM resource: the template needs Transform: AWS::Serverless-2016-10-31, which turns it into CloudFormation first`,
    );
  const properties = decl.Properties;
  if (properties !== undefined && properties !== null && !isMapping(properties))
    fail(file, child(path, "Properties"), "Properties must be a mapping");
  const metadata = decl.Metadata;
  if (metadata !== undefined && metadata !== null && !isMapping(metadata))
    fail(file, child(path, "Metadata"), "Metadata must be a mapping");
  const condition = decl.Condition;
  if (condition !== undefined && typeof condition !== "string")
    fail(file, child(path, "Condition"), "Condition must be the name of a condition");
  return {
    logicalId,
    type,
    properties: properties ?? {},
    metadata: metadata ?? undefined,
    dependsOn: dependsOn(decl, path, file),
    ...(condition === undefined ? {} : { condition }),
  };
}

function dependsOn(decl: Mapping, path: string, file: string): string[] {
  const value = decl.DependsOn;
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === "string"))
    fail(file, child(path, "DependsOn"), "DependsOn must be a resource's logical id or a list of them");
  return list as string[];
}

/** An output as declared. */
export interface DeclaredOutput {
  name: string;
  value: unknown;
  condition?: string;
}

export function readOutputs(section: unknown, file: string): DeclaredOutput[] {
  if (section === undefined || section === null) return [];
  if (!isMapping(section)) fail(file, "Outputs", "Outputs must be a mapping of names to outputs");
  return Object.keys(section).map((name) => {
    const decl = section[name];
    const path = child("Outputs", name);
    if (!isMapping(decl) || !Object.hasOwn(decl, "Value"))
      fail(file, path, "Template format error: Every Outputs member must contain a Value object");
    const condition = decl.Condition;
    if (condition !== undefined && typeof condition !== "string")
      fail(file, child(path, "Condition"), "Condition must be the name of a condition");
    return { name, value: decl.Value, ...(condition === undefined ? {} : { condition }) };
  });
}
