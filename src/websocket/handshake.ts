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

export type Handshake =
  | {
      readonly accepted: true;
      readonly facts: ConnectionFacts;
      readonly apiKey?: KeyEntry;
      /** Whether a `$connect` integration was called (what AWS's ConnectCount counts). */
      readonly integrated: boolean;
    }
  | { readonly accepted: false; readonly status: number; readonly message: string; readonly integrated: boolean };

const refused = (status: number, message: string, integrated = false): Handshake => ({
  accepted: false,
  status,
  message,
  integrated,
});

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
  let authorizer: Record<string, unknown> | undefined;
  let usageIdentifierKey: string | undefined;
  if (onConnect?.authorizer !== undefined) {
    const decision = await onConnect.authorizer(req, stage, facts.connectionId);
    if (!decision.allowed) return refused(decision.status, decision.message);
    authorizer = decision.authorizer;
    usageIdentifierKey = decision.usageIdentifierKey;
  } else {
    const denied = authenticate(req, stage, facts.sourceIp, onConnect?.authorizationType ?? "NONE", env);
    if (denied !== undefined) return denied;
  }
  let apiKey: KeyEntry | undefined;
  if (onConnect?.apiKeyRequired === true) {
    const value =
      stage.apiKeySource === "AUTHORIZER" ? usageIdentifierKey : firstHeader(req.rawHeaders, "x-api-key");
    apiKey = stage.apiKeys?.authorize(value, stage.apiId, stage.stageName);
    if (apiKey === undefined) return refused(403, "Forbidden");
  }
  const ids = newIds();
  if (onConnect !== undefined) {
    const admission = await admitWsTraffic(
      stage.traffic,
      onConnect.buckets,
      `${stage.apiId}/${stage.stageName}`,
      apiKey,
      ids.startMs,
    );
    if (admission !== "admitted") return refused(429, refusalMessage(admission));
  }
  const withAuthorizer = authorizer === undefined ? facts : { ...facts, authorizer };
  if (onConnect !== undefined) {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
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
    if (outcome.statusCode < 200 || outcome.statusCode > 299)
      return refused(outcome.statusCode, "Refused", true);
  }
  const integrated = onConnect !== undefined;
  return apiKey === undefined
    ? { accepted: true, facts: withAuthorizer, integrated }
    : { accepted: true, facts: withAuthorizer, apiKey, integrated };
}

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
): Handshake | undefined {
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
    if (!verified.ok) return refused(verified.error.status, "Forbidden");
    const resource = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/$connect`;
    const denial = identityRefusal(verified.credential, "execute-api:Invoke", resource, {
      accountId: stage.accountId,
      sourceIp,
      nowMs: Date.now(),
    });
    if (denial !== undefined) env.log.debug({ denial }, "WebSocket $connect refused by IAM policy");
    return denial === undefined ? undefined : refused(403, "Forbidden");
  }
  // CUSTOM without a compiled authorizer (it names none that exists), or IAM without credentials:
  // refused rather than let a connection in unchecked.
  env.log.error(
    { authorizationType: type },
    "WebSocket $connect: this authorization cannot be served; refused",
  );
  return refused(500, "Internal Server Error");
}
