import type { TLSSocket } from "node:tls";
import { type ClientCert, connectionClientCert } from "../http/client-cert.ts";
import type { Inbound } from "../http/inbound.ts";
import { firstHeader } from "../http/raw-headers.ts";
import type { TlsProfiles } from "./tls-profiles.ts";

/**
 * Mutual TLS, per request: a request whose Host is a domain that requires mutual TLS passes only on
 * a connection whose handshake named that domain (SNI) and whose client certificate its truststore
 * verified. Otherwise API Gateway answers 403 Forbidden (its troubleshooting guide: the issuer is not
 * in the truststore, the certificate is self-signed, or it uses an insecure signature); Portico
 * answers the same when no certificate was presented. Checking the Host as well as the server name
 * keeps a client from reaching a mutual TLS domain over a connection made for another name.
 */

export type Admission =
  /** The request may pass; the client certificate, when its domain requires mutual TLS. */
  | { readonly admitted: true; readonly clientCert?: ClientCert }
  | { readonly admitted: false; readonly reason: string };

const PASS: Admission = { admitted: true };

/** OpenSSL's verification codes in the words of API Gateway's execution log where it has them. */
function untrusted(code: string | undefined): string {
  switch (code) {
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return "Could not find issuer for certificate";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "self signed certificate";
    default:
      return (code ?? "certificate not verified").toLowerCase().replaceAll("_", " ");
  }
}

const hostName = (host: string | undefined): string | undefined => host?.replace(/:\d+$/, "");

export function admitMutualTls(req: Inbound, profiles: TlsProfiles): Admission {
  if (!profiles.anyMutual) return PASS;
  const host = hostName(firstHeader(req.rawHeaders, "host"));
  const profile = profiles.lookup(host);
  if (profile === undefined || !profile.mutual) return PASS;
  const socket = req.socket as TLSSocket;
  if (profiles.lookup(socket.servername) !== profile)
    return {
      admitted: false,
      reason: `the connection's TLS server name (${socket.servername || "none"}) is not ${host}`,
    };
  const clientCert = connectionClientCert(socket);
  if (clientCert === undefined) return { admitted: false, reason: "no client certificate was presented" };
  if (!socket.authorized)
    return {
      admitted: false,
      reason: untrusted(socket.authorizationError ? String(socket.authorizationError) : undefined),
    };
  return { admitted: true, clientCert };
}
