import { stringMap } from "./schema-parts.ts";
import { DOMAIN_TLS_SCHEMA } from "./tls-schema.ts";

/**
 * The config file's `domains:`: custom domain names created (or brought up to date) at start with
 * exactly the API mappings declared, as CreateDomainName and CreateApiMapping would make them.
 * `tls` names the PEM files the HTTPS listener serves the domain with (relative to this file).
 */
export const DOMAINS_SCHEMA = {
  type: "array",
  description: "Custom domain names and their API mappings, applied at start after the APIs.",
  items: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
      name: {
        type: "string",
        pattern:
          "^(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
        description:
          "The domain name clients send as Host, e.g. api.example.com (a wildcard: *.example.com).",
      },
      endpointType: {
        enum: ["REGIONAL", "EDGE"],
        description:
          "REGIONAL (default: REST and HTTP APIs and multi-level base paths) or EDGE (REST APIs, one-level base paths).",
      },
      securityPolicy: {
        enum: ["TLS_1_2", "TLS_1_0"],
        description: "Minimum TLS version of the HTTPS listener for this name (default TLS_1_2).",
      },
      certificateArn: {
        type: "string",
        description:
          "An ACM certificate ARN, kept as the domain's name for its certificate (tls: is what is served).",
      },
      tags: { ...stringMap, description: "Tags of the domain name." },
      tls: DOMAIN_TLS_SCHEMA,
      mappings: {
        type: "array",
        description: "The domain's API mappings; none declared: the domain answers 403 Forbidden.",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["api"],
          properties: {
            basePath: {
              type: "string",
              pattern: "^(|\\(none\\)|[A-Za-z0-9$\\-_.+!*'()]+(/[A-Za-z0-9$\\-_.+!*'()]+)*)$",
              description: 'Path below the domain, e.g. v1 or orders/v1; "" or absent for the root.',
            },
            api: {
              type: "string",
              pattern: "^[a-z0-9]{10}$",
              description: "The API's id: an apis: entry's id, or an API the gateway already has.",
            },
            stage: {
              type: "string",
              pattern: "^([A-Za-z0-9_-]{1,128}|\\$default)$",
              description:
                "The stage served (HTTP and WebSocket APIs: required). Absent for a REST API: the path's next segment names it.",
            },
          },
        },
      },
    },
  },
} as const;

export interface DomainConfig {
  name: string;
  endpointType?: "REGIONAL" | "EDGE";
  securityPolicy?: "TLS_1_2" | "TLS_1_0";
  certificateArn?: string;
  tags?: Record<string, string>;
  tls?: { certificate?: string; key?: string; truststore?: string };
  mappings?: { basePath?: string; api: string; stage?: string }[];
}

/** A `domains:` entry as the gateway applies it: its paths absolute, and where the file declares it. */
export type DeclaredDomain = DomainConfig & { declaredAt?: string };
