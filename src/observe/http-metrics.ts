import type { RequestDoneMessage } from "../gateway/channels.ts";
import type { CompiledRoute } from "../gateway/context.ts";
import type { MetricsRegistry } from "./prometheus-registry.ts";
import { SeriesLabels } from "./series-labels.ts";

/**
 * AWS's HTTP API metrics with its dimensions as labels: `ApiId` and `Stage` always, `Route` (the
 * route key, `GET /pets/{id}` or `$default`) only for routes with `detailedMetricsEnabled`. A request
 * no route matched counts towards its stage.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 */

type Label = "ApiId" | "Stage" | "Route";
type Labels = Partial<Record<Label, string>>;
const LABELS: readonly Label[] = ["ApiId", "Stage", "Route"];

export class HttpMetrics {
  private readonly count;
  private readonly clientErrors;
  private readonly serverErrors;
  private readonly latency;
  private readonly integrationLatency;
  private readonly dataProcessed;
  private readonly labels: SeriesLabels<CompiledRoute, Labels>;

  constructor(metrics: MetricsRegistry) {
    this.count = metrics.counter("portico_http_count_total", "HTTP API requests (AWS Count).", LABELS);
    this.clientErrors = metrics.counter(
      "portico_http_4xx_total",
      "HTTP API requests answered 4xx (AWS 4xx).",
      LABELS,
    );
    this.serverErrors = metrics.counter(
      "portico_http_5xx_total",
      "HTTP API requests answered 5xx (AWS 5xx).",
      LABELS,
    );
    this.latency = metrics.latency(
      "portico_http_latency_milliseconds",
      "From receiving an HTTP API request to returning its response, in ms (AWS Latency).",
      LABELS,
    );
    this.integrationLatency = metrics.latency(
      "portico_http_integration_latency_milliseconds",
      "From relaying a request to the backend to receiving its response, in ms (AWS IntegrationLatency).",
      LABELS,
    );
    this.dataProcessed = metrics.counter(
      "portico_http_data_processed_bytes_total",
      "Bytes of request bodies (as declared by Content-Length) and response bodies (AWS DataProcessed).",
      LABELS,
    );
    this.labels = new SeriesLabels<CompiledRoute, Labels>({
      stage: (ApiId, Stage) => ({ ApiId, Stage }),
      route: (ApiId, Stage, route) => ({ ApiId, Stage, Route: route.resourcePath }),
      created: (labels) => {
        this.count.inc(labels, 0);
        this.clientErrors.inc(labels, 0);
        this.serverErrors.inc(labels, 0);
        this.dataProcessed.inc(labels, 0);
      },
    });
  }

  /** A finished request of an HTTP API. */
  request(m: RequestDoneMessage): void {
    const api = m.api;
    if (api === undefined) return;
    const route = m.ctx?.route;
    const labels =
      route?.detailedMetrics === true
        ? this.labels.route(route, api.apiId, api.stageName)
        : this.labels.stage(api.apiId, api.apiId, api.stageName);
    this.count.inc(labels);
    if (m.statusCode >= 500 && m.statusCode <= 599) this.serverErrors.inc(labels);
    else if (m.statusCode >= 400 && m.statusCode <= 499) this.clientErrors.inc(labels);
    this.latency.observe(labels, m.latencyMs);
    const integration = m.ctx?.integration?.latencyMs;
    if (integration !== undefined) this.integrationLatency.observe(labels, integration);
    const bytes = requestBytes(m.req.headers["content-length"]) + m.responseBytes;
    if (bytes > 0) this.dataProcessed.inc(labels, bytes);
  }
}

function requestBytes(declared: string | undefined): number {
  if (declared === undefined) return 0;
  const n = Number(declared);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
