import { type JWTPayload, jwtVerify } from "jose";
import { fetchBoundedJson } from "../../auth/jwks-fetch.ts";
import { RemoteJwks } from "../../auth/remote-jwks.ts";
import { AWS_QUOTAS } from "../../model/aws-quotas.ts";
import type { Authorizer } from "../../model/rest-api.ts";
import type { AuthorizerOutcome, RequestContext } from "../context.ts";
import type { GatewayResponse } from "../responses/catalogue.ts";
import { type Refusal, renderRefusal } from "../responses/catalogue.ts";

/**
 * REST COGNITO_USER_POOLS authorizers: the token in the identity header must be signed by one of the
 * authorizer's user pools (issuer `https://cognito-idp.{region}.amazonaws.com/{poolId}`, keys from the
 * pool's `/.well-known/jwks.json`), unexpired; with method `authorizationScopes`, it must be an access
 * token carrying one of them. `PORTICO_COGNITO_ENDPOINT` points the issuer base at a local stand-in.
 * Claims reach integrations as `requestContext.authorizer.claims` / `$context.authorizer.claims.*`.
 */
export type CognitoCheck = (
  ctx: RequestContext,
  scopes: readonly string[] | undefined,
) => Promise<AuthorizerOutcome | GatewayResponse>;

const UNAUTHORIZED: Refusal = { type: "UNAUTHORIZED" };
const ALGORITHMS = ["RS256", "RS384", "RS512"];

export function cognitoIssuers(providerARNs: readonly string[], endpointBase: string | undefined): string[] {
  return providerARNs.flatMap((arn) => {
    const m = /^arn:aws:cognito-idp:([^:]+):\d{12}:userpool\/(.+)$/.exec(arn);
    if (m === null) return [];
    const base = endpointBase?.replace(/\/$/, "") ?? `https://cognito-idp.${m[1]}.amazonaws.com`;
    return [`${base}/${m[2]}`];
  });
}

export function compileCognitoAuthorizer(
  authorizer: Authorizer,
  endpointBase = process.env.PORTICO_COGNITO_ENDPOINT,
): CognitoCheck {
  const issuers = cognitoIssuers(authorizer.providerARNs ?? [], endpointBase);
  const keySets = new Map(
    issuers.map((iss) => [
      iss,
      new RemoteJwks({
        locate: async () => `${iss}/.well-known/jwks.json`,
        // AWS publishes no bounds for REST user-pool authorizers; the HTTP API JWT ones apply.
        fetch: (url) => fetchBoundedJson(url, AWS_QUOTAS.jwksTimeoutMs, AWS_QUOTAS.jwksResponseBytes),
      }),
    ]),
  );
  const header = (authorizer.identitySource ?? "method.request.header.Authorization")
    .replace(/^method\.request\.header\./, "")
    .toLowerCase();
  return async (ctx, scopes) => {
    const raw = ctx.req.headers[header];
    const token = (Array.isArray(raw) ? raw[0] : raw)?.replace(/^Bearer\s+/i, "").trim();
    if (!token) return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    let claims: JWTPayload | undefined;
    for (const [issuer, keys] of keySets) {
      try {
        claims = (await jwtVerify(token, keys.getKey, { issuer, algorithms: ALGORITHMS })).payload;
        break;
      } catch {
        // try the next pool
      }
    }
    if (claims === undefined) return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    if (scopes !== undefined && scopes.length > 0) {
      const granted = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
      if (claims.token_use !== "access" || !scopes.some((s) => granted.includes(s)))
        return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    }
    const flat = Object.fromEntries(
      Object.entries(claims).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    return { allowed: true, principalId: claims.sub, context: {}, cached: false, value: { claims: flat } };
  };
}
