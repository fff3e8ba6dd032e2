/**
 * The config file's `services:` section: where AWS service integrations (REST `type: AWS` to a
 * service other than Lambda, HTTP API `integrationSubtype`) send their SigV4-signed requests.
 */
export const SERVICES_SCHEMA = {
  type: "object",
  description:
    "AWS services that integrations call, by the service part of the integration ARN, in lower case (sqs, s3, states, dynamodb, events, kinesis, sns, appconfig, …): real AWS, LocalStack, ElasticMQ, MinIO or any compatible server.",
  additionalProperties: {
    type: "object",
    additionalProperties: false,
    required: ["endpoint"],
    properties: {
      endpoint: {
        type: "string",
        pattern: "^https?://[^/?#]+(/[^?#]*)?$",
        description:
          "The service's endpoint URL, e.g. http://127.0.0.1:4566 or https://sqs.eu-west-1.amazonaws.com (a path is kept as a prefix).",
      },
      region: {
        type: "string",
        minLength: 1,
        description: "Region the requests are signed for (default: the region the integration ARN names).",
      },
      signingName: {
        type: "string",
        minLength: 1,
        description: "SigV4 service name, when it is not the ARN's service part (default: that part).",
      },
      credentials: {
        type: "object",
        additionalProperties: false,
        required: ["accessKeyId", "secretAccessKey"],
        description:
          "The access key the requests are signed with (default: the gateway's first credentials entry, test/test unless configured); never logged.",
        properties: {
          accessKeyId: { type: "string", minLength: 1, description: "The access key id." },
          secretAccessKey: { type: "string", minLength: 1, description: "The secret access key." },
          sessionToken: {
            type: "string",
            minLength: 1,
            description: "Session token of temporary credentials.",
          },
        },
      },
    },
  },
} as const;

/** One `services:` entry. */
export interface ServiceConfig {
  endpoint: string;
  region?: string;
  signingName?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}
