import type { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";

/**
 * The certificate a client presented over mutual TLS, as API Gateway gives it to templates and
 * access logs (`$context.identity.clientCert.*`) and to Lambda events (`requestContext.identity.clientCert`,
 * payload 2.0's `requestContext.authentication.clientCert`):
 *
 * ```json
 * { "clientCertPem": "-----BEGIN CERTIFICATE-----\nMIIE…\n-----END CERTIFICATE-----\n",
 *   "subjectDN": "C=US,ST=Washington,L=Seattle,O=Amazon Web Services,OU=Security,CN=My Client",
 *   "issuerDN": "C=US,ST=Washington,L=Seattle,O=Amazon Web Services,OU=Security,CN=My Private CA",
 *   "serialNumber": "1",
 *   "validity": { "notBefore": "Aug 29 00:28:21 2020 GMT", "notAfter": "Aug  5 00:28:21 2120 GMT" } }
 * ```
 *
 * The names are in the certificate's order, comma-joined, with RFC 4514 escapes; the dates as
 * OpenSSL prints them; the serial as OpenSSL prints it: in decimal when it fits a (signed 64-bit)
 * long, else its bytes in lower-case hex joined by colons (AWS's examples show both, `1` and
 * `a1:a1:…:a1`).
 */
export interface ClientCert {
  readonly clientCertPem: string;
  readonly subjectDN: string;
  readonly issuerDN: string;
  readonly serialNumber: string;
  readonly validity: { readonly notBefore: string; readonly notAfter: string };
}

const LONG_MAX = (1n << 63n) - 1n;

/** OpenSSL's `X509_print` serial: decimal up to a long's size, colon-separated hex bytes beyond. */
export function serialText(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  const value = BigInt(`0x${even || "0"}`);
  if (even.length <= 16 && value <= LONG_MAX) return value.toString();
  return even.toLowerCase().replace(/(..)(?!$)/g, "$1:");
}

/** Node prints a name one attribute a line, escaped as RFC 4514 asks; AWS joins them with commas. */
const distinguishedName = (multiline: string): string => multiline.split("\n").join(",");

export function clientCertOf(x509: X509Certificate): ClientCert {
  return {
    clientCertPem: x509.toString(),
    subjectDN: distinguishedName(x509.subject),
    issuerDN: distinguishedName(x509.issuer),
    serialNumber: serialText(x509.serialNumber),
    validity: { notBefore: x509.validFrom, notAfter: x509.validTo },
  };
}

const CACHED = Symbol("portico.clientCert");

/**
 * The client certificate of a TLS connection, read and formatted once per connection (every request
 * on it shares the result) and only for requests that need it: the plain-HTTP listener never calls this.
 */
export function connectionClientCert(socket: TLSSocket): ClientCert | undefined {
  const holder = socket as TLSSocket & { [CACHED]?: ClientCert | null };
  const cached = holder[CACHED];
  if (cached !== undefined) return cached ?? undefined;
  const x509 = socket.getPeerX509Certificate();
  const cert = x509 === undefined ? null : clientCertOf(x509);
  holder[CACHED] = cert;
  return cert ?? undefined;
}
