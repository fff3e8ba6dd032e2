import { type HttpApiEvent, readHttpApiEvent } from "./http-api-events.ts";
import { type RestEvent, readHttpEvent } from "./http-events.ts";
import { isMapping, lambdaLogicalId, type ReadContext } from "./shape.ts";
import { readWebSocketEvent, type WebSocketEvent } from "./websocket-events.ts";

export interface ServiceEvents {
  rest: RestEvent[];
  httpApi: HttpApiEvent[];
  websocket: WebSocketEvent[];
}

/**
 * Every function's `events`, sorted by the API they belong to. Events that are not API Gateway's
 * (sqs, s3, schedule, sns, stream, eventBridge, alb, …) are named in a notice each: Portico is a
 * gateway, and those sources do not reach it.
 */
export function readEvents(ctx: ReadContext): ServiceEvents {
  const out: ServiceEvents = { rest: [], httpApi: [], websocket: [] };
  for (const [name, fn] of Object.entries(ctx.functions)) {
    if (!isMapping(fn)) continue;
    const at = ctx.root.key("functions").key(name).key("events");
    if (fn.events === undefined || fn.events === null) continue;
    if (!Array.isArray(fn.events)) throw at.error("must be a list of events");
    fn.events.forEach((event, i) => {
      const eventAt = at.index(i);
      if (!isMapping(event) || Object.keys(event).length !== 1)
        throw eventAt.error("an event is a mapping with one key (http, httpApi, websocket, sqs, …)");
      const [kind, value] = Object.entries(event)[0]!;
      if (kind === "http") out.rest.push(readHttpEvent(ctx, name, value, eventAt.key("http")));
      else if (kind === "httpApi")
        out.httpApi.push(readHttpApiEvent(name, value, fn, eventAt.key("httpApi")));
      else if (kind === "websocket")
        out.websocket.push(readWebSocketEvent(ctx, name, value, eventAt.key("websocket")));
      else
        ctx.notices.push(
          eventAt.notice(
            lambdaLogicalId(name),
            `${kind} events do not pass through API Gateway; not run by Portico`,
          ),
        );
    });
  }
  return out;
}
