import type { IncomingMessage } from "node:http";
import type { KeyEntry } from "../auth/api-key-index.ts";
import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../auth/sigv4/verify-request.ts";
import type { IamAuthority } from "../gateway/context.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { newExtendedRequestId, newRequestId } from "../http/request-ids.ts";
import type { Logger } from "../logger.ts";
import type { CompiledWsStage, WsInvocation } from "./compiled.ts";
import { identityRefusal } from "./identity-check.ts";
import { admitWsTraffic, refusalMessage } from "./ws-traffic.ts";

const EMPTY_SHA256 = sha256Hex(Buffer.alloc(0));

/** The facts of a connection that every event of it carries. */
export type ConnectionFacts = Pick<
  WsInvocation,
  "connectionId" | "connectedAt" | "sourceIp" | "userAgent" | "domainName" | "authorizer"
>;

export type EventIds = ReturnType<typeof newIds>;

export interface ConnectionKey {
  readonly entry: KeyEntry;
  readonly value: string;
}

/** What the access log reads of a handshake, accepted or refused (ws-access-log-variables.ts). */
interface HandshakeRecord {
  readonly ids: EventIds;
  /** Whether a `$connect` integration was called (what AWS's ConnectCount counts). */
  readonly integrated: boolean;
  /** The `$connect` integration's status (none when it failed) and latency, when it was called. */
  readonly integration?: { readonly status?: number; readonly latencyMs: number };
  /** The Lambda authorizer's answer and latency, when `$connect` has one. */
  readonly authorizerCall?: { readonly status: number; readonly latencyMs: number; readonly error?: string };
}

export type Handshake =
  | (HandshakeRecord & {
      readonly accepted: true;
      readonly facts: ConnectionFacts;
      /** The API key `$connect` required: its entry (usage plans) and the value the client gave. */
      readonly apiKey?: ConnectionKey;
    })
  | (HandshakeRecord & { readonly accepted: false; readonly status: number; readonly message: string });

export const newIds = () => ({
  requestId: newRequestId(),
  extendedRequestId: newExtendedRequestId(),
  startMs: Date.now(),
});

/**
 * Whether a WebSocket upgrade becomes a connection, in AWS's order: the `$connect` route's
 * authorization (IAM or a Lambda REQUEST authorizer), its API key (`apiKeyRequired`), throttling,
 * then its integration, whose non-2xx answer refuses the handshake with that status.
 */
export async function shakeHands(
  req: IncomingMessage,
  stage: CompiledWsStage,
  facts: Omit<ConnectionFacts, "authorizer">,
  env: { iam: IamAuthority | undefined; log: Logger },
): Promise<Handshake> {
  const onConnect = stage.routes.get("$connect");
  const ids = newIds();
  // What the access log reads of the handshake, filled in as it goes.
  let authorizerCall: HandshakeRecord["authorizerCall"];
  let integration: HandshakeRecord["integration"];
  const refused = (status: number, message: string): Handshake => ({
    ids,
    integrated: integration !== undefined,
    integration,
    authorizerCall,
    accepted: false,
    status,
    message,
  });
  let authorizer: Record<string, unknown> | undefined;
  let usageIdentifierKey: string | undefined;
  if (onConnect?.authorizer !== undefined) {
    const started = performance.now();
    const decision = await onConnect.authorizer(req, stage, facts.connectionId);
    const latencyMs = performance.now() - started;
    if (!decision.allowed) {
      authorizerCall = { status: decision.status, latencyMs, error: decision.message };
      return refused(decision.status, decision.message);
    }
    authorizerCall = { status: 200, latencyMs };
    authorizer = decision.authorizer;
    usageIdentifierKey = decision.usageIdentifierKey;
  } else {
    const denied = authenticate(req, stage, facts.sourceIp, onConnect?.authorizationType ?? "NONE", env);
    if (denied !== undefined) return refused(denied.status, denied.message);
  }
  let apiKey: ConnectionKey | undefined;
  if (onConnect?.apiKeyRequired === true) {
    const value =
      stage.apiKeySource === "AUTHORIZER" ? usageIdentifierKey : firstHeader(req.rawHeaders, "x-api-key");
    const entry = stage.apiKeys?.authorize(value, stage.apiId, stage.stageName);
    if (entry === undefined || value === undefined) return refused(403, "Forbidden");
    apiKey = { entry, value };
  }
  if (onConnect !== undefined) {
    const admission = await admitWsTraffic(
      stage.traffic,
      onConnect.buckets,
      `${stage.apiId}/${stage.stageName}`,
      apiKey?.entry,
      ids.startMs,
    );
    if (admission !== "admitted") return refused(429, refusalMessage(admission));
  }
  const withAuthorizer = authorizer === undefined ? facts : { ...facts, authorizer };
  if (onConnect !== undefined) {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const started = performance.now();
    const outcome = await onConnect.integrate(
      {
        ...withAuthorizer,
        ...ids,
        eventType: "CONNECT",
        routeKey: "$connect",
        rawHeaders: req.rawHeaders,
        rawQuery: q === -1 ? "" : url.slice(q + 1),
      },
      stage,
    );
    const latencyMs = performance.now() - started;
    integration = outcome.failed === true ? { latencyMs } : { status: outcome.statusCode, latencyMs };
    if (outcome.statusCode < 200 || outcome.statusCode > 299) return refused(outcome.statusCode, "Refused");
  }
  return {
    ids,
    integrated: integration !== undefined,
    integration,
    authorizerCall,
    accepted: true,
    facts: withAuthorizer,
    apiKey,
  };
}

interface Refusal {
  readonly status: number;
  readonly message: string;
}
const refusal = (status: number, message: string): Refusal => ({ status, message });

/**
 * `$connect` with AWS_IAM: the upgrade request must be SigV4-signed for `execute-api` (headers or
 * query), by a caller whose identity policies allow `execute-api:Invoke` on the `$connect` route.
 */
function authenticate(
  req: IncomingMessage,
  stage: CompiledWsStage,
  sourceIp: string,
  type: string,
  env: { iam: IamAuthority | undefined; log: Logger },
): Refusal | undefined {
  if (type === "NONE") return undefined;
  if (type === "AWS_IAM" && env.iam !== undefined) {
    const verified = verifySigV4(
      {
        method: req.method ?? "GET",
        rawPath: req.url ?? "/",
        headers: req.headers,
        bodySha256Hex: EMPTY_SHA256,
      },
      { service: "execute-api", region: env.iam.region, lookup: env.iam.credentials.lookup },
    );
    if (!verified.ok) return refusal(verified.error.status, "Forbidden");
    const resource = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/$connect`;
    const denial = identityRefusal(verified.credential, "execute-api:Invoke", resource, {
      accountId: stage.accountId,
      sourceIp,
      nowMs: Date.now(),
    });
    if (denial !== undefined) env.log.debug({ denial }, "WebSocket $connect refused by IAM policy");
    return denial === undefined ? undefined : refusal(403, "Forbidden");
  }
  // CUSTOM without a compiled authorizer (it names none that exists), or IAM without credentials:
  // refused rather than let a connection in unchecked.
  env.log.error(
    { authorizationType: type },
    "WebSocket $connect: this authorization cannot be served; refused",
  );
  return refusal(500, "Internal Server Error");
}
