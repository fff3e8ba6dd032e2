import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ResolvedResource, ResolvedTemplate } from "../../src/templates/cfn/resolve-template.ts";
import { attributeOf, refOf, type StackFacts } from "../../src/templates/references.ts";

/**
 * Resolved templates written by hand for the planner's tests: the ids a resolver gives Ref and
 * Fn::GetAtt come from src/templates/references.ts, as the resolver's own do.
 */
export const STACK: StackFacts = { stackName: "shop", region: "eu-west-1", accountId: "123456789012" };

export const ref = (logicalId: string, type: string, properties: Record<string, unknown> = {}) =>
  refOf(STACK, { logicalId, type, properties });

export const att = (logicalId: string, type: string, attribute: string) =>
  attributeOf(STACK, { logicalId, type, properties: {} }, attribute)!;

/** The invocation URI of a function named `name`, as Fn::Join/Fn::Sub of its Arn resolves. */
export const lambdaUri = (name: string) =>
  `arn:aws:apigateway:${STACK.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${STACK.region}:${STACK.accountId}:function:${name}/invocations`;

export function res(
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  extra: Partial<ResolvedResource> = {},
): ResolvedResource {
  return { logicalId, type, properties, dependsOn: [], ...extra };
}

export const template = (resources: ResolvedResource[]): ResolvedTemplate => ({
  resources,
  outputs: {},
  parameters: {},
  notices: [],
});

/** A folder holding `files` (relative path → text), as a project or cdk.out would. */
export function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "portico-cfn-plan-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const options = (baseDir: string) => ({ file: join(baseDir, "template.json"), baseDir, ...STACK });

export const HANDLER = "export const handler = async () => ({ statusCode: 200, body: 'ok' });\n";
