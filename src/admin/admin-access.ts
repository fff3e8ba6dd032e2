import type { IncomingMessage } from "node:http";
import type { StoredPrincipal } from "../auth/iam/credential-store.ts";
import { callerIdentityDecision, notAuthorizedMessage } from "../auth/iam/identity-decision.ts";
import { principalContext } from "../auth/iam/principal-context.ts";

/**
 * Authorization on the admin API as IAM does it for API Gateway's control plane: the action is
 * `apigateway:{HTTP method}` and the resource the path's ARN, `arn:aws:apigateway:{region}::/restapis/…`
 * (apigatewayv2's `/v2/apis/…` is `…::/apis/…`):
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html
 * A key of the account root, or one configured without `policies`, may do everything; a key with
 * policies may do exactly what they allow, an explicit Deny winning.
 */

export interface AdminAction {
  readonly action: string;
  readonly resource: string;
}

/** The IAM action and resource ARN of an admin request. */
export function adminAction(method: string, rawPathname: string, region: string): AdminAction {
  const pathname = rawPathname.length > 1 ? rawPathname.replace(/\/+$/, "") : rawPathname;
  const segments = pathname.split("/");
  const unversioned = segments[1] === "v2" ? ["", ...segments.slice(2)] : segments;
  // A tag's ARN names the tagged resource URL-encoded, as it travels: that segment stays encoded.
  const tagged = unversioned[1] === "tags" ? 2 : -1;
  const path = unversioned.map((s, i) => (i === tagged ? s : decodeSegment(s))).join("/");
  return { action: `apigateway:${method.toUpperCase()}`, resource: `arn:aws:apigateway:${region}::${path}` };
}

// Decoded as the router decodes its parameters, except that a segment holding an encoded `/` stays as
// sent: decoded, it would name a deeper path than the one routed.
function decodeSegment(segment: string): string {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes("/") ? segment : decoded;
  } catch {
    return segment;
  }
}

/** Why a caller may not proceed, in the shape the admin server answers with. */
export interface AccessDenied {
  readonly status: 403;
  readonly type: "AccessDeniedException";
  readonly message: string;
}

/** Decides one admin request; undefined when it may proceed. */
export function authorizeAdmin(
  caller: StoredPrincipal,
  req: IncomingMessage,
  what: AdminAction,
  region: string,
  now: Date,
): AccessDenied | undefined {
  if (caller.identityPolicies === undefined || !caller.policiesDeclared) return undefined;
  const userAgent = req.headers["user-agent"];
  const context: Record<string, string> = {
    "aws:CurrentTime": now.toISOString(),
    "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
    "aws:SecureTransport": "false",
    "aws:RequestedRegion": region,
    ...(req.socket.remoteAddress === undefined ? {} : { "aws:SourceIp": plainIp(req.socket.remoteAddress) }),
    ...(userAgent === undefined ? {} : { "aws:UserAgent": userAgent }),
    ...principalContext(caller),
  };
  const decision = callerIdentityDecision(caller, {
    principal: caller.principal,
    action: what.action,
    resource: what.resource,
    context,
  });
  if (decision.effect === "Allow") return undefined;
  return {
    status: 403,
    type: "AccessDeniedException",
    message: notAuthorizedMessage(caller.principal.arn, what.action, what.resource, decision),
  };
}

// An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; policies name it a.b.c.d.
function plainIp(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
