import { attributeOf, refOf, type StackFacts } from "../references.ts";
import type { TemplateNotice } from "../template-plan.ts";
import { Conditions } from "./conditions.ts";
import { creationOrder, referencesIn } from "./dependencies.ts";
import { type CopyContext, copyExpanding, expandTopLevelIncludes, newBudget } from "./include.ts";
import { evaluate } from "./intrinsics.ts";
import { type ParameterValue, resolveParameters } from "./parameters.ts";
import { pseudoParameters } from "./pseudo.ts";
import { type DeclaredResource, readOutputs, readResources } from "./resources.ts";
import type { Scope } from "./scope.ts";
import { child, fail, fresh, isMapping, type Mapping, NO_VALUE } from "./values.ts";

export interface ResolveOptions {
  /** The template's path, for error messages. */
  file: string;
  /** Where relative paths (AWS::Include Location) resolve. */
  baseDir: string;
  /** SAM's `--parameter-overrides Key=Value`. */
  parameterOverrides?: Record<string, string>;
  region: string;
  accountId: string;
  stackName: string;
}

export interface ResolvedResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Every resource this one needs: its DependsOn, then those its properties refer to. */
  dependsOn: string[];
}

export interface ResolvedTemplate {
  /** The resources whose Condition holds, in an order that creates each after those it needs. */
  resources: ResolvedResource[];
  /** Each output's Value, for the outputs whose Condition holds. */
  outputs: Record<string, unknown>;
  parameters: Record<string, string | string[]>;
  notices: TemplateNotice[];
}

const unresolved = (names: string[], block: string): string =>
  `Template format error: Unresolved resource dependencies [${names.join(", ")}] in the ${block} block of the template`;

/**
 * A CloudFormation template with its parameters, conditions and intrinsic functions resolved, as
 * CloudFormation would on create-stack: what remains is plain values, so the plan reads an
 * integration URI as the ARN it names. Every refusal is a TemplateError naming the place.
 */
export function resolveTemplate(
  template: Record<string, unknown>,
  options: ResolveOptions,
): ResolvedTemplate {
  const { file } = options;
  const notices: TemplateNotice[] = [];
  if (!isMapping(template)) fail(file, "", "a template is a mapping (Resources, Parameters, …)");
  const copy = readCopy(template, options, notices);
  const declared = readResources(copy.Resources, file);
  const byId = new Map(declared.map((r) => [r.logicalId, r]));
  // Rules are CloudFormation's own checks (the CDK's bootstrap version): Portico does not evaluate
  // them, so a parameter only they read needs no value worth a notice.
  const used = JSON.stringify([copy.Resources, copy.Outputs, copy.Conditions]);
  const referenced = (name: string) =>
    used.includes(`"Ref":${JSON.stringify(name)}`) ||
    used.includes(`\${${name}}`) ||
    used.includes(`\${${name}.`);
  const parameters = resolveParameters(
    copy.Parameters,
    options.parameterOverrides,
    file,
    notices,
    referenced,
  );
  for (const name of parameters.keys())
    if (byId.has(name))
      fail(
        file,
        child("Resources", name),
        `${name} is both a parameter and a resource; names must be unique`,
      );
  const pseudo = pseudoParameters(options);
  if (copy.Mappings !== undefined && !isMapping(copy.Mappings))
    fail(file, "Mappings", "Mappings must be a mapping of names to maps");
  const mappings = (copy.Mappings ?? {}) as Mapping;

  const value = (name: string): unknown => {
    if (name === "AWS::NoValue") return NO_VALUE;
    const v = pseudo.get(name) ?? parameters.get(name);
    return v === undefined ? undefined : fresh(v);
  };
  const inConditions = (name: string, path: string): never =>
    fail(
      file,
      path,
      `Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`,
    );
  const conditionScope: Scope = {
    file,
    mappings,
    region: options.region,
    ref: (name, path) => value(name) ?? inConditions(name, path),
    getAtt: (logicalId, _attribute, path) => inConditions(logicalId, path),
    condition: (name, path) => conditions.isTrue(name, path),
  };
  const conditions = new Conditions(copy.Conditions, file, (v, path) => evaluate(v, path, conditionScope));
  conditions.all();

  const kept = declared.filter(
    (r) =>
      r.condition === undefined ||
      conditions.isTrue(r.condition, child(child("Resources", r.logicalId), "Condition")),
  );
  const keptIds = new Set(kept.map((r) => r.logicalId));
  const needs = dependencies(kept, keptIds, byId, value, conditions, file);
  const order = creationOrder(
    kept.map((r) => r.logicalId),
    needs,
    file,
  );

  const stack: StackFacts = options;
  const done = new Map<string, ResolvedResource>();
  const scopeFor = (logicalId: string, block: string): Scope => ({
    file,
    mappings,
    region: options.region,
    condition: (name, path) => conditions.isTrue(name, path),
    ref: (name, path) => {
      const v = value(name);
      if (v !== undefined) return v;
      const resource = done.get(name);
      if (resource === undefined) fail(file, path, unresolved([name], block));
      return refOf(stack, resource);
    },
    getAtt: (id, attribute, path) => {
      const resource = done.get(id);
      if (resource === undefined) {
        if (byId.has(id)) fail(file, path, unresolved([id], block));
        fail(file, path, `Template error: instance of Fn::GetAtt references undefined resource ${id}`);
      }
      const known = attributeOf(stack, resource, attribute);
      if (known !== undefined) return known;
      const placeholder = `unresolved:${id}.${attribute}`;
      notices.push({
        logicalId,
        path,
        message: `Portico does not know ${resource.type}'s attribute ${attribute}; Fn::GetAtt ${id}.${attribute} gives the placeholder ${placeholder}`,
      });
      return placeholder;
    },
  });

  for (const id of order) {
    const r = byId.get(id)!;
    const path = child("Resources", id);
    const scope = scopeFor(id, "Resources");
    const properties = evaluate(r.properties, child(path, "Properties"), scope);
    if (properties !== NO_VALUE && !isMapping(properties))
      fail(file, child(path, "Properties"), "Properties must evaluate to a mapping");
    const metadata =
      r.metadata === undefined ? undefined : evaluate(r.metadata, child(path, "Metadata"), scope);
    done.set(id, {
      logicalId: id,
      type: r.type,
      properties: properties === NO_VALUE ? {} : properties,
      ...(isMapping(metadata) ? { metadata } : {}),
      dependsOn: needs.get(id) as string[],
    });
  }

  const outputs: Record<string, unknown> = {};
  for (const output of readOutputs(copy.Outputs, file)) {
    const path = child("Outputs", output.name);
    if (output.condition !== undefined && !conditions.isTrue(output.condition, child(path, "Condition")))
      continue;
    const v = evaluate(output.value, child(path, "Value"), scopeFor(output.name, "Outputs"));
    if (v !== NO_VALUE) outputs[output.name] = v;
  }
  return {
    resources: order.map((id) => done.get(id)!),
    outputs,
    parameters: Object.fromEntries(parameters) as Record<string, ParameterValue>,
    notices,
  };
}

/** Our own copy of the template, every AWS::Include expanded. */
function readCopy(
  template: Mapping,
  options: Pick<ResolveOptions, "file" | "baseDir">,
  notices: TemplateNotice[],
): Mapping {
  const ctx: CopyContext = {
    file: options.file,
    baseDir: options.baseDir,
    including: [],
    budget: newBudget(),
    skipped: (file, path) =>
      notices.push({ logicalId: "", path, message: `the key __proto__ in ${file} is ignored` }),
  };
  return expandTopLevelIncludes(copyExpanding(template, "", 0, ctx) as Mapping, ctx);
}

/**
 * What each kept resource needs: DependsOn first, then every resource its properties and metadata
 * name. A name that is neither a parameter nor a kept resource is CloudFormation's unresolved
 * dependency, including a resource whose Condition is false.
 */
function dependencies(
  kept: DeclaredResource[],
  keptIds: ReadonlySet<string>,
  byId: ReadonlyMap<string, DeclaredResource>,
  value: (name: string) => unknown,
  conditions: Conditions,
  file: string,
): Map<string, string[]> {
  const needs = new Map<string, string[]>();
  const missing: string[] = [];
  const isTrue = (name: string, path: string) => conditions.isTrue(name, path);
  for (const r of kept) {
    const path = child("Resources", r.logicalId);
    const names = new Set<string>();
    for (const id of r.dependsOn) {
      if (keptIds.has(id)) names.add(id);
      else if (!missing.includes(id)) missing.push(id);
    }
    const refs = [
      ...referencesIn(r.properties, child(path, "Properties"), file, isTrue),
      ...referencesIn(r.metadata, child(path, "Metadata"), file, isTrue),
    ];
    for (const ref of refs) {
      if (keptIds.has(ref.name)) names.add(ref.name);
      else if (ref.kind === "GetAtt" && !byId.has(ref.name))
        fail(
          file,
          ref.path,
          `Template error: instance of Fn::GetAtt references undefined resource ${ref.name}`,
        );
      else if (ref.kind === "GetAtt" || value(ref.name) === undefined) {
        if (!missing.includes(ref.name)) missing.push(ref.name);
      }
    }
    needs.set(r.logicalId, [...names]);
  }
  if (missing.length > 0) fail(file, "Resources", unresolved(missing, "Resources"));
  return needs;
}
