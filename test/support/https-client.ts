import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { SecureVersion, TLSSocket } from "node:tls";
import type { CertFiles } from "./tls-certs.ts";

/** One HTTPS exchange on a fresh connection, with what the handshake showed. */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The CN of the certificate the server presented. */
  serverCN: string | undefined;
  /** The serial number of the certificate the server presented (hex). */
  serverSerial: string | undefined;
  protocol: string | null;
}

export interface HttpsCall {
  port: number;
  /** The TLS server name (SNI); none when undefined. */
  servername?: string;
  /** The Host header (default: the server name). */
  host?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The CA that signed the server's certificates. */
  ca: string;
  client?: CertFiles;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/**
 * A real node:https request to 127.0.0.1 with the server name and client certificate given, on a
 * connection of its own (no agent), so each call makes its own handshake. Rejects when the handshake
 * does (the error names why).
 */
export function httpsCall(call: HttpsCall): Promise<HttpsAnswer> {
  const legacy = call.maxVersion === "TLSv1" || call.maxVersion === "TLSv1.1";
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: call.port,
        path: call.path ?? "/",
        method: call.method ?? "GET",
        agent: false,
        headers: { host: call.host ?? call.servername ?? "127.0.0.1", ...call.headers },
        ...(call.servername === undefined ? { servername: "" } : { servername: call.servername }),
        ca: readFileSync(call.ca),
        // The certificates name domains, not 127.0.0.1: the test checks which one it got itself.
        checkServerIdentity: () => undefined,
        ...(call.client === undefined
          ? {}
          : { cert: readFileSync(call.client.cert), key: readFileSync(call.client.key) }),
        ...(call.minVersion === undefined ? {} : { minVersion: call.minVersion }),
        ...(call.maxVersion === undefined ? {} : { maxVersion: call.maxVersion }),
        // OpenSSL 3 offers TLS 1.0/1.1 only at security level 0.
        ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const serverCN = peer.subject?.CN;
        const protocol = socket.getProtocol();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
            serverCN: Array.isArray(serverCN) ? serverCN[0] : serverCN,
            serverSerial: peer.serialNumber,
            protocol,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(call.body);
  });
}
