/** The config file's TLS parts: `listen.tls` (the HTTPS listener) and each domain's `tls:`. */

const SECURITY_POLICY = {
  enum: ["TLS_1_0", "TLS_1_2"],
  description:
    "Lowest TLS version for connections without a server name or with one no domain has: TLS_1_0 or TLS_1_2 (default).",
} as const;

export const LISTEN_TLS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description:
    "The data plane's HTTPS listener; certificates are chosen by the client's server name (SNI) among domains[].tls.",
  dependencies: { certificate: ["key"], key: ["certificate"] },
  properties: {
    port: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      description: "HTTPS port (default 8443; --tls-port, PORTICO_TLS_PORT).",
    },
    host: { type: "string", description: "HTTPS address (default: listen.host)." },
    certificate: {
      type: "string",
      description:
        "Default certificate (PEM, its chain may follow it), relative to this file: for connections without a server name or with one no domain has; without it those handshakes are refused.",
    },
    key: { type: "string", description: "The default certificate's private key (unencrypted PEM)." },
    securityPolicy: SECURITY_POLICY,
  },
} as const;

export const DOMAIN_TLS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description: "The domain's certificate on the HTTPS listener, and its mutual TLS truststore.",
  dependencies: { certificate: ["key"], key: ["certificate"] },
  properties: {
    certificate: {
      type: "string",
      description:
        "Certificate (PEM, chain after it) presented for this name, relative to this file (default: listen.tls.certificate).",
    },
    key: { type: "string", description: "Its private key (unencrypted PEM)." },
    truststore: {
      type: "string",
      description:
        "PEM bundle of CA certificates: clients must present a certificate that chains to one (mutual TLS); used unless the stored domain's truststoreUri is a local file.",
    },
  },
} as const;

export const LISTEN_HTTP_SCHEMA = {
  type: "boolean",
  description: "false: no plain-HTTP data-plane listener, HTTPS only (needs listen.tls; default true).",
} as const;

export interface ListenTlsConfig {
  port?: number;
  host?: string;
  certificate?: string;
  key?: string;
  securityPolicy?: "TLS_1_0" | "TLS_1_2";
}

export interface DomainTlsConfig {
  certificate?: string;
  key?: string;
  truststore?: string;
}
