import type { Stage } from "../model/rest-api.ts";
import { methodSetting } from "../traffic/route-traffic.ts";

/**
 * Whether a route's requests are also counted per method or route, as AWS sends its detailed metrics
 * only when asked: a REST method's `metricsEnabled` (its own method settings, else the stage's `*\/*`),
 * an HTTP or WebSocket route's `detailedMetricsEnabled` (its `routeSettings` entry, else the stage's
 * `defaultRouteSettings`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 */
export function restDetailedMetrics(stage: Stage, resourcePath: string, httpMethod: string): boolean {
  return methodSetting(stage, resourcePath, httpMethod)?.metricsEnabled === true;
}

export function routeDetailedMetrics(
  routeKey: string,
  defaults: Record<string, unknown> | undefined,
  perRoute: Record<string, unknown> | undefined,
): boolean {
  const own = perRoute?.[routeKey] as Record<string, unknown> | undefined;
  return (own?.detailedMetricsEnabled ?? defaults?.detailedMetricsEnabled) === true;
}
