import type { CacheMessage, RequestDoneMessage } from "../gateway/channels.ts";
import type { CompiledRoute } from "../gateway/context.ts";
import type { MetricsRegistry } from "./prometheus-registry.ts";
import { SeriesLabels } from "./series-labels.ts";

/**
 * AWS's REST API metrics (namespace AWS/ApiGateway) with its dimensions as labels: `ApiName` and
 * `Stage` always, `Resource` (the resource path template, never the raw path) and `Method` only for
 * methods whose stage settings have `metricsEnabled`, as AWS sends its detailed metrics only when
 * asked. A request no method matched counts towards its stage.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 */

type Label = "ApiName" | "Stage" | "Resource" | "Method";
type Labels = Partial<Record<Label, string>>;
const LABELS: readonly Label[] = ["ApiName", "Stage", "Resource", "Method"];

/**
 * AWS drops non-ASCII characters from the ApiName dimension, and uses the API's id when nothing is
 * left (same page). An API whose name is not known yet is named by its id too.
 */
export function apiNameDimension(name: string | undefined, apiId: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  const ascii = name?.replace(/[^\x00-\x7f]/g, "") ?? "";
  return ascii === "" ? apiId : ascii;
}

export class RestMetrics {
  private readonly count;
  private readonly clientErrors;
  private readonly serverErrors;
  private readonly latency;
  private readonly integrationLatency;
  private readonly cacheHits;
  private readonly cacheMisses;
  private readonly labels: SeriesLabels<CompiledRoute, Labels>;
  /** Label sets whose cache series exist. */
  private readonly cached = new WeakSet<Labels>();
  private readonly apiName: (apiId: string) => string | undefined;

  constructor(metrics: MetricsRegistry, apiName: (apiId: string) => string | undefined) {
    this.apiName = apiName;
    this.count = metrics.counter("portico_rest_count_total", "REST API requests (AWS Count).", LABELS);
    this.clientErrors = metrics.counter(
      "portico_rest_4xx_error_total",
      "REST API requests answered 4xx, gateway responses included (AWS 4XXError).",
      LABELS,
    );
    this.serverErrors = metrics.counter(
      "portico_rest_5xx_error_total",
      "REST API requests answered 5xx (AWS 5XXError).",
      LABELS,
    );
    this.latency = metrics.latency(
      "portico_rest_latency_milliseconds",
      "From receiving a REST API request to returning its response, in ms (AWS Latency).",
      LABELS,
    );
    this.integrationLatency = metrics.latency(
      "portico_rest_integration_latency_milliseconds",
      "From relaying a request to the backend to receiving its response, in ms (AWS IntegrationLatency).",
      LABELS,
    );
    this.cacheHits = metrics.counter(
      "portico_rest_cache_hit_count_total",
      "Requests served from the API cache (AWS CacheHitCount).",
      LABELS,
    );
    this.cacheMisses = metrics.counter(
      "portico_rest_cache_miss_count_total",
      "Requests served by the backend while caching was enabled (AWS CacheMissCount).",
      LABELS,
    );
    this.labels = new SeriesLabels<CompiledRoute, Labels>({
      stage: (ApiName, Stage) => ({ ApiName, Stage }),
      route: (ApiName, Stage, route) => ({
        ApiName,
        Stage,
        Resource: route.resourcePath,
        Method: route.httpMethod,
      }),
      created: (labels) => {
        this.count.inc(labels, 0);
        this.clientErrors.inc(labels, 0);
        this.serverErrors.inc(labels, 0);
      },
    });
  }

  /** The last name seen per API and its dimension: a request reads, a rename recomputes. */
  private readonly dimensions = new Map<string, { name: string | undefined; dimension: string }>();

  private dimension(name: string | undefined, apiId: string): string {
    const known = this.dimensions.get(apiId);
    if (known !== undefined && known.name === name) return known.dimension;
    const dimension = apiNameDimension(name, apiId);
    this.dimensions.set(apiId, { name, dimension });
    return dimension;
  }

  private labelsOf(apiId: string, stageName: string, route: CompiledRoute | undefined): Labels {
    const name = this.dimension(this.apiName(apiId), apiId);
    return route?.detailedMetrics === true
      ? this.labels.route(route, name, stageName)
      : this.labels.stage(apiId, name, stageName);
  }

  /** A finished request of a REST API. */
  request(m: RequestDoneMessage): void {
    const api = m.api;
    if (api === undefined) return;
    const labels = this.labelsOf(api.apiId, api.stageName, m.ctx?.route);
    this.count.inc(labels);
    if (m.statusCode >= 500 && m.statusCode <= 599) this.serverErrors.inc(labels);
    else if (m.statusCode >= 400 && m.statusCode <= 499) this.clientErrors.inc(labels);
    this.latency.observe(labels, m.latencyMs);
    const integration = m.ctx?.integration?.latencyMs;
    if (integration !== undefined) this.integrationLatency.observe(labels, integration);
  }

  /** A lookup in the stage cache. */
  cache(m: CacheMessage): void {
    const { ctx } = m;
    const labels = this.labelsOf(ctx.stage.apiId, ctx.stage.stageName, ctx.route);
    if (!this.cached.has(labels)) {
      // Both series from the first lookup, so a hit ratio has its denominator at once.
      this.cached.add(labels);
      this.cacheHits.inc(labels, 0);
      this.cacheMisses.inc(labels, 0);
    }
    (m.outcome === "hit" ? this.cacheHits : this.cacheMisses).inc(labels);
  }
}
