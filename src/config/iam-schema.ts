/** The config file's IAM parts beyond `credentials`: `roles:` and the `networks:` map. */

import { stringMap } from "./schema-parts.ts";

/** `roles:` entries: IAM roles that callers assume through the admin listener's STS endpoint. */
export const ROLES_SCHEMA = {
  type: "array",
  description:
    "IAM roles callers assume with STS AssumeRole on the admin listener (temporary ASIA… credentials).",
  items: {
    type: "object",
    additionalProperties: false,
    required: ["arn", "trustPolicy"],
    properties: {
      arn: {
        type: "string",
        pattern: "^arn:aws:iam::\\d{12}:role/([\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$",
        description: "The role's ARN, arn:aws:iam::{account}:role/{path/}{name}.",
      },
      trustPolicy: {
        type: "object",
        description:
          "Who may assume the role (IAM's AssumeRolePolicyDocument): Principal, sts:AssumeRole (and sts:TagSession), Condition.",
      },
      policies: {
        type: "array",
        items: { type: "object" },
        description: "The role's inline permission policies.",
      },
      tags: { ...stringMap, description: "Role tags (aws:PrincipalTag/* of its sessions)." },
      maxSessionDuration: {
        type: "integer",
        minimum: 3600,
        maximum: 43200,
        description: "Longest session in seconds, 3600–43200 (default 3600).",
      },
    },
  },
} as const;

/** `networks:` — a CIDR list, or for VPC endpoints the CIDRs with the endpoint's VPC, owner and policy. */
export const NETWORKS_SCHEMA = {
  type: "object",
  description:
    "Named VPCs and VPC endpoints: vpc-… or vpce-… id → CIDR list, or (vpce-…) {cidrs, vpc, account, orgId, policy}.",
  propertyNames: { pattern: "^vpce?-[0-9a-zA-Z]+$" },
  additionalProperties: {
    if: { type: "array" },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, never awaited
    then: { type: "array", items: { type: "string" } },
    else: {
      type: "object",
      additionalProperties: false,
      required: ["cidrs"],
      properties: {
        cidrs: { type: "array", items: { type: "string" }, description: "Client addresses of the network." },
        vpc: {
          type: "string",
          pattern: "^vpc-[0-9a-zA-Z]+$",
          description: "The VPC a VPC endpoint is in (aws:SourceVpc).",
        },
        account: {
          type: "string",
          pattern: "^\\d{12}$",
          description: "Account owning the VPC endpoint (aws:VpceAccount; default accountId).",
        },
        orgId: {
          type: "string",
          pattern: "^o-[a-z0-9]{10,32}$",
          description: "Organization of that account (aws:VpceOrgID).",
        },
        policy: {
          type: "object",
          description:
            "The VPC endpoint policy (IAM policy grammar, Principal, execute-api:Invoke on API ARNs); absent: full access.",
        },
      },
    },
  },
} as const;

export interface RoleConfig {
  arn: string;
  trustPolicy: Record<string, unknown>;
  policies?: Record<string, unknown>[];
  tags?: Record<string, string>;
  maxSessionDuration?: number;
}

/** A `networks:` entry. */
export type NetworkConfig =
  | string[]
  | {
      cidrs: string[];
      vpc?: string;
      account?: string;
      orgId?: string;
      policy?: Record<string, unknown>;
    };
