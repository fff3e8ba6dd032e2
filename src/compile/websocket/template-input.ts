import { headerMaps, queryMaps } from "../../functions/lambda-event.ts";
import { requestTime } from "../../http/request-time.ts";
import type { TemplateInput } from "../../mapping/template-set.ts";
import { fromJson, type JMap } from "../../mapping/vtl/values.ts";
import type { CompiledWsStage, WsInvocation } from "../../websocket/compiled.ts";

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * What a WebSocket route's templates see: `$input` (the message; on `$connect` also the upgrade
 * request's headers and query string through `$input.params()`), `$context` with the connection's
 * facts (DG `api-gateway-mapping-template-reference`, WebSocket `$context` variables) and
 * `$stageVariables`. The maps are built on first use: most templates read one or two of them.
 */
class WsTemplateInput implements TemplateInput {
  readonly body: string;
  readonly path = NONE;
  readonly stageVariables: Readonly<Record<string, string>>;
  private readonly event: WsInvocation;
  private readonly stage: CompiledWsStage;
  private headerMap: Record<string, string> | undefined;
  private queryMap: Record<string, string> | undefined;
  private contextMap: JMap | undefined;

  constructor(event: WsInvocation, stage: CompiledWsStage) {
    this.event = event;
    this.stage = stage;
    this.body = event.body ?? "";
    this.stageVariables = stage.variables;
  }

  get header(): Readonly<Record<string, string>> {
    this.headerMap ??= this.event.rawHeaders === undefined ? {} : headerMaps(this.event.rawHeaders).single;
    return this.headerMap;
  }

  get querystring(): Readonly<Record<string, string>> {
    this.queryMap ??= queryMaps(this.event.rawQuery ?? "")?.single ?? {};
    return this.queryMap;
  }

  get context(): JMap {
    const e = this.event;
    this.contextMap ??= fromJson({
      apiId: this.stage.apiId,
      stage: this.stage.stageName,
      connectionId: e.connectionId,
      connectedAt: e.connectedAt,
      domainName: e.domainName,
      eventType: e.eventType,
      extendedRequestId: e.extendedRequestId,
      messageDirection: "IN",
      messageId: e.messageId ?? null,
      requestId: e.requestId,
      requestTime: requestTime(e.startMs),
      requestTimeEpoch: e.startMs,
      routeKey: e.routeKey,
      identity: { sourceIp: e.sourceIp, userAgent: e.userAgent },
      authorizer: e.authorizer ?? {},
      ...(e.eventType === "DISCONNECT"
        ? { disconnectStatusCode: e.disconnectStatusCode ?? 1005, disconnectReason: e.disconnectReason ?? "" }
        : {}),
    }) as JMap;
    return this.contextMap;
  }

  // No `$context.responseOverride` on WebSocket routes: nothing reads what a template sets there.
  get builtContext(): JMap | undefined {
    return undefined;
  }
}

export function wsTemplateInput(event: WsInvocation, stage: CompiledWsStage): TemplateInput {
  return new WsTemplateInput(event, stage);
}
