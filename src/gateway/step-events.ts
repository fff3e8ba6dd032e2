import { type StepMessage, stepEnds, stepStarts } from "./channels.ts";
import type { RequestContext, TracedStepName } from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";

/**
 * Publishes a step's start for tracers and returns the message to end it with; undefined (and
 * nothing published) unless the stage traces and someone listens, so an untraced request pays one
 * property read.
 */
export function stepStarted(ctx: RequestContext, step: TracedStepName): StepMessage | undefined {
  if (!stepsTraced(ctx)) return undefined;
  const message: StepMessage = { ctx, step };
  stepStarts.publish(message);
  return message;
}

/** Whether this request's steps are published for tracers (what stepStarted checks). */
export function stepsTraced(ctx: RequestContext): boolean {
  return ctx.stage.tracingEnabled === true && stepStarts.hasSubscribers;
}

/** Publishes the end of a step that stepStarted began (nothing when it began none). */
export function stepEnded(
  message: StepMessage | undefined,
  end?: { refusal?: GatewayResponse; error?: unknown; outcome?: string },
): void {
  if (message === undefined) return;
  if (end !== undefined) {
    if (end.refusal !== undefined) message.refusal = end.refusal;
    if (end.error !== undefined) message.error = end.error;
    if (end.outcome !== undefined) message.outcome = end.outcome;
  }
  stepEnds.publish(message);
}
