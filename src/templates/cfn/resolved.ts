import type { TemplateNotice } from "../template-plan.ts";

/**
 * A CloudFormation template once its intrinsics (Ref, Fn::GetAtt, Fn::Sub, conditions, …) are
 * evaluated: what the resolver hands the planner. Every format (SAM, serverless.yml, CDK's synth
 * output) arrives in this shape, so the planner reads plain values only.
 */
export interface ResolvedResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  dependsOn: string[];
}

export interface ResolvedTemplate {
  resources: ResolvedResource[];
  outputs: Record<string, unknown>;
  parameters: Record<string, string | string[]>;
  notices: TemplateNotice[];
}
