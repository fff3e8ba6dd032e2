import type { IncomingMessage } from "node:http";
import type { CredentialStore } from "../auth/iam/credential-store.ts";
import { sha256Hex } from "../auth/sigv4/canonical-request.ts";
import { checkSigV4Headers, verifySigV4 } from "../auth/sigv4/verify-request.ts";
import { adminAction, authorizeAdmin } from "./admin-access.ts";

/** A refused admin request, answered as AWS answers it. */
export interface AdminRefusal {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/**
 * Decides whether a signed admin request may proceed, in two steps around reading the body: `precheck`
 * from the headers alone, `complete` with the body. An error is answered as AWS answers it.
 */
export interface AdminAuthenticator {
  /**
   * Refuses what the headers already condemn: no signature, a malformed one, a date out of the window, an
   * unknown key. When the signer declared the payload hash, the signature and the caller's policies are
   * checked here too, so a forged or forbidden upload is refused before it is received.
   */
  precheck(req: IncomingMessage, pathname: string, now: Date): AdminRefusal | undefined;
  /** The signature over the body as received, then the caller's identity policies. */
  complete(req: IncomingMessage, pathname: string, body: Buffer, now: Date): AdminRefusal | undefined;
}

/**
 * Admin-plane authentication as AWS does it for `apigateway`/`apigatewayv2`: SigV4 against the
 * configured credentials (development default `test`/`test`), then IAM authorization of
 * `apigateway:{METHOD}` on the path's ARN (admin-access.ts). The signing region is not pinned, so a
 * CLI profile for any region works; resources are named in the gateway's own region.
 */
export function sigv4Authenticator(settings: {
  credentials: CredentialStore;
  region: string;
}): AdminAuthenticator {
  const lookup = settings.credentials.lookup;
  const request = (req: IncomingMessage) => ({
    method: req.method ?? "GET",
    rawPath: req.url ?? "/",
    headers: req.headers,
  });
  const authorize = (
    req: IncomingMessage,
    pathname: string,
    caller: Parameters<typeof authorizeAdmin>[0],
    now: Date,
  ) =>
    authorizeAdmin(
      caller,
      req,
      adminAction(req.method ?? "GET", pathname, settings.region),
      settings.region,
      now,
    );
  return {
    precheck(req, pathname, now) {
      const headers = checkSigV4Headers(request(req), { service: "apigateway", lookup, now });
      if (!headers.ok) return refusal(headers.error);
      if (headers.claimedPayloadHash === undefined) return undefined;
      // The declared hash stands in for the body; complete() holds the body to it.
      const verified = verifySigV4(request(req), { service: "apigateway", lookup, now });
      if (!verified.ok) return refusal(verified.error);
      return authorize(req, pathname, verified.credential, now);
    },
    complete(req, pathname, body, now) {
      const verified = verifySigV4(
        { ...request(req), bodySha256Hex: sha256Hex(body) },
        { service: "apigateway", lookup, now },
      );
      if (!verified.ok) return refusal(verified.error);
      return authorize(req, pathname, verified.credential, now);
    },
  };
}

function refusal(error: { status: number; type: string; message: string }): AdminRefusal {
  return { status: error.status, type: error.type, message: error.message };
}
