import {
  type CacheMessage,
  cacheLookups,
  type TrafficRefusalMessage,
  trafficRefusals,
} from "../gateway/channels.ts";
import type { CompiledStage, RequestContext } from "../gateway/context.ts";
import { CACHE_HITS, CACHE_MISSES, type Metrics, QUOTA_EXCEEDED, stageLabels, THROTTLED } from "./metrics.ts";

/**
 * Counts the data plane's cache lookups and traffic refusals into `metrics`, per stage, from the
 * pipeline's channels. `owns` keeps one gateway's counts apart from another's in the same process
 * (the channels are process-wide). Returns the unsubscribe.
 */
export function countTraffic(metrics: Metrics, owns: (ctx: RequestContext) => boolean): () => void {
  // Labels are built once per compiled stage, so counting a request is one map update.
  const labels = new WeakMap<CompiledStage, string>();
  const labelsOf = (stage: CompiledStage): string => {
    let found = labels.get(stage);
    if (found === undefined) {
      found = stageLabels(stage.apiId, stage.stageName);
      labels.set(stage, found);
    }
    return found;
  };
  const onRefusal = (message: unknown) => {
    const { ctx, type } = message as TrafficRefusalMessage;
    if (owns(ctx)) metrics.inc(type === "THROTTLED" ? THROTTLED : QUOTA_EXCEEDED, labelsOf(ctx.stage));
  };
  const onCache = (message: unknown) => {
    const { ctx, outcome } = message as CacheMessage;
    if (owns(ctx)) metrics.inc(outcome === "hit" ? CACHE_HITS : CACHE_MISSES, labelsOf(ctx.stage));
  };
  trafficRefusals.subscribe(onRefusal);
  cacheLookups.subscribe(onCache);
  return () => {
    trafficRefusals.unsubscribe(onRefusal);
    cacheLookups.unsubscribe(onCache);
  };
}
