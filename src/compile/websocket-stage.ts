import { request } from "undici";
import { functionNameFromUri, invokeWithin } from "../functions/function-registry.ts";
import { renderTemplate, type TemplateInput } from "../mapping/template-set.ts";
import { compileTemplate } from "../mapping/vtl/template.ts";
import { fromJson } from "../mapping/vtl/values.ts";
import type {
  HttpDeployment,
  HttpIntegration,
  HttpIntegrationResponse,
  HttpStage,
} from "../model/http-api.ts";
import { httpRouteBucket, routeBuckets } from "../traffic/route-traffic.ts";
import type {
  CompiledWsRoute,
  CompiledWsStage,
  WsCompileDeps,
  WsInvocation,
  WsOutcome,
} from "../websocket/compiled.ts";
import { compileConnectAuthorizer } from "../websocket/connect-authorizer.ts";
import { compileRouteSelection } from "../websocket/route-selection.ts";
import { wsEvent } from "../websocket/ws-event.ts";

const DEFAULT_TIMEOUT_MS = 29_000;
const FAILED: WsOutcome = { statusCode: 500, failed: true };

/**
 * A WebSocket API's stage, compiled at deploy time: its route selection and, per route key, the
 * integration that serves `$connect`, messages and `$disconnect`.
 */
export function compileWebSocketStage(
  stage: HttpStage,
  deployment: HttpDeployment,
  deps: WsCompileDeps,
): CompiledWsStage {
  const { snapshot } = deployment;
  const routes = new Map<string, CompiledWsRoute>();
  for (const route of Object.values(snapshot.routes)) {
    const integrationId = route.target?.startsWith("integrations/")
      ? route.target.slice("integrations/".length)
      : undefined;
    const integration = integrationId === undefined ? undefined : snapshot.integrations[integrationId];
    const responses = snapshot.routeResponses?.[route.routeId] ?? {};
    routes.set(route.routeKey, {
      routeKey: route.routeKey,
      authorizationType: route.authorizationType ?? "NONE",
      ...(route.authorizationType === "CUSTOM" &&
      route.authorizerId !== undefined &&
      snapshot.authorizers?.[route.authorizerId]
        ? { authorizer: compileConnectAuthorizer(snapshot.authorizers[route.authorizerId]!, deps) }
        : {}),
      twoWay: Object.values(responses).some((r) => r.routeResponseKey === "$default"),
      apiKeyRequired: route.apiKeyRequired === true,
      buckets: routeBuckets(
        httpRouteBucket(
          stage.apiId,
          stage.stageName,
          route.routeKey,
          stage.defaultRouteSettings,
          stage.routeSettings,
        ),
        deps.accountBucket,
      ),
      integrate: compileIntegration(
        integration,
        deps,
        integrationId === undefined ? undefined : snapshot.integrationResponses?.[integrationId],
      ),
    });
  }
  return {
    apiId: stage.apiId,
    stageName: stage.stageName,
    deploymentId: deployment.deploymentId,
    variables: Object.freeze({ ...(stage.stageVariables ?? {}) }),
    selectRoute: compileRouteSelection(snapshot.api.routeSelectionExpression ?? "$request.body.action"),
    routes,
    accountId: deps.accountId,
    region: deps.region ?? "us-east-1",
    apiKeySource:
      snapshot.api.apiKeySelectionExpression === "$context.authorizer.usageIdentifierKey"
        ? "AUTHORIZER"
        : "HEADER",
    ...(deps.apiKeys === undefined ? {} : { apiKeys: deps.apiKeys }),
    ...(deps.traffic === undefined ? {} : { traffic: deps.traffic }),
  };
}

function compileIntegration(
  integration: HttpIntegration | undefined,
  deps: WsCompileDeps,
  responses: Readonly<Record<string, HttpIntegrationResponse>> | undefined,
): CompiledWsRoute["integrate"] {
  if (integration === undefined) return async () => FAILED;
  const timeoutMs = integration.timeoutInMillis ?? DEFAULT_TIMEOUT_MS;
  switch (integration.integrationType) {
    case "MOCK": {
      // A MOCK answers through its `$default` integration response's template, if it has one.
      const chosen = Object.values(responses ?? {}).find((r) => r.integrationResponseKey === "$default");
      const templates = chosen?.responseTemplates ?? {};
      const source = templates.$default ?? templates["application/json"] ?? Object.values(templates)[0];
      if (source === undefined) return async () => ({ statusCode: 200 });
      const template = compileTemplate(source);
      return async (event, stage) => {
        try {
          return { statusCode: 200, body: renderTemplate(template, templateInput(event, stage)) };
        } catch {
          return FAILED;
        }
      };
    }
    case "AWS_PROXY": {
      const name = functionNameFromUri(integration.integrationUri ?? "");
      return async (event, stage) => {
        const invoker = name === undefined ? undefined : deps.functions?.get(name);
        if (invoker === undefined) return FAILED;
        const outcome = await invokeWithin(invoker, event.requestId, wsEvent(event, stage), timeoutMs);
        if (outcome === "timeout" || !outcome.ok) return FAILED;
        return lambdaOutcome(outcome.result);
      };
    }
    case "HTTP_PROXY":
      return (event) => httpOutcome(integration.integrationUri ?? "", event, timeoutMs, deps);
    default:
      return async () => FAILED;
  }
}

/**
 * A Lambda proxy's result for a WebSocket route: `{statusCode, body}` (a missing statusCode is 200);
 * any other value is sent back as it is, as JSON text unless it is a string.
 */
function lambdaOutcome(result: unknown): WsOutcome {
  if (typeof result === "object" && result !== null && !Array.isArray(result)) {
    const r = result as { statusCode?: unknown; body?: unknown };
    const statusCode = r.statusCode === undefined ? 200 : Number(r.statusCode);
    if (!Number.isInteger(statusCode)) return FAILED;
    const body =
      r.body === undefined ? undefined : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
    return { statusCode, body };
  }
  if (result === undefined || result === null) return { statusCode: 200 };
  return { statusCode: 200, body: typeof result === "string" ? result : JSON.stringify(result) };
}

/** HTTP_PROXY: the message is POSTed to the URI; the backend's answer is the message back. */
async function httpOutcome(
  uri: string,
  event: WsInvocation,
  timeoutMs: number,
  deps: WsCompileDeps,
): Promise<WsOutcome> {
  if (event.eventType !== "MESSAGE") return { statusCode: 200 };
  try {
    const url = new URL(uri);
    const options = {
      method: "POST" as const,
      path: url.pathname + url.search,
      body: event.body ?? "",
      headers: { "content-type": "application/json", connectionid: event.connectionId },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
    // The backend's keep-alive pool, shared with every other integration that calls it.
    const response =
      deps.upstreams === undefined
        ? await request(uri, options)
        : await deps.upstreams.pool(url.origin).request(options);
    return { statusCode: response.statusCode, body: await response.body.text() };
  } catch {
    return FAILED;
  }
}

/** What a WebSocket route's templates see: `$input.body`, `$context` (the connection's facts), `$stageVariables`. */
function templateInput(event: WsInvocation, stage: CompiledWsStage): TemplateInput {
  return {
    body: event.body ?? "",
    path: {},
    querystring: {},
    header: {},
    context: fromJson({
      apiId: stage.apiId,
      stage: stage.stageName,
      connectionId: event.connectionId,
      connectedAt: event.connectedAt,
      domainName: event.domainName,
      eventType: event.eventType,
      messageId: event.messageId ?? null,
      requestId: event.requestId,
      routeKey: event.routeKey,
      identity: { sourceIp: event.sourceIp, userAgent: event.userAgent },
    }) as TemplateInput["context"],
    builtContext: undefined,
    stageVariables: stage.variables,
  };
}
