import type { CompileDeps } from "../compile/deps.ts";
import { compileRestStage } from "../compile/rest-stage.ts";
import type { CompiledStage } from "../gateway/context.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";

/**
 * The stage a test invocation (TestInvokeMethod, TestInvokeAuthorizer) runs on: the API's current,
 * undeployed definition under a stage of its own, with no cache, tracing or method settings. It is
 * reached directly, as on AWS: not through CloudFront or the execute-api endpoint (which the API may
 * disable), and counted against no throttle or quota.
 */
export function testInvokeStage(
  snapshot: RestApiDefinition,
  stageName: string,
  variables: Record<string, string>,
  deps: CompileDeps,
): CompiledStage {
  const now = Date.now();
  const restApiId = snapshot.api.id;
  const compiled = compileRestStage(
    {
      restApiId,
      stageName,
      deploymentId: "testinvoke",
      variables,
      cacheClusterEnabled: false,
      cacheClusterStatus: "NOT_AVAILABLE",
      tracingEnabled: false,
      methodSettings: {},
      createdDate: now,
      lastUpdatedDate: now,
    },
    { id: "testinvoke", restApiId, createdDate: now, snapshot },
    deps,
  );
  return { ...compiled, edge: false, traffic: undefined, defaultEndpointDisabled: false };
}
