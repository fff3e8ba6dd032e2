import type { WsConnectionMessage, WsMessageMessage } from "../websocket/channels.ts";
import type { CompiledWsRoute, CompiledWsStage } from "../websocket/compiled.ts";
import type { MetricsRegistry } from "./prometheus-registry.ts";
import { SeriesLabels } from "./series-labels.ts";

/**
 * AWS's WebSocket API metrics with its dimensions as labels: `ApiId` and `Stage` always, `Route` (the
 * route key) only for routes with `detailedMetricsEnabled`. Beside them, what AWS has no metric for
 * but an operator of the gateway wants: the connections open on this node, and refused `$connect`s.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html
 */

type Label = "ApiId" | "Stage" | "Route";
type Labels = Partial<Record<Label, string>>;
const LABELS: readonly Label[] = ["ApiId", "Stage", "Route"];

export class WebSocketMetrics {
  private readonly connectCount;
  private readonly messageCount;
  private readonly integrationErrors;
  private readonly clientErrors;
  private readonly executionErrors;
  private readonly integrationLatency;
  private readonly refused;
  private readonly open;
  private readonly labels: SeriesLabels<CompiledWsRoute, Labels>;
  /** This node's open connections, by id: what a disconnect takes off the gauge, even once the API is gone. */
  private readonly connections = new Map<string, Labels>();
  private readonly stageOf: (apiId: string, stageName: string) => CompiledWsStage | undefined;

  constructor(
    metrics: MetricsRegistry,
    stageOf: (apiId: string, stageName: string) => CompiledWsStage | undefined,
  ) {
    this.stageOf = stageOf;
    this.connectCount = metrics.counter(
      "portico_websocket_connect_count_total",
      "Upgrades handed to the $connect route, accepted or refused (AWS ConnectCount).",
      LABELS,
    );
    this.messageCount = metrics.counter(
      "portico_websocket_message_count_total",
      "Messages received from clients (AWS MessageCount).",
      LABELS,
    );
    this.integrationErrors = metrics.counter(
      "portico_websocket_integration_error_total",
      "Messages whose integration answered 4xx/5xx (AWS IntegrationError).",
      LABELS,
    );
    this.clientErrors = metrics.counter(
      "portico_websocket_client_error_total",
      "Messages refused before their integration: no route, throttled, over quota (AWS ClientError).",
      LABELS,
    );
    this.executionErrors = metrics.counter(
      "portico_websocket_execution_error_total",
      "Messages whose integration could not be called or did not answer (AWS ExecutionError).",
      LABELS,
    );
    this.integrationLatency = metrics.latency(
      "portico_websocket_integration_latency_milliseconds",
      "From sending a message to its integration to its answer, in ms (AWS IntegrationLatency).",
      LABELS,
    );
    this.refused = metrics.counter(
      "portico_websocket_connect_refused_total",
      "Upgrades refused by $connect: authorization, API key, throttling or the integration's answer.",
      ["ApiId", "Stage"],
    );
    this.open = metrics.gauge("portico_websocket_connections", "WebSocket connections open on this node.", [
      "ApiId",
      "Stage",
    ]);
    this.labels = new SeriesLabels<CompiledWsRoute, Labels>({
      stage: (ApiId, Stage) => ({ ApiId, Stage }),
      route: (ApiId, Stage, route) => ({ ApiId, Stage, Route: route.routeKey }),
      created: (labels) => {
        for (const c of [this.messageCount, this.integrationErrors, this.clientErrors, this.executionErrors])
          c.inc(labels, 0);
      },
    });
  }

  private labelsOf(apiId: string, stageName: string, route: CompiledWsRoute | undefined): Labels {
    return route?.detailedMetrics === true
      ? this.labels.route(route, apiId, stageName)
      : this.labels.stage(apiId, apiId, stageName);
  }

  /** A `$connect` accepted or refused, or a connection closed. */
  connection(m: WsConnectionMessage): void {
    if (m.event === "disconnect") {
      const labels = this.connections.get(m.connectionId);
      if (labels === undefined) return;
      this.connections.delete(m.connectionId);
      this.open.dec(labels);
      return;
    }
    const stage = this.stageOf(m.apiId, m.stage);
    if (stage === undefined) return;
    // AWS counts messages sent to the $connect integration: not a refusal before it (authorizer,
    // API key, throttle), nor a connection to an API without $connect.
    if (m.integrated === true)
      this.connectCount.inc(this.labelsOf(m.apiId, m.stage, stage.routes.get("$connect")));
    const stageLabels = { ApiId: m.apiId, Stage: m.stage };
    if (m.event === "refused") {
      this.refused.inc(stageLabels);
      return;
    }
    this.connections.set(m.connectionId, stageLabels);
    this.open.inc(stageLabels);
  }

  /** A message from a client, however it ended. */
  message(m: WsMessageMessage): void {
    const stage = this.stageOf(m.apiId, m.stage);
    if (stage === undefined) return;
    const route = m.routeKey === undefined ? undefined : stage.routes.get(m.routeKey);
    const labels = this.labelsOf(m.apiId, m.stage, route);
    this.messageCount.inc(labels);
    switch (m.outcome) {
      case "client-error":
        this.clientErrors.inc(labels);
        return;
      case "execution-error":
        this.executionErrors.inc(labels);
        return;
      case "integration-error":
        this.integrationErrors.inc(labels);
        break;
      case "ok":
        break;
    }
    this.integrationLatency.observe(labels, m.integrationLatencyMs);
  }
}
