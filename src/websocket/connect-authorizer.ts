import type { IncomingMessage } from "node:http";
import { compilePolicy } from "../auth/policy/compile-policy.ts";
import { functionNameFromUri, invokeWithin } from "../functions/function-registry.ts";
import { headerMaps, queryMaps } from "../functions/lambda-event.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { newRequestId } from "../http/request-ids.ts";
import type { HttpAuthorizer } from "../model/http-api.ts";
import type { CompiledWsStage, WsCompileDeps } from "./compiled.ts";

/** What the authorizer decided: refused (with AWS's status), or allowed with what integrations see. */
export type ConnectDecision =
  | { readonly allowed: false; readonly status: number; readonly message: string }
  | { readonly allowed: true; readonly authorizer: Record<string, unknown> };

export type ConnectAuthorizer = (
  req: IncomingMessage,
  stage: CompiledWsStage,
  connectionId: string,
) => Promise<ConnectDecision>;

const UNAUTHORIZED: ConnectDecision = { allowed: false, status: 401, message: "Unauthorized" };
const FORBIDDEN: ConnectDecision = { allowed: false, status: 403, message: "Forbidden" };
const FAILED: ConnectDecision = { allowed: false, status: 500, message: "Internal Server Error" };

/**
 * A Lambda REQUEST authorizer on `$connect`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html):
 * its identity sources (`route.request.header.X`, `route.request.querystring.Y`) must all be present
 * (else 401 without invoking); the function answers an IAM policy for the `$connect` method ARN; an
 * Allow lets the connection in, and its `principalId` and `context` reach every later event of the
 * connection as `requestContext.authorizer`.
 */
export function compileConnectAuthorizer(authorizer: HttpAuthorizer, deps: WsCompileDeps): ConnectAuthorizer {
  const name = functionNameFromUri(authorizer.authorizerUri ?? "");
  const sources = authorizer.identitySource.map((s) => s.trim());
  return async (req, stage, connectionId) => {
    const url = new URL(req.url ?? "/", "http://connect");
    for (const source of sources) {
      const header = /^route\.request\.header\.(.+)$/i.exec(source);
      const query = /^route\.request\.querystring\.(.+)$/i.exec(source);
      const value = header
        ? firstHeader(req.rawHeaders, header[1]!.toLowerCase())
        : query
          ? url.searchParams.get(query[1]!)
          : "";
      if (value === undefined || value === null || value === "") return UNAUTHORIZED;
    }
    const invoker = name === undefined ? undefined : deps.functions?.get(name);
    if (invoker === undefined) return FAILED;
    const methodArn = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/$connect`;
    const headers = headerMaps(req.rawHeaders);
    const q = url.search.length > 1 ? url.search.slice(1) : "";
    const query = queryMaps(q) ?? { single: {}, multi: {} };
    const event = {
      type: "REQUEST",
      methodArn,
      headers: headers.single,
      multiValueHeaders: headers.multi,
      queryStringParameters: query.single,
      multiValueQueryStringParameters: query.multi,
      stageVariables: stage.variables,
      requestContext: {
        routeKey: "$connect",
        eventType: "CONNECT",
        connectionId,
        stage: stage.stageName,
        apiId: stage.apiId,
        requestId: newRequestId(),
        identity: { sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "" },
      },
    };
    const outcome = await invokeWithin(invoker, newRequestId(), event, 10_000);
    if (outcome === "timeout") return FAILED;
    if (!outcome.ok) return outcome.errorMessage === "Unauthorized" ? UNAUTHORIZED : FAILED;
    const result = outcome.result as {
      principalId?: unknown;
      policyDocument?: unknown;
      context?: unknown;
      usageIdentifierKey?: unknown;
    } | null;
    if (result === null || typeof result !== "object" || typeof result.policyDocument !== "object")
      return FAILED;
    let allowed: boolean;
    try {
      const policy = compilePolicy(result.policyDocument as object, {
        region: stage.region,
        accountId: stage.accountId,
        apiId: stage.apiId,
      });
      allowed =
        policy.evaluate({
          principal: { kind: "anonymous" },
          action: "execute-api:Invoke",
          resource: methodArn,
          context: {},
        }).effect === "Allow";
    } catch {
      return FAILED;
    }
    if (!allowed) return FORBIDDEN;
    const context = typeof result.context === "object" && result.context !== null ? result.context : {};
    return {
      allowed: true,
      authorizer: { principalId: result.principalId, ...context },
      ...(typeof result.usageIdentifierKey === "string"
        ? { usageIdentifierKey: result.usageIdentifierKey }
        : {}),
    };
  };
}
