import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { RequestContext } from "../gateway/compiled.ts";
import type { GatewayResponse } from "../gateway/gateway-responses.ts";
import type { HttpAuthorizer } from "../model/http-api.ts";

/**
 * HTTP API JWT authorizers: the token from the identity source (a `Bearer` prefix is optional) is
 * verified with jose against the issuer's JWKS (found through OpenID discovery, cached, refetched when
 * an unknown `kid` appears), its `iss`, expiry, and `aud` or `client_id` against the configured
 * audiences; the route's scopes need one match in `scope`/`scp`. Only asymmetric algorithms are
 * accepted, so `alg: none` and HMAC-with-a-public-key confusion are refused.
 */
export type JwtCheck = (
  ctx: RequestContext,
  scopes: readonly string[] | undefined,
) => Promise<JwtOutcome | GatewayResponse>;

export interface JwtOutcome {
  allowed: true;
  claims: JWTPayload;
  scopes: string[];
}

const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

const unauthorized = (description: string): GatewayResponse => ({
  statusCode: 401,
  errorType: "UnauthorizedException",
  body: '{"message":"Unauthorized"}',
  headers: [
    "www-authenticate",
    `Bearer error="invalid_token" error_description="${description.replace(/"/g, "'")}"`,
  ],
});
const FORBIDDEN: GatewayResponse = {
  statusCode: 403,
  errorType: "ForbiddenException",
  body: '{"message":"Forbidden"}',
};

export function compileJwtAuthorizer(authorizer: HttpAuthorizer): JwtCheck {
  const issuer = authorizer.jwtConfiguration?.issuer ?? "";
  const audiences = authorizer.jwtConfiguration?.audience ?? [];
  const header = (authorizer.identitySource[0] ?? "$request.header.Authorization")
    .replace(/^\$request\.header\./, "")
    .toLowerCase();
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keys = () => {
    if (jwks) return Promise.resolve(jwks);
    discovering ??= (async () => {
      const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
      if (!response.ok) throw new Error(`OpenID discovery failed: ${response.status}`);
      const { jwks_uri } = (await response.json()) as { jwks_uri?: string };
      if (typeof jwks_uri !== "string") throw new Error("OpenID configuration has no jwks_uri");
      jwks = createRemoteJWKSet(new URL(jwks_uri), { cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 });
      return jwks;
    })().finally(() => {
      discovering = undefined;
    });
    return discovering;
  };
  return async (ctx, scopes) => {
    const raw = ctx.req.headers[header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value.trim() === "") return unauthorized("token is missing");
    const token = value.replace(/^Bearer\s+/i, "").trim();
    let claims: JWTPayload;
    try {
      const result = await jwtVerify(token, await keys(), { issuer, algorithms: ALGORITHMS });
      claims = result.payload;
    } catch (err) {
      return unauthorized(
        (err as { code?: string }).code === "ERR_JWT_EXPIRED"
          ? "the token has expired"
          : "the token is not valid",
      );
    }
    const tokenAudiences = [
      ...(Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : []),
      ...(typeof claims.client_id === "string" ? [claims.client_id] : []),
    ];
    if (!tokenAudiences.some((a) => audiences.includes(a)))
      return unauthorized("the token's audience is not allowed");
    const granted =
      typeof claims.scope === "string"
        ? claims.scope.split(" ")
        : Array.isArray(claims.scp)
          ? claims.scp.map(String)
          : [];
    if (scopes !== undefined && scopes.length > 0 && !scopes.some((s) => granted.includes(s)))
      return FORBIDDEN;
    return { allowed: true, claims, scopes: granted };
  };
}
