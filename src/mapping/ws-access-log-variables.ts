import { requestTime } from "../http/request-time.ts";
import { compileLineFormat } from "./access-log-format.ts";
import type { Value } from "./access-log-variables.ts";

/**
 * The `$context` variables of WebSocket APIs' access logs
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html): one line
 * per event of a connection — its `$connect` (accepted or refused), each message, its `$disconnect` —
 * in the stage's format, compiled at deploy time like REST and HTTP formats (access-log-format.ts).
 * A value that does not apply prints `-`, as AWS prints it.
 */

/** What a WebSocket stage knows at deploy time. */
export interface WsStageFacts {
  readonly apiId: string;
  readonly stageName: string;
}

/**
 * One event as its line is made from it: what the WebSocket plane publishes on
 * `portico:websocket:event` (websocket/channels.ts), declared here, where it is read.
 */
export interface WsLoggedEvent {
  readonly eventType: "CONNECT" | "MESSAGE" | "DISCONNECT";
  /** The route that took the event; undefined for a message no route matched (and no `$default`). */
  readonly routeKey: string | undefined;
  /** The connection's facts, the same object on each of its events. */
  readonly facts: {
    readonly connectionId: string;
    readonly connectedAt: number;
    readonly sourceIp: string;
    readonly userAgent: string;
    readonly domainName: string;
    /** What the `$connect` authorizer allowed: `principalId` and its context. */
    readonly authorizer?: Readonly<Record<string, unknown>>;
  };
  /** The event's own ids and arrival time (epoch ms). */
  readonly ids: { readonly requestId: string; readonly extendedRequestId: string; readonly startMs: number };
  readonly messageId?: string;
  /** The event's status: the handshake's (200, or the refusal's), the integration's, or the gateway's refusal. */
  readonly status: number;
  /** The message of the gateway's own answer (a refused upgrade's, an error frame's). */
  readonly error?: string;
  /**
   * The integration, when it was called: its status (none when it could not be called or did not
   * answer) and, when known, why it failed.
   */
  readonly integration?: { readonly status?: number; readonly latencyMs: number; readonly error?: string };
  /** The API key `$connect` required (usage plans): its id and value, on every event of the connection. */
  readonly apiKeyId?: string;
  readonly apiKey?: string;
  /** CONNECT with a Lambda authorizer: its answer (200, or the refusal's status and message) and latency. */
  readonly authorizerCall?: { readonly status: number; readonly latencyMs: number; readonly error?: string };
}

type Getter = (e: WsLoggedEvent, stage: WsStageFacts) => Value;

const roundMs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms));
const integrationLatency: Getter = (e) => roundMs(e.integration?.latencyMs);
const integrationStatus: Getter = (e) => e.integration?.status;
const integrationError: Getter = (e) => e.integration?.error;

const VARIABLES: Record<string, Getter> = {
  apiId: (_e, stage) => stage.apiId,
  stage: (_e, stage) => stage.stageName,
  connectionId: (e) => e.facts.connectionId,
  connectedAt: (e) => e.facts.connectedAt,
  domainName: (e) => e.facts.domainName,
  eventType: (e) => e.eventType,
  messageDirection: () => "IN",
  messageId: (e) => e.messageId,
  routeKey: (e) => e.routeKey,
  // AWS: requestId is "the same as extendedRequestId"; Portico's is the id its error frames carry.
  requestId: (e) => e.ids.requestId,
  extendedRequestId: (e) => e.ids.extendedRequestId,
  requestTime: (e) => requestTime(e.ids.startMs),
  requestTimeEpoch: (e) => e.ids.startMs,
  status: (e) => e.status,
  "error.message": (e) => e.error,
  "error.messageString": (e) => (e.error === undefined ? undefined : JSON.stringify(e.error)),
  "identity.sourceIp": (e) => e.facts.sourceIp,
  "identity.userAgent": (e) => e.facts.userAgent,
  "identity.apiKeyId": (e) => e.apiKeyId,
  "identity.apiKey": (e) => e.apiKey,
  integrationLatency,
  "integration.latency": integrationLatency,
  integrationStatus,
  "integration.status": integrationStatus,
  "integration.integrationStatus": integrationStatus,
  integrationErrorMessage: integrationError,
  "integration.error": integrationError,
  // The `$connect` authorizer's own facts: names AWS reserves before the authorizer's context keys.
  "authorizer.status": (e) => e.authorizerCall?.status,
  "authorizer.latency": (e) => roundMs(e.authorizerCall?.latencyMs),
  "authorizer.error": (e) => e.authorizerCall?.error,
};

const RESERVED_AUTHORIZER = new Set(["integrationLatency", "integrationStatus", "requestId"]);

const NOTHING: Getter = () => undefined;

/** A value the `$connect` authorizer returned: `principalId` or a context key, stringified as AWS does. */
function authorizerValue(path: readonly string[]): Getter {
  return (e) => {
    let value: unknown = e.facts.authorizer;
    for (const key of path) {
      if (typeof value !== "object" || value === null) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    if (value === undefined || value === null) return undefined;
    return typeof value === "object" ? JSON.stringify(value) : (value as Value);
  };
}

/**
 * The getter of one variable, by its name after `$context.`. AWS's variables of what Portico does not
 * have or keep (WAF, Cognito, `authorize.*`, `authenticate.*`, `error.responseType`, the IAM caller)
 * and names AWS does not list print `-`.
 */
function wsAccessLogVariable(name: string): Getter {
  const known = VARIABLES[name];
  if (known !== undefined) return known;
  if (name.startsWith("authorizer.")) {
    const path = name.slice("authorizer.".length).split(".");
    return RESERVED_AUTHORIZER.has(path[0]!) ? NOTHING : authorizerValue(path);
  }
  return NOTHING;
}

/** Compiles a WebSocket stage's format: a function from one event to its line. */
export function compileWsAccessLogFormat(format: string, stage: WsStageFacts): (e: WsLoggedEvent) => string {
  return compileLineFormat<WsLoggedEvent>(format, (name) => {
    const get = wsAccessLogVariable(name);
    return (e) => get(e, stage);
  });
}
