/**
 * HTTP API first-class AWS service integrations (`integrationSubtype`), after AWS's Integration
 * subtype reference (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html):
 * each subtype's parameters, and the service API request they make. SQS goes out in its Query
 * protocol (form body, `Version=2012-11-05`, answered in JSON because the request accepts JSON);
 * EventBridge, Kinesis and Step Functions in their JSON protocols with X-Amz-Target; AppConfig's
 * GetConfiguration is a REST GET.
 */

/** A service request ready to sign: method, path (from `/`), headers (flat list) and body. */
export interface ServiceRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | undefined;
}

export interface Subtype {
  /** The `services:` key (and SigV4 service name) the subtype calls. */
  readonly service: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** The request for evaluated parameters; an absent or empty optional one is left out. */
  render(p: Readonly<Record<string, string>>): ServiceRequest;
}

/** RFC 3986 encoding, as AWS's Query protocol signs and reads it. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A list parameter: a JSON array, or comma-separated text. */
function list(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    } catch {
      // Not JSON after all: read it as a comma-separated list.
    }
  }
  return trimmed
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** A map of message attributes (`{"name": {"DataType": "String", "StringValue": "x"}}`) as Query pairs. */
function attributePairs(prefix: string, value: string): [string, string][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== "object") return [];
  const pairs: [string, string][] = [];
  Object.entries(parsed as Record<string, unknown>).forEach(([name, attribute], i) => {
    const at = `${prefix}.${i + 1}`;
    pairs.push([`${at}.Name`, name]);
    for (const [k, v] of Object.entries((attribute ?? {}) as Record<string, unknown>))
      if (typeof v === "string") pairs.push([`${at}.Value.${k}`, v]);
  });
  return pairs;
}

/** A Query-protocol list: `Name.1=a&Name.2=b`. */
function numbered(name: string, items: readonly string[]): [string, string][] {
  return items.map((item, i) => [`${name}.${i + 1}`, item]);
}

function given(p: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = p[name];
  return v === undefined || v === "" ? undefined : v;
}

function sqs(action: string, required: string[], optional: string[]): Subtype {
  return {
    service: "sqs",
    required: [...required],
    optional: [...optional, "Region"],
    render(p) {
      const pairs: [string, string][] = [
        ["Action", action],
        ["Version", "2012-11-05"],
      ];
      for (const name of [...required, ...optional]) {
        const v = given(p, name);
        if (v === undefined) continue;
        if (name === "MessageAttributes") pairs.push(...attributePairs("MessageAttribute", v));
        else if (name === "MessageSystemAttributes")
          pairs.push(...attributePairs("MessageSystemAttribute", v));
        else if (name === "AttributeNames") pairs.push(...numbered("AttributeName", list(v)));
        else if (name === "MessageAttributeNames") pairs.push(...numbered("MessageAttributeName", list(v)));
        else pairs.push([name, v]);
      }
      return {
        method: "POST",
        path: "/",
        headers: [
          "Content-Type",
          "application/x-www-form-urlencoded; charset=utf-8",
          "Accept",
          "application/json",
        ],
        body: Buffer.from(pairs.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join("&")),
      };
    },
  };
}

/** A JSON-protocol action: `fields` maps each parameter to its member in the request body. */
function json(
  service: string,
  target: string,
  contentType: string,
  required: Record<string, string>,
  optional: Record<string, string>,
  shape: (members: Record<string, unknown>) => unknown = (m) => m,
  encode: Readonly<Record<string, (v: string) => unknown>> = {},
): Subtype {
  return {
    service,
    required: Object.keys(required),
    optional: [...Object.keys(optional), "Region"],
    render(p) {
      const members: Record<string, unknown> = {};
      for (const [name, member] of Object.entries({ ...required, ...optional })) {
        const v = given(p, name);
        if (v !== undefined) members[member] = encode[name]?.(v) ?? v;
      }
      return {
        method: "POST",
        path: "/",
        headers: ["Content-Type", contentType, "X-Amz-Target", target],
        body: Buffer.from(JSON.stringify(shape(members))),
      };
    },
  };
}

const same = (...names: string[]) => Object.fromEntries(names.map((n) => [n, n]));
const JSON_1_0 = "application/x-amz-json-1.0";
const JSON_1_1 = "application/x-amz-json-1.1";

export const SUBTYPES: Readonly<Record<string, Subtype>> = {
  "SQS-SendMessage": sqs(
    "SendMessage",
    ["QueueUrl", "MessageBody"],
    [
      "DelaySeconds",
      "MessageAttributes",
      "MessageDeduplicationId",
      "MessageGroupId",
      "MessageSystemAttributes",
    ],
  ),
  "SQS-ReceiveMessage": sqs(
    "ReceiveMessage",
    ["QueueUrl"],
    [
      "AttributeNames",
      "MaxNumberOfMessages",
      "MessageAttributeNames",
      "ReceiveRequestAttemptId",
      "VisibilityTimeout",
      "WaitTimeSeconds",
    ],
  ),
  "SQS-DeleteMessage": sqs("DeleteMessage", ["ReceiptHandle", "QueueUrl"], []),
  "SQS-PurgeQueue": sqs("PurgeQueue", ["QueueUrl"], []),
  "EventBridge-PutEvents": json(
    "events",
    "AWSEvents.PutEvents",
    JSON_1_1,
    same("Detail", "DetailType", "Source"),
    same("Time", "EventBusName", "Resources", "TraceHeader"),
    (entry) => ({ Entries: [entry] }),
    { Resources: list, Time: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ),
  // Kinesis's Data is a blob: on the JSON wire, the base64 of the parameter's bytes.
  "Kinesis-PutRecord": json(
    "kinesis",
    "Kinesis_20131202.PutRecord",
    JSON_1_1,
    same("StreamName", "Data", "PartitionKey"),
    same("SequenceNumberForOrdering", "ExplicitHashKey"),
    undefined,
    { Data: (v) => Buffer.from(v, "utf8").toString("base64") },
  ),
  "StepFunctions-StartExecution": json(
    "states",
    "AWSStepFunctions.StartExecution",
    JSON_1_0,
    { StateMachineArn: "stateMachineArn" },
    { Name: "name", Input: "input", TraceHeader: "traceHeader" },
  ),
  "StepFunctions-StartSyncExecution": json(
    "states",
    "AWSStepFunctions.StartSyncExecution",
    JSON_1_0,
    { StateMachineArn: "stateMachineArn" },
    { Name: "name", Input: "input", TraceHeader: "traceHeader" },
  ),
  "StepFunctions-StopExecution": json(
    "states",
    "AWSStepFunctions.StopExecution",
    JSON_1_0,
    { ExecutionArn: "executionArn" },
    { Cause: "cause", Error: "error" },
  ),
  "AppConfig-GetConfiguration": {
    service: "appconfig",
    required: ["Application", "Environment", "Configuration", "ClientId"],
    optional: ["ClientConfigurationVersion", "Region"],
    render(p) {
      const seg = (name: string) => formEncode(p[name] ?? "");
      const version = given(p, "ClientConfigurationVersion");
      return {
        method: "GET",
        path:
          `/applications/${seg("Application")}/environments/${seg("Environment")}/configurations/${seg("Configuration")}` +
          `?client_id=${seg("ClientId")}${version === undefined ? "" : `&client_configuration_version=${formEncode(version)}`}`,
        headers: [],
        body: undefined,
      };
    },
  },
};

/**
 * Why a subtype's parameters cannot make a request (an unknown subtype, a required parameter
 * missing), or undefined when they can.
 */
export function subtypeProblem(
  subtype: string,
  parameters: Readonly<Record<string, unknown>>,
): string | undefined {
  const spec = SUBTYPES[subtype];
  if (spec === undefined)
    return `Unsupported integration subtype ${subtype}; supported: ${Object.keys(SUBTYPES).join(", ")}`;
  const missing = spec.required.filter((name) => parameters[name] === undefined);
  if (missing.length > 0)
    return `Integration subtype ${subtype} requires the request parameter${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  return undefined;
}
