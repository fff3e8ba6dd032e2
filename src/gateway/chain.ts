import type { IntegrationHandler, RequestContext, Step, StepOutcome } from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";
import { stepEnded, stepStarted } from "./step-events.ts";
import { apiKeyStep } from "./steps/api-key.ts";
import { authorizerStep, jwtStep } from "./steps/authorizer.ts";
import { endpointPolicyStep } from "./steps/endpoint-policy.ts";
import { iamStep } from "./steps/iam.ts";
import { privateEndpointStep } from "./steps/private-endpoint.ts";
import { policyBeforeAuthorizerStep, policyStep } from "./steps/resource-policy.ts";
import { throttleStep } from "./steps/throttle.ts";
import { validateRequestStep } from "./steps/validate-request.ts";

/** What choosing a route's steps needs to know, all of it fixed at deploy time. */
export interface StepChoice {
  readonly privateEndpoint: boolean;
  readonly hasPolicy: boolean;
  readonly authorizationType?: string;
  readonly apiKeyRequired?: boolean;
  readonly validated: boolean;
  /** The stage traces (`tracingEnabled`): each step publishes its start and end (observed). */
  readonly traced?: boolean;
}

/**
 * A route's steps in AWS's order (AWS-BEHAVIOUR.md §3: private endpoint and its VPC endpoint policy, resource policy, authN/authZ, API key,
 * throttling and quotas, request validation), only those it needs. Chosen once per route at deploy
 * time, so a request runs no check it cannot fail.
 */
export function chooseSteps(choice: StepChoice): readonly Step[] {
  const steps: Step[] = [];
  const type = choice.authorizationType;
  const custom = type === "CUSTOM";
  if (choice.privateEndpoint) steps.push(privateEndpointStep);
  // The VPC endpoint's policy comes first, judged on who the Authorization header says is asking:
  // on AWS_IAM methods that is known once IAM has verified the signature.
  if (choice.privateEndpoint && type !== "AWS_IAM") steps.push(endpointPolicyStep);
  if (type === "AWS_IAM") steps.push(iamStep);
  if (choice.privateEndpoint && type === "AWS_IAM") steps.push(endpointPolicyStep);
  if (custom && choice.hasPolicy) steps.push(policyBeforeAuthorizerStep);
  if (custom || type === "COGNITO_USER_POOLS") steps.push(authorizerStep);
  if (type === "JWT") steps.push(jwtStep);
  // After IAM the caller's identity policies count even where the API has no resource policy.
  if (!custom && (choice.hasPolicy || type === "AWS_IAM")) steps.push(policyStep);
  if (choice.apiKeyRequired === true) steps.push(apiKeyStep);
  steps.push(throttleStep);
  if (choice.validated) steps.push(validateRequestStep);
  return choice.traced === true ? steps.map(observed) : steps;
}

/**
 * A step that publishes its start and end for tracers (step-events.ts). Only traced stages' routes
 * carry these wrappers, chosen at deploy time, so untraced stages run their steps as they are; a
 * synchronous step stays synchronous.
 */
export function observed(step: Step): Step {
  return {
    name: step.name,
    run(ctx, trace): StepOutcome {
      const message = stepStarted(ctx, step.name);
      if (message === undefined) return step.run(ctx, trace);
      let outcome: StepOutcome;
      try {
        outcome = step.run(ctx, trace);
      } catch (error) {
        stepEnded(message, { error });
        throw error;
      }
      if (!(outcome instanceof Promise)) {
        stepEnded(message, { refusal: outcome });
        return outcome;
      }
      return outcome.then(
        (refusal) => {
          stepEnded(message, { refusal });
          return refusal;
        },
        (error: unknown) => {
          stepEnded(message, { error });
          throw error;
        },
      );
    },
  };
}

/** An integration that publishes its start and end for tracers, for traced stages' routes. */
export function observedIntegration(invoke: IntegrationHandler): IntegrationHandler {
  return (ctx) => {
    const message = stepStarted(ctx, "integration");
    if (message === undefined) return invoke(ctx);
    return invoke(ctx).then(
      () => stepEnded(message),
      (error: unknown) => {
        stepEnded(message, { error });
        throw error;
      },
    );
  };
}

/** Steps whose decisions are worth a trace line (authorization), as opposed to traffic and validation. */
export const tracesDecisions = (steps: readonly Step[]): boolean =>
  steps.some((s) => s.name !== "throttle" && s.name !== "validate-request");

/**
 * Runs the steps, then `serve`. Synchronous steps stay synchronous: a request that needs no await
 * (in-process throttle, no authorizer) reaches its integration in the same tick. `refuse` writes a
 * refusal; `after` runs once the steps are through, before the answer is written (the trace header).
 */
export function runChain(
  ctx: RequestContext,
  steps: readonly Step[],
  trace: string[] | undefined,
  serve: (ctx: RequestContext) => Promise<void> | undefined,
  refuse: (ctx: RequestContext, response: GatewayResponse) => void,
  after?: (ctx: RequestContext) => void,
  from = 0,
): Promise<void> | undefined {
  for (let i = from; i < steps.length; i++) {
    const outcome = steps[i]!.run(ctx, trace);
    if (outcome === undefined) continue;
    if (outcome instanceof Promise) {
      return outcome.then((response) => {
        if (response !== undefined) {
          after?.(ctx);
          refuse(ctx, response);
          return undefined;
        }
        return runChain(ctx, steps, trace, serve, refuse, after, i + 1);
      });
    }
    after?.(ctx);
    refuse(ctx, outcome);
    return undefined;
  }
  after?.(ctx);
  return serve(ctx);
}
