import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { verifySigV4 } from "../auth/sigv4/verify-request.ts";
import type { AdminAuthenticator } from "./admin-server.ts";

export interface AdminCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly principal?: string;
}

/**
 * Admin-plane authentication as AWS does it for `apigateway`/`apigatewayv2`: SigV4 against the
 * configured credentials (development default `test`/`test`). The region is not pinned, so a CLI
 * profile for any region works.
 */
export function sigv4Authenticator(settings: {
  credentials: readonly AdminCredential[];
}): AdminAuthenticator {
  const byKey = new Map(settings.credentials.map((c) => [c.accessKeyId, c]));
  return (req, body) => {
    const result = verifySigV4(
      {
        method: req.method ?? "GET",
        rawPath: req.url ?? "/",
        headers: req.headers,
        bodySha256Hex: sha256Hex(body),
      },
      { service: "apigateway", lookup: (id) => byKey.get(id) },
    );
    if (result.ok) return { ok: true };
    return { ok: false, status: result.error.status, type: result.error.type, message: result.error.message };
  };
}
