import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { badRequest, ControlError } from "./errors.ts";

/**
 * AWS's control-plane quotas on sizes and counts, checked before a change is stored so a refusal leaves
 * everything as it was. Wording is AWS's where recorded; otherwise in its style.
 */

/** A member longer than the service model allows, worded as AWS's request validation words it. */
function tooLong(member: string, max: number): ControlError {
  return badRequest(
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ` +
      `Member must have length less than or equal to ${max}`,
  );
}

export function checkApiName(name: string): void {
  if (name.length > AWS_QUOTAS.apiNameChars) throw tooLong("name", AWS_QUOTAS.apiNameChars);
}

export function checkDescription(text: string | undefined, member = "description"): void {
  if (text !== undefined && text.length > AWS_QUOTAS.descriptionChars)
    throw tooLong(member, AWS_QUOTAS.descriptionChars);
}

/** "Length, in characters, of API Gateway resource policy": 8,192. */
export function checkPolicyLength(text: string): void {
  if (text.length > AWS_QUOTAS.resourcePolicyChars) {
    throw badRequest(
      `Invalid policy document: the policy is ${text.length} characters long, over the maximum of ` +
        `${AWS_QUOTAS.resourcePolicyChars}`,
    );
  }
}

const VARIABLE_NAME = /^\w+$/;
// The documented value pattern [A-Za-z0-9-._~:/?#&=,]+, with the space AWS's own message lists.
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=, ]+$/;

/** One stage variable: name of word characters (≤64), value of AWS's characters (1–512). */
export function checkStageVariable(name: string, value: string): void {
  if (name.length > AWS_QUOTAS.stageVariableKeyChars) {
    throw badRequest(
      `Invalid stage variable name: the name is longer than ${AWS_QUOTAS.stageVariableKeyChars} characters`,
    );
  }
  if (!VARIABLE_NAME.test(name)) {
    throw badRequest(`Invalid stage variable name: ${name}.  Please use names with only word characters.`);
  }
  if (value.length > AWS_QUOTAS.stageVariableValueChars) {
    throw badRequest(
      `Invalid stage variable value for ${name}: the value is longer than ` +
        `${AWS_QUOTAS.stageVariableValueChars} characters`,
    );
  }
  if (!VARIABLE_VALUE.test(value)) {
    // AWS's wording, quirks included [O].
    throw badRequest(
      `Invalid stage variable value: ${value}.  Please use values with alphanumeric characters and the ` +
        "symbols ' ', -', '.', '_', ':', '/', '?', '&', '=', and ','.",
    );
  }
}

/** A stage's variables: at most 100, each as {@link checkStageVariable} wants it. */
export function checkStageVariables(variables: Readonly<Record<string, string>> | undefined): void {
  if (variables === undefined) return;
  const names = Object.keys(variables);
  if (names.length > AWS_QUOTAS.stageVariablesPerStage) {
    throw badRequest(
      `Too many stage variables: ${names.length}; a stage has at most ${AWS_QUOTAS.stageVariablesPerStage}`,
    );
  }
  for (const name of names) checkStageVariable(name, variables[name]!);
}

/**
 * A per-API count at its quota, in AWS's words for resources ("Maximum number of Resources for this API
 * has been reached.  Please contact AWS if you need additional Resources.") and the same for the others.
 */
export function checkCount(
  count: number,
  max: number,
  what: "Resources" | "Stages" | "Authorizers" | "Routes" | "Integrations",
): void {
  if (count >= max) {
    throw new ControlError(
      "LimitExceededException",
      `Maximum number of ${what} for this API has been reached.  Please contact AWS if you need additional ${what}.`,
    );
  }
}
