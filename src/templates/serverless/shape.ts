import type { TemplateNotice } from "../template-plan.ts";
import { TemplateError } from "../template-plan.ts";

/** A mapping of serverless.yml (or of a file it includes), never an array. */
export type Mapping = Record<string, unknown>;

export const isMapping = (value: unknown): value is Mapping =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Where a value sits in serverless.yml, for refusals and notices: `functions.hello.events[0].http`.
 * The file name is kept beside it so that a refusal reads `serverless.yml: functions.hello…: why`.
 */
export class Place {
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string) {
    this.file = file;
    this.path = path;
  }
  /** A key below this place; keys that are not identifiers are quoted, as a reader would write them. */
  key(name: string): Place {
    const part = /^[A-Za-z_$][\w$-]*$/.test(name) ? name : JSON.stringify(name);
    return new Place(this.file, this.path === "" ? part : `${this.path}.${part}`);
  }
  index(i: number): Place {
    return new Place(this.file, `${this.path}[${i}]`);
  }
  error(message: string): TemplateError {
    return new TemplateError(this.path === "" ? this.file : `${this.file}: ${this.path}`, message);
  }
  notice(logicalId: string, message: string): TemplateNotice {
    return { logicalId, path: this.path, message };
  }
}

/** What every part of the reader shares: the service, its stage and region, and the notices so far. */
export interface ReadContext {
  service: string;
  stage: string;
  region: string;
  /** The folder serverless.yml is in: handlers and `file(...)` paths are relative to it. */
  baseDir: string;
  root: Place;
  provider: Mapping;
  functions: Mapping;
  notices: TemplateNotice[];
  /** The CloudFormation template being built; parts add their resources to `Resources`. */
  resources: Mapping;
}

/** A mapping, or nothing when absent; anything else is refused. */
export function optionalMapping(value: unknown, at: Place): Mapping | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) throw at.error("must be a mapping");
  return value;
}

export function optionalString(value: unknown, at: Place): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") throw at.error("must be a string");
  return value;
}

export function requiredString(value: unknown, at: Place): string {
  const text = optionalString(value, at);
  if (text === undefined || text === "") throw at.error("is required");
  return text;
}

export function optionalNumber(value: unknown, at: Place): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw at.error("must be a number");
  return n;
}

export function optionalBoolean(value: unknown, at: Place): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  if (typeof value !== "boolean") throw at.error("must be true or false");
  return value;
}

/** A list, or a single item read as a list of one, as the framework accepts for most lists. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `-` → `Dash`, `_` → `Underscore`, first letter upper-cased: the framework's logical-id prefix. */
export function normalizedName(name: string): string {
  const replaced = name.replace(/-/g, "Dash").replace(/_/g, "Underscore");
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

export const lambdaLogicalId = (functionName: string): string =>
  `${normalizedName(functionName)}LambdaFunction`;

/**
 * The invocation URI of a function of this template, as API Gateway integrations and authorizers
 * name it; `Arn` is the function's own return value, so the URI names the function as deployed.
 */
export function lambdaInvokeUri(functionName: string): Mapping {
  return {
    "Fn::Sub": `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${lambdaLogicalId(functionName)}.Arn}/invocations`,
  };
}

/** The invocation URI of a function given by its ARN (a string, or an intrinsic that gives one). */
export function arnInvokeUri(arn: unknown): Mapping {
  return {
    "Fn::Join": [
      "",
      [
        "arn:",
        { Ref: "AWS::Partition" },
        ":apigateway:",
        { Ref: "AWS::Region" },
        ":lambda:path/2015-03-31/functions/",
        arn,
        "/invocations",
      ],
    ],
  };
}

/** The function an event or authorizer names must be one of this service's. */
export function requireFunction(ctx: ReadContext, name: string, at: Place): void {
  if (!Object.hasOwn(ctx.functions, name))
    throw at.error(`names function ${name}, which is not among this service's functions`);
}
