import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** An OpenID issuer on loopback: discovery and a JWKS (editable, for rotation tests), and its signing key. */
export interface JwtIssuer {
  url: string;
  /** What /jwks.json serves: push or remove keys to rotate. */
  jwks: { keys: JWK[] };
  /** The private key of the JWKS's first key, `k1`. */
  key: CryptoKey;
  /** An RS256 token from this issuer, valid five minutes unless `exp` says otherwise. */
  mint(
    claims: Record<string, unknown>,
    opts?: { key?: CryptoKey; kid?: string; exp?: string | number },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startJwtIssuer(): Promise<JwtIssuer> {
  const pair = await generateKeyPair("RS256");
  const jwks: { keys: JWK[] } = {
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }],
  };
  let url = "";
  const server = createServer((req, res) => {
    const body =
      req.url === "/.well-known/openid-configuration"
        ? { issuer: url, jwks_uri: `${url}/jwks.json` }
        : req.url === "/jwks.json"
          ? jwks
          : undefined;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwks,
    key: pair.privateKey,
    mint: (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? "k1" })
        .setIssuer(url)
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? "5m")
        .sign(opts.key ?? pair.privateKey),
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
