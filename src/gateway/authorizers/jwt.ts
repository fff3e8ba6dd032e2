import { type JWTPayload, jwtVerify } from "jose";
import { fetchBoundedJson } from "../../auth/jwks-fetch.ts";
import { RemoteJwks } from "../../auth/remote-jwks.ts";
import { AWS_QUOTAS } from "../../model/aws-quotas.ts";
import type { HttpAuthorizer } from "../../model/http-api.ts";
import type { JwtCheck } from "../context.ts";
import { type Refusal, renderRefusal } from "../responses/catalogue.ts";

/**
 * HTTP API JWT authorizers: the token from the identity source (a `Bearer` prefix is optional) is
 * verified with jose against the issuer's JWKS (found through OpenID discovery, each fetch bounded by
 * AWS's 1500 ms and 150,000 bytes, then held: see RemoteJwks), its `iss`, expiry, and `aud` or
 * `client_id` against the configured
 * audiences; the route's scopes need one match in `scope`/`scp`. Only asymmetric algorithms are
 * accepted, so `alg: none` and HMAC-with-a-public-key confusion are refused.
 */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

const unauthorized = (description: string): Refusal => ({
  type: "UNAUTHORIZED",
  headers: [
    "www-authenticate",
    `Bearer error="invalid_token" error_description="${description.replace(/"/g, "'")}"`,
  ],
});
const FORBIDDEN: Refusal = { type: "ACCESS_DENIED" };

const fetchJwks = (url: string) =>
  fetchBoundedJson(url, AWS_QUOTAS.jwksTimeoutMs, AWS_QUOTAS.jwksResponseBytes);

/** The issuer's `jwks_uri` from its OpenID configuration, found once and then remembered. */
function discovery(issuer: string): () => Promise<string> {
  let found: string | undefined;
  return async () => {
    if (found !== undefined) return found;
    const config = await fetchBoundedJson(
      `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      AWS_QUOTAS.openIdDiscoveryTimeoutMs,
      AWS_QUOTAS.jwksResponseBytes,
    );
    const uri = (config as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof uri !== "string") throw new Error("the OpenID configuration has no jwks_uri");
    found = new URL(uri).href;
    return found;
  };
}

export function compileJwtAuthorizer(authorizer: HttpAuthorizer): JwtCheck {
  const issuer = authorizer.jwtConfiguration?.issuer ?? "";
  const audiences = authorizer.jwtConfiguration?.audience ?? [];
  const header = (authorizer.identitySource[0] ?? "$request.header.Authorization")
    .replace(/^\$request\.header\./, "")
    .toLowerCase();
  const keys = new RemoteJwks({ locate: discovery(issuer), fetch: fetchJwks });
  return async (ctx, scopes) => {
    const raw = ctx.req.headers[header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value.trim() === "")
      return renderRefusal(ctx.stage.responses, unauthorized("token is missing"));
    const token = value.replace(/^Bearer\s+/i, "").trim();
    let claims: JWTPayload;
    try {
      const result = await jwtVerify(token, keys.getKey, { issuer, algorithms: ALGORITHMS });
      claims = result.payload;
    } catch (err) {
      const code = (err as { code?: string }).code;
      return renderRefusal(
        ctx.stage.responses,
        unauthorized(
          code === "ERR_JWT_EXPIRED"
            ? "the token has expired"
            : code === "ERR_KEYS_UNAVAILABLE"
              ? "the issuer's signing keys could not be fetched"
              : "the token is not valid",
        ),
      );
    }
    const tokenAudiences = [
      ...(Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : []),
      ...(typeof claims.client_id === "string" ? [claims.client_id] : []),
    ];
    if (!tokenAudiences.some((a) => audiences.includes(a)))
      return renderRefusal(ctx.stage.responses, unauthorized("the token's audience is not allowed"));
    const granted =
      typeof claims.scope === "string"
        ? claims.scope.split(" ")
        : Array.isArray(claims.scp)
          ? claims.scp.map(String)
          : [];
    if (scopes !== undefined && scopes.length > 0 && !scopes.some((s) => granted.includes(s)))
      return renderRefusal(ctx.stage.responses, FORBIDDEN);
    return { allowed: true, claims, scopes: granted };
  };
}
