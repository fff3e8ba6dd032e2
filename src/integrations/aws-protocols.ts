/**
 * AWS services whose API is the JSON protocol: an action is a POST to `/` naming the operation in
 * `X-Amz-Target: {prefix}.{Action}`, with a `application/x-amz-json-1.x` body (the services' own
 * API references). An `action/{Action}` integration to one of them gets these headers unless its
 * request parameters map them, so servers that route by X-Amz-Target (DynamoDB Local, LocalStack)
 * understand the call; Query-protocol services (SQS, SNS, …) read `Action` from the query string.
 */
export interface JsonProtocol {
  readonly targetPrefix: string;
  readonly contentType: string;
}

const JSON_1_0 = "application/x-amz-json-1.0";
const JSON_1_1 = "application/x-amz-json-1.1";

const JSON_SERVICES: Readonly<Record<string, JsonProtocol>> = {
  dynamodb: { targetPrefix: "DynamoDB_20120810", contentType: JSON_1_0 },
  states: { targetPrefix: "AWSStepFunctions", contentType: JSON_1_0 },
  kinesis: { targetPrefix: "Kinesis_20131202", contentType: JSON_1_1 },
  firehose: { targetPrefix: "Firehose_20150804", contentType: JSON_1_1 },
  events: { targetPrefix: "AWSEvents", contentType: JSON_1_1 },
  logs: { targetPrefix: "Logs_20140328", contentType: JSON_1_1 },
  ssm: { targetPrefix: "AmazonSSM", contentType: JSON_1_1 },
  secretsmanager: { targetPrefix: "secretsmanager", contentType: JSON_1_1 },
  kms: { targetPrefix: "TrentService", contentType: JSON_1_1 },
};

/** The JSON protocol of a service, or undefined for a Query or REST one. */
export function jsonProtocol(service: string): JsonProtocol | undefined {
  return JSON_SERVICES[service];
}
