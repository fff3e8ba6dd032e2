import type { Step } from "../context.ts";

/**
 * Before a Lambda authorizer AWS evaluates the resource policy refusing only an explicit deny; an allow
 * from the authorizer then suffices where the resource policy is silent (AWS's Table A).
 */
export const policyBeforeAuthorizerStep: Step = {
  name: "resource-policy",
  run(ctx, trace) {
    return ctx.stage.access?.(ctx, undefined, "explicitDenyOnly", undefined, trace && ((l) => trace.push(l)));
  },
};

/**
 * The resource policy, and for IAM callers their identity policies (and a role session's session
 * policy); the trace says which of them decided (access-check.ts).
 */
export const policyStep: Step = {
  name: "resource-policy",
  run(ctx, trace) {
    const { stage } = ctx;
    if (stage.access === undefined || (!stage.hasPolicy && ctx.caller === undefined)) return undefined;
    return stage.access(ctx, ctx.caller, undefined, undefined, trace && ((l) => trace.push(l)));
  },
};
