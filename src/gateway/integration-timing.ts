import type { RequestContext } from "./context.ts";

/**
 * Integrations mark when they call their backend and when it answers, so that IntegrationLatency
 * and `$context.integration.*` can be read off the request once it is done. Two field writes per
 * request; nothing else happens unless someone observes the request.
 */
export function integrationStarted(ctx: RequestContext): void {
  ctx.integration = { startedAt: performance.now() };
}

export function integrationAnswered(ctx: RequestContext, status: number | undefined, error?: string): void {
  const facts = ctx.integration;
  if (facts === undefined || facts.latencyMs !== undefined) return;
  facts.latencyMs = performance.now() - facts.startedAt;
  if (status !== undefined) facts.status = status;
  if (error !== undefined) facts.error = error;
}
