import type { TrafficRefusalMessage } from "../gateway/channels.ts";
import type { CompiledStage } from "../gateway/context.ts";
import type { MetricsRegistry } from "./prometheus-registry.ts";

type Labels = { ApiId: string; Stage: string };

/**
 * Requests of REST and HTTP APIs refused by throttling (429 THROTTLED) or by their usage plan's
 * quota (429 QUOTA_EXCEEDED), per stage: AWS counts these only inside 4XXError, an operator wants them
 * apart. With Redis, also the decisions taken while it was unreachable.
 */
export class TrafficMetrics {
  private readonly throttled;
  private readonly quotaExceeded;
  /** Labels per compiled stage, so counting a refusal allocates nothing. */
  private readonly labels = new WeakMap<CompiledStage, Labels>();

  constructor(metrics: MetricsRegistry, redisUnavailable?: () => number) {
    this.throttled = metrics.counter(
      "portico_throttled_total",
      "Requests refused with 429 Too Many Requests (throttling: method, stage, usage plan or account).",
      ["ApiId", "Stage"],
    );
    this.quotaExceeded = metrics.counter(
      "portico_quota_exceeded_total",
      "Requests refused with 429 Limit Exceeded (a usage plan's quota).",
      ["ApiId", "Stage"],
    );
    if (redisUnavailable !== undefined)
      metrics.countedElsewhere(
        "portico_redis_unavailable_total",
        "Throttle, quota and cache decisions made while Redis was unreachable.",
        redisUnavailable,
      );
  }

  refusal(m: TrafficRefusalMessage): void {
    const { stage } = m.ctx;
    let labels = this.labels.get(stage);
    if (labels === undefined) {
      labels = { ApiId: stage.apiId, Stage: stage.stageName };
      this.labels.set(stage, labels);
      this.throttled.inc(labels, 0);
      this.quotaExceeded.inc(labels, 0);
    }
    (m.type === "THROTTLED" ? this.throttled : this.quotaExceeded).inc(labels);
  }
}
