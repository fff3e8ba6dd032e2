import { stringMap } from "./schema-parts.ts";

/**
 * An `apis:` entry naming a template: an AWS SAM `template.yaml`, a CloudFormation template (or a
 * `cdk synth` output folder) or a Serverless Framework `serverless.yml`. Every API, function, API key
 * and usage plan in it is run as the stack would create it on AWS (docs/templates.md).
 */
export const TEMPLATE_API_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["template"],
  properties: {
    template: {
      type: "string",
      description:
        "SAM or CloudFormation template (YAML or JSON), cdk.out folder, or serverless.yml, relative to this file.",
    },
    parameters: {
      ...stringMap,
      description: "Template parameter values by name, as `sam deploy --parameter-overrides` gives them.",
    },
    stackName: {
      type: "string",
      pattern: "^[A-Za-z][A-Za-z0-9-]{0,127}$",
      description:
        "The stack's name (AWS::StackName; API ids derive from it). Default: the template's folder name; serverless.yml: {service}-{stage}.",
    },
    stage: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,128}$",
      description: "serverless.yml: the stage (--stage; default its provider.stage, else dev).",
    },
  },
} as const;

export interface TemplateApiConfig {
  template: string;
  parameters?: Record<string, string>;
  stackName?: string;
  stage?: string;
}

/** A template the gateway runs at start: from the config file's `apis:` or `--template`. */
export interface TemplateSource extends TemplateApiConfig {
  /** Where it is declared (`file:line:col: apis[i]`, or `--template`), for refusals. */
  declaredAt?: string;
}
