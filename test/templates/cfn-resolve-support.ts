import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ResolvedTemplate, resolveTemplate } from "../../src/templates/cfn/resolve-template.ts";
import { parseTemplateText } from "../../src/templates/template-text.ts";

export const STACK = { region: "eu-west-1", accountId: "123456789012", stackName: "shop" } as const;

/** A YAML template (CloudFormation's short tags allowed) resolved in the test stack. */
export function resolveYaml(
  text: string,
  overrides?: Record<string, string>,
  baseDir: string = tmpdir(),
): ResolvedTemplate {
  return resolveTemplate(parseTemplateText(text, "template.yaml"), {
    file: "template.yaml",
    baseDir,
    ...(overrides === undefined ? {} : { parameterOverrides: overrides }),
    ...STACK,
  });
}

/** The resolved properties of one resource. */
export function propertiesOf(resolved: ResolvedTemplate, logicalId: string): Record<string, unknown> {
  const resource = resolved.resources.find((r) => r.logicalId === logicalId);
  if (resource === undefined) throw new Error(`no resource ${logicalId}`);
  return resource.properties;
}

/** A fresh folder holding the given files. */
export function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "portico-cfn-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A template of one AWS::SNS::Topic whose properties are `body` (indented YAML). */
export const topicWith = (body: string, head = ""): string =>
  `${head}\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n${body}\n`;
