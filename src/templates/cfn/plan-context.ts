import { attributeOf, refOf, type StackFacts } from "../references.ts";
import { TemplateError, type TemplateNotice } from "../template-plan.ts";
import type { ResolvedResource } from "./resolve-template.ts";

export interface PlanOptions {
  /** The template file, for errors. */
  file: string;
  /** The folder local paths are relative to (the template's, or cdk.out for CDK's synth output). */
  baseDir: string;
  region: string;
  accountId: string;
  stackName: string;
}

/** The attributes other resources name after resolution: each maps back to its resource. */
const ATTRIBUTES: Record<string, readonly string[]> = {
  "AWS::ApiGateway::RestApi": ["RootResourceId"],
  "AWS::ApiGatewayV2::Api": ["ApiId"],
  "AWS::ApiGateway::ApiKey": ["APIKeyId"],
  "AWS::Lambda::Function": ["Arn"],
};

/**
 * What every planner shares: the resources, a way back from the physical ids a resolved template
 * holds (a Method's `RestApiId` is the API's id, not its logical id) to the resources they name, and
 * the notices gathered so far.
 */
export class PlanContext {
  readonly options: PlanOptions;
  readonly stack: StackFacts;
  readonly resources: readonly ResolvedResource[];
  readonly notices: TemplateNotice[] = [];
  readonly #index = new Map<string, ResolvedResource>();

  constructor(resources: readonly ResolvedResource[], options: PlanOptions) {
    this.options = options;
    this.stack = { stackName: options.stackName, region: options.region, accountId: options.accountId };
    this.resources = resources;
    for (const r of resources) {
      this.#index.set(`${r.type}\0Ref\0${refOf(this.stack, r)}`, r);
      for (const attribute of ATTRIBUTES[r.type] ?? []) {
        const value = attributeOf(this.stack, r, attribute);
        if (value !== undefined) this.#index.set(`${r.type}\0${attribute}\0${value}`, r);
      }
    }
  }

  /** The resource of `type` whose Ref (or `attribute`) is `id`. */
  find(type: string, id: unknown, attribute = "Ref"): ResolvedResource | undefined {
    return typeof id === "string" ? this.#index.get(`${type}\0${attribute}\0${id}`) : undefined;
  }

  ofType(type: string): ResolvedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  ref(r: ResolvedResource): string {
    return refOf(this.stack, r);
  }

  /** `where` is below the resource: `Type`, `Properties.Name`, `Properties.Quota.Period`. */
  notice(r: ResolvedResource, where: string, message: string): void {
    this.notices.push({ logicalId: r.logicalId, path: `Resources.${r.logicalId}.${where}`, message });
  }

  /** A template Portico cannot run: the file, the place in it, and why. */
  error(r: ResolvedResource, where: string, message: string): TemplateError {
    return new TemplateError(`${this.options.file}: Resources.${r.logicalId}.${where}`, message);
  }

  /**
   * The resource of `type` that property `property` of `r` names, by Ref (or `attribute`); a name
   * that is no such resource of this template is refused.
   */
  target(r: ResolvedResource, property: string, type: string, attribute = "Ref"): ResolvedResource {
    const value = r.properties[property];
    const found = this.find(type, value, attribute);
    if (found !== undefined) return found;
    const shown = value === undefined ? "nothing" : JSON.stringify(value);
    throw this.error(
      r,
      `Properties.${property}`,
      `names ${shown}, which is no ${type} of this template (Portico creates only the template's own resources)`,
    );
  }
}

/** Properties no API Gateway or Lambda behaviour depends on. */
const INERT = new Set(["Tags", "Description"]);

/**
 * Each property of `r` that is neither carried over (`handled`) nor without effect (`inert`, plus
 * Tags and Description) gets a notice: a setting that changes behaviour is never dropped silently.
 */
export function checkProperties(
  ctx: PlanContext,
  r: ResolvedResource,
  handled: readonly string[],
  inert: readonly string[] = [],
): void {
  for (const key of Object.keys(r.properties)) {
    if (handled.includes(key) || inert.includes(key) || INERT.has(key)) continue;
    ctx.notice(
      r,
      `Properties.${key}`,
      `${r.type} property ${key} is not carried over by Portico; the resource behaves as if it were absent`,
    );
  }
}
