/** Schema pieces more than one part of the config file uses. */

export const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

/** Stage variables, as AWS limits their names and values. */
export const stageVariables = {
  type: "object",
  description: "Stage variables.",
  propertyNames: { pattern: "^[A-Za-z0-9_]{1,64}$" },
  additionalProperties: { type: "string", pattern: "^[A-Za-z0-9\\-._~:/?#&=,]{0,512}$" },
} as const;

export const apiId = {
  type: "string",
  pattern: "^[a-z0-9]{10}$",
  description: "Fixed API id (10 lower-case letters/digits).",
} as const;
