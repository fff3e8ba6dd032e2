import type { RenderBudget } from "./budget.ts";

/**
 * Objects the gateway hands to templates ($input, $util, $foreach, …). Templates reach them only
 * through these two methods, never through JavaScript properties.
 */
export interface HostObject {
  readonly vtlHost: true;
  get(name: string): unknown;
  /**
   * The method's result, or NO_METHOD (from java-methods.ts) when there is no such method. What the
   * method goes through and builds is spent from the render's budget.
   */
  call(name: string, args: unknown[], budget: RenderBudget): unknown;
}

export const isHostObject = (v: unknown): v is HostObject =>
  typeof v === "object" && v !== null && (v as { vtlHost?: unknown }).vtlHost === true;
