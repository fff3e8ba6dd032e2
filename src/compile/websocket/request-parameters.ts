import { firstHeader } from "../../http/raw-headers.ts";
import type { CompiledWsStage, WsInvocation } from "../../websocket/compiled.ts";

/** Where a mapped value goes in the backend request. */
export interface MappedParameters {
  readonly headers: Record<string, string>;
  /** `name=value` pairs, URI-encoded, to append to the integration URI's query string. */
  readonly query: string[];
  readonly path: Record<string, string>;
}

type Source = (event: WsInvocation, stage: CompiledWsStage, body: () => unknown) => string | undefined;

/**
 * A WebSocket integration's `requestParameters`, compiled at deploy time
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-data-mapping.html):
 * `integration.request.{header|querystring|path}.name` from `route.request.header.X` and
 * `route.request.querystring.X` (the upgrade request's, so on `$connect`), `route.request.body.X`
 * (a property of a JSON message), `context.X`, `stageVariables.X` or `'static'`. A source with no
 * value maps nothing. AWS passes nothing of its own: not even the connection id, unless mapped.
 */
export function compileRequestParameters(
  parameters: Readonly<Record<string, string>> | undefined,
): ((event: WsInvocation, stage: CompiledWsStage) => MappedParameters) | undefined {
  const entries = Object.entries(parameters ?? {}).flatMap(([target, source]) => {
    const t = /^integration\.request\.(header|querystring|path)\.(.+)$/.exec(target);
    const read = compileSource(source);
    return t === null || read === undefined ? [] : [{ kind: t[1]!, name: t[2]!, read }];
  });
  if (entries.length === 0) return undefined;
  return (event, stage) => {
    let parsed: unknown;
    let tried = false;
    const body = () => {
      if (!tried) {
        tried = true;
        try {
          parsed = JSON.parse(event.body ?? "");
        } catch {
          parsed = undefined;
        }
      }
      return parsed;
    };
    const out: MappedParameters = { headers: {}, query: [], path: {} };
    for (const e of entries) {
      const value = e.read(event, stage, body);
      if (value === undefined) continue;
      if (e.kind === "header") out.headers[e.name.toLowerCase()] = value;
      else if (e.kind === "querystring")
        out.query.push(`${encodeURIComponent(e.name)}=${encodeURIComponent(value)}`);
      else out.path[e.name] = value;
    }
    return out;
  };
}

function compileSource(source: string): Source | undefined {
  const literal = /^'([^']*)'$/.exec(source);
  if (literal !== null) {
    const value = literal[1]!;
    return () => value;
  }
  let m = /^route\.request\.header\.(.+)$/i.exec(source);
  if (m !== null) {
    const name = m[1]!.toLowerCase();
    return (e) => (e.rawHeaders === undefined ? undefined : firstHeader(e.rawHeaders, name));
  }
  m = /^route\.request\.querystring\.(.+)$/i.exec(source);
  if (m !== null) {
    const name = m[1]!;
    return (e) => new URLSearchParams(e.rawQuery ?? "").get(name) ?? undefined;
  }
  m = /^route\.request\.body\.(?:\$\.)?(.+)$/.exec(source);
  if (m !== null) {
    const path = m[1]!.split(".");
    return (_e, _s, body) =>
      scalar(path.reduce<unknown>((v, k) => (isObject(v) && Object.hasOwn(v, k) ? v[k] : undefined), body()));
  }
  m = /^stageVariables\.(.+)$/.exec(source);
  if (m !== null) {
    const name = m[1]!;
    return (_e, stage) => (Object.hasOwn(stage.variables, name) ? stage.variables[name] : undefined);
  }
  m = /^context\.(.+)$/.exec(source);
  if (m !== null) return contextSource(m[1]!);
  return undefined;
}

function contextSource(name: string): Source | undefined {
  switch (name) {
    case "connectionId":
      return (e) => e.connectionId;
    case "connectedAt":
      return (e) => String(e.connectedAt);
    case "domainName":
      return (e) => e.domainName;
    case "eventType":
      return (e) => e.eventType;
    case "messageId":
      return (e) => e.messageId;
    case "routeKey":
      return (e) => e.routeKey;
    case "requestId":
      return (e) => e.requestId;
    case "extendedRequestId":
      return (e) => e.extendedRequestId;
    case "requestTimeEpoch":
      return (e) => String(e.startMs);
    case "apiId":
      return (_e, s) => s.apiId;
    case "stage":
      return (_e, s) => s.stageName;
    case "identity.sourceIp":
      return (e) => e.sourceIp;
    case "identity.userAgent":
      return (e) => e.userAgent;
    default: {
      const key = /^authorizer\.(.+)$/.exec(name)?.[1];
      if (key === undefined) return undefined;
      return (e) =>
        scalar(
          e.authorizer !== undefined && Object.hasOwn(e.authorizer, key) ? e.authorizer[key] : undefined,
        );
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function scalar(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** The integration URI with mapped path parameters (`{name}`) filled in and mapped query values added. */
export function mappedUri(uri: string, mapped: MappedParameters | undefined): string {
  if (mapped === undefined) return uri;
  let out = uri.replace(/\{([^}]+)\}/g, (whole, name: string) =>
    Object.hasOwn(mapped.path, name) ? encodeURIComponent(mapped.path[name]!) : whole,
  );
  if (mapped.query.length > 0) out += (out.includes("?") ? "&" : "?") + mapped.query.join("&");
  return out;
}
