import { namesTheRequest } from "../mapping/access-log-format.ts";
import type { AccessLogSettings, Stage } from "../model/rest-api.ts";
import { badRequest } from "./errors.ts";
import { invalidPath, type PatchOperation, requireValue } from "./patch-operations.ts";

/**
 * A stage's `accessLogSettings`, checked as AWS checks them
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html): the format
 * names the request (`$context.requestId` or `$context.extendedRequestId`) and is one line; the
 * destination is a CloudWatch Logs log group ARN (`arn:aws:logs:{region}:{account-id}:log-group:{name}`,
 * without the `:*` CloudFormation's `Arn` attribute appends) or, for REST APIs, a Firehose stream
 * whose name starts with `amazon-apigateway-`. AWS's exact wording of these refusals is not
 * recorded; the messages are Portico's.
 */

/** HTTP APIs: AWS's quota on the access-log template (3 KB). */
export const HTTP_FORMAT_MAX_BYTES = 3 * 1024;

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[A-Za-z0-9_\-/.#]{1,512}$/;
const FIREHOSE_ARN =
  /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/amazon-apigateway-[A-Za-z0-9_.-]+$/;

export function checkAccessLogFormat(format: string, apiType: "REST" | "HTTP" | "WEBSOCKET"): void {
  if (/[\r\n]/.test(format)) throw badRequest("Access log format must be a single line (no line breaks)");
  if (!namesTheRequest(format))
    throw badRequest(
      "Access log format must include at least $context.requestId or $context.extendedRequestId",
    );
  if (apiType !== "REST" && Buffer.byteLength(format) > HTTP_FORMAT_MAX_BYTES)
    throw badRequest(`Access log format must be at most ${HTTP_FORMAT_MAX_BYTES} bytes`);
}

export function checkDestinationArn(arn: string, apiType: "REST" | "HTTP" | "WEBSOCKET"): void {
  if (LOG_GROUP_ARN.test(arn)) return;
  if (apiType === "REST" && FIREHOSE_ARN.test(arn)) return;
  throw badRequest(
    `Invalid destination ARN specified: ${arn}. Expected a CloudWatch Logs log group ARN ` +
      "(arn:aws:logs:{region}:{account-id}:log-group:{log-group-name})" +
      (apiType === "REST" ? " or a Firehose delivery stream named amazon-apigateway-*" : ""),
  );
}

/**
 * UpdateStage on a REST stage's `/accessLogSettings` paths: `replace` (or `add`) `/accessLogSettings/format`
 * and `/accessLogSettings/destinationArn`; `remove /accessLogSettings` turns access logging off.
 */
export function patchAccessLogSettings(stage: Stage, op: PatchOperation, rest: readonly string[]): void {
  if (rest.length === 0) {
    if (op.op !== "remove") throw invalidPath(op);
    delete stage.accessLogSettings;
    return;
  }
  const field = rest.join("/");
  if (field !== "format" && field !== "destinationArn") throw invalidPath(op);
  const settings: AccessLogSettings = { ...(stage.accessLogSettings ?? {}) };
  if (op.op === "remove") delete settings[field];
  else {
    const value = requireValue(op);
    if (field === "format") checkAccessLogFormat(value, "REST");
    else checkDestinationArn(value, "REST");
    settings[field] = value;
  }
  if (settings.format === undefined && settings.destinationArn === undefined) delete stage.accessLogSettings;
  else stage.accessLogSettings = settings;
}

/** CreateStage / UpdateStage on an apigatewayv2 stage: `accessLogSettings {destinationArn, format}`, both given. */
export function readHttpAccessLogSettings(value: unknown, apiType: "HTTP" | "WEBSOCKET"): AccessLogSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badRequest("Invalid value for accessLogSettings: expected an object");
  const { destinationArn, format, ...others } = value as Record<string, unknown>;
  const unknown = Object.keys(others)[0];
  if (unknown !== undefined) throw badRequest(`Invalid accessLogSettings member specified: ${unknown}`);
  if (typeof destinationArn !== "string" || destinationArn === "")
    throw badRequest("Invalid value for accessLogSettings.destinationArn: a log group ARN is required");
  if (typeof format !== "string" || format === "")
    throw badRequest("Invalid value for accessLogSettings.format: a format is required");
  checkDestinationArn(destinationArn, apiType);
  checkAccessLogFormat(format, apiType);
  return { destinationArn, format };
}
