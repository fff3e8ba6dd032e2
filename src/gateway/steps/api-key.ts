import type { Step } from "../context.ts";

/**
 * `apiKeyRequired` methods: the key from `x-api-key` (or the one a Lambda authorizer named, with
 * `apiKeySource: AUTHORIZER`) must be enabled and in a usage plan of this stage; its plan then
 * throttles and counts the request.
 */
export const apiKeyStep: Step = {
  name: "api-key",
  run(ctx, trace) {
    const { stage } = ctx;
    const header = ctx.req.headers["x-api-key"];
    const value = stage.apiKeySource === "AUTHORIZER" ? ctx.usageIdentifierKey : header;
    const key = stage.apiKeys?.authorize(
      Array.isArray(value) ? value[0] : value,
      stage.apiId,
      stage.stageName,
    );
    if (key === undefined) {
      trace?.push("API key: missing, unknown, disabled or not in a usage plan for this stage");
      return stage.responses.INVALID_API_KEY;
    }
    trace?.push(`API key: ${key.id} (usage plans ${key.usagePlanIds.join(", ")})`);
    ctx.apiKey = key;
    return undefined;
  },
};
