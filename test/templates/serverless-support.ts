import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ServerlessOptions,
  type ServerlessTemplate,
  serverlessToCloudFormation,
} from "../../src/templates/serverless/read-serverless.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "serverless");

/** A serverless.yml text read the way the CLI will: parsed, then converted. */
export function convert(text: string, options: Partial<ServerlessOptions> = {}): ServerlessTemplate {
  const parsed = parseTemplateText(text, "serverless.yml");
  return serverlessToCloudFormation(parsed, {
    file: "serverless.yml",
    baseDir: FIXTURES,
    env: {},
    ...options,
  });
}

export function convertFixture(name: string, options: Partial<ServerlessOptions> = {}): ServerlessTemplate {
  const dir = join(FIXTURES, name);
  return convert(readFileSync(join(dir, "serverless.yml"), "utf8"), { baseDir: dir, ...options });
}

export type Json = Record<string, unknown>;
export const resources = (t: ServerlessTemplate): Record<string, Json> =>
  t.template.Resources as Record<string, Json>;
export const props = (t: ServerlessTemplate, id: string): Json => {
  const r = resources(t)[id];
  if (r === undefined) throw new Error(`no resource ${id}; have ${Object.keys(resources(t)).join(", ")}`);
  return r.Properties as Json;
};

/**
 * Just enough of CloudFormation's intrinsics (Ref, GetAtt Arn of functions, Sub, Join) to hand a
 * generated Body to Portico's own OpenAPI importer while the template resolver lands separately.
 */
export function evaluate(value: unknown, t: ServerlessTemplate, region = "us-east-1"): unknown {
  const arnOf = (id: string) => {
    const fn = props(t, id);
    return `arn:aws:lambda:${region}:000000000000:function:${String(fn.FunctionName)}`;
  };
  const pseudo: Record<string, string> = {
    "AWS::Partition": "aws",
    "AWS::Region": region,
    "AWS::AccountId": "000000000000",
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    const o = v as Json;
    if (typeof o["Fn::Sub"] === "string")
      return o["Fn::Sub"].replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        name.endsWith(".Arn") ? arnOf(name.slice(0, -4)) : (pseudo[name] ?? `\${${name}}`),
      );
    if (Array.isArray(o["Fn::Join"])) {
      const [sep, parts] = o["Fn::Join"] as [string, unknown[]];
      return parts.map(walk).join(sep);
    }
    if (typeof o.Ref === "string" && pseudo[o.Ref] !== undefined) return pseudo[o.Ref];
    if (Array.isArray(o["Fn::GetAtt"]) && o["Fn::GetAtt"][1] === "Arn")
      return arnOf(String(o["Fn::GetAtt"][0]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}
