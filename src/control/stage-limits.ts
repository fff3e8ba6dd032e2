import { isDeepStrictEqual } from "node:util";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { checkCount, checkDescription, checkStageVariables } from "./limits.ts";

/** Creating one more stage of an API that has `existing`: at most 10 per API. */
export function checkNewStage(existing: number): void {
  checkCount(existing, AWS_QUOTAS.stagesPerApi, "Stages");
}

/**
 * A stage as a change leaves it (REST or HTTP): its variables and description within AWS's quotas.
 * Only what the change touched is checked, so a stage stored before these checks can still be edited.
 */
export function checkStageChange<S extends { description?: string }>(
  current: S | undefined,
  next: S,
  variablesOf: (stage: S) => Readonly<Record<string, string>> | undefined,
): void {
  if (next.description !== current?.description) checkDescription(next.description);
  const variables = variablesOf(next);
  if (current === undefined || !isDeepStrictEqual(variables, variablesOf(current)))
    checkStageVariables(variables);
}
