import { statSync } from "node:fs";
import { isServerlessConfig } from "./serverless/read-serverless.ts";
import { parseTemplateText } from "./template-text.ts";

/**
 * Whether a file is a template (SAM, CloudFormation, serverless.yml) rather than an OpenAPI
 * document, or a folder (`cdk synth` output): what `portico import` sends to the gateway to run.
 */
export function isTemplate(path: string, text: string | undefined): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch {
    return false;
  }
  if (text === undefined) return false;
  let parsed: Record<string, unknown>;
  try {
    parsed = parseTemplateText(text, path);
  } catch {
    return false;
  }
  if (parsed.openapi !== undefined || parsed.swagger !== undefined) return false;
  return (
    isServerlessConfig(path, parsed) ||
    parsed.Resources !== undefined ||
    parsed.AWSTemplateFormatVersion !== undefined ||
    parsed.Transform !== undefined
  );
}
