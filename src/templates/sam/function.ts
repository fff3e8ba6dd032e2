import { isAbsolute, resolve } from "node:path";
import type { SamContext } from "./context.ts";
import type { FunctionRef } from "./event-target.ts";
import { translateHttpEvent } from "./http-event.ts";
import { translateRestEvent } from "./rest-event.ts";
import { at, isMap, type Json, own } from "./values.ts";

/**
 * AWS::Serverless::Function → AWS::Lambda::Function, as SAM maps it, with `Code` the absolute path
 * of the local CodeUri folder (as `aws cloudformation package` takes it before upload): Portico runs
 * the handler from there. Each event becomes what SAM makes of it for API Gateway; other event
 * sources are noticed, not connected.
 */
const SAME_NAME = [
  "Handler",
  "Runtime",
  "Environment",
  "Timeout",
  "MemorySize",
  "ReservedConcurrentExecutions",
  "FunctionName",
  "Description",
  "Role",
  "Architectures",
  "Layers",
  "VpcConfig",
  "KmsKeyArn",
  "EphemeralStorage",
  "LoggingConfig",
  "SnapStart",
  "FileSystemConfigs",
  "CodeSigningConfigArn",
  "RuntimeManagementConfig",
  "RecursiveLoop",
];
/** SAM properties that make other resources (roles, aliases, deployments): not applied here. */
const NOT_APPLIED: Record<string, string> = {
  Policies: "IAM policies are not applied (Portico runs functions without IAM roles)",
  RolePath: "no IAM role is made",
  PermissionsBoundary: "no IAM role is made",
  AssumeRolePolicyDocument: "no IAM role is made",
  AutoPublishAlias: "no alias or version is published; integrations call the function itself",
  AutoPublishAliasAllProperties: "no alias or version is published",
  AutoPublishCodeSha256: "no alias or version is published",
  VersionDescription: "no version is published",
  DeploymentPreference: "no CodeDeploy deployment is made",
  ProvisionedConcurrencyConfig: "provisioned concurrency is not modelled",
  EventInvokeConfig: "asynchronous invocation settings are not modelled",
  FunctionUrlConfig: "function URLs are not served",
  PropagateTags: "tags are not propagated",
  DeadLetterQueue: "dead-letter queues are not modelled",
  Tracing: "X-Ray tracing is not modelled",
  SourceKMSKeyArn: "not modelled",
};
const EVENT_TYPES = new Set([
  "S3",
  "SNS",
  "SQS",
  "Kinesis",
  "DynamoDB",
  "MSK",
  "MQ",
  "SelfManagedKafka",
  "DocumentDB",
  "Schedule",
  "ScheduleV2",
  "CloudWatchEvent",
  "EventBridgeRule",
  "CloudWatchLogs",
  "IoTRule",
  "AlexaSkill",
  "Cognito",
]);
export const PASSTHROUGH_ATTRIBUTES = ["Condition", "DeletionPolicy", "UpdateReplacePolicy"];

export function translateFunction(ctx: SamContext, logicalId: string, resource: Json, props: Json): void {
  const base = at("Resources", logicalId, "Properties");
  if (props.PackageType === "Image" || props.ImageUri !== undefined)
    ctx.fail(
      at(base, "ImageUri"),
      "container image functions cannot run here; use a zip package with CodeUri",
    );
  if (props.InlineCode !== undefined)
    ctx.fail(
      at(base, "InlineCode"),
      "inline code is not run; put the code in a file and point CodeUri at its folder (Handler file.export)",
    );
  for (const key of ["Handler", "Runtime"])
    if (props[key] === undefined) ctx.fail(at(base, key), `a function needs ${key}`);
  const lambda: Json = { Code: codePath(ctx, base, props.CodeUri) };
  for (const key of SAME_NAME) if (props[key] !== undefined) lambda[key] = props[key];
  const tags = props.Tags;
  if (tags !== undefined && !isMap(tags))
    ctx.fail(at(base, "Tags"), "Tags must be a mapping of key to value");
  lambda.Tags = [
    { Key: "lambda:createdBy", Value: "SAM" },
    ...Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  ];
  const handled = new Set([...SAME_NAME, "CodeUri", "Tags", "Events", "PackageType"]);
  for (const key of Object.keys(props)) {
    if (handled.has(key)) continue;
    const why = own(NOT_APPLIED, key) as string | undefined;
    ctx.notice(
      logicalId,
      at(base, key),
      why ?? `${key} is not a property Portico carries over from a SAM function`,
    );
  }
  const out: Json = { Type: "AWS::Lambda::Function", Properties: lambda };
  for (const attribute of [...PASSTHROUGH_ATTRIBUTES, "DependsOn", "Metadata"])
    if (resource[attribute] !== undefined) out[attribute] = resource[attribute];
  ctx.add(logicalId, out);
  const passthrough: Json = {};
  for (const attribute of PASSTHROUGH_ATTRIBUTES)
    if (resource[attribute] !== undefined) passthrough[attribute] = resource[attribute];
  translateEvents(ctx, { logicalId, passthrough }, props.Events);
}

function codePath(ctx: SamContext, base: string, codeUri: unknown): string {
  if (codeUri === undefined) return ctx.baseDir;
  const advice = "point CodeUri at the local folder of the function's code (as before `sam package`)";
  if (typeof codeUri === "string") {
    if (/^s3:\/\//i.test(codeUri))
      ctx.fail(at(base, "CodeUri"), `${codeUri} is in S3, which Portico does not read; ${advice}`);
    return isAbsolute(codeUri) ? codeUri : resolve(ctx.baseDir, codeUri);
  }
  if (isMap(codeUri) && (codeUri.Bucket !== undefined || codeUri.Key !== undefined))
    ctx.fail(at(base, "CodeUri"), `an S3 Bucket and Key are not read here; ${advice}`);
  return ctx.fail(at(base, "CodeUri"), `CodeUri must be a path string; ${advice}`);
}

/**
 * The map of events, each `{Type, Properties}`. Api and HttpApi events attach to their API; known
 * SAM event sources are noticed (Portico is a gateway: queues and schedules do not call it).
 */
export function translateEvents(ctx: SamContext, fn: FunctionRef, events: unknown): void {
  const base = at("Resources", fn.logicalId, "Properties", "Events");
  if (events === undefined) return;
  if (!isMap(events)) ctx.fail(base, "Events must be a mapping of event name to {Type, Properties}");
  // SAM's order: by Path (the $default route first, so its permission covers the function's
  // other routes), else by name.
  const sortKey = ([id, e]: [string, unknown]): string => {
    const props = isMap(e) && isMap(e.Properties) ? e.Properties : {};
    if (isMap(e) && e.Type === "HttpApi" && props.Path === undefined && props.Method === undefined)
      return "$default";
    return typeof props.Path === "string" ? props.Path : id;
  };
  const entries = Object.entries(events).sort((a, b) =>
    sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0,
  );
  for (const [eventId, event] of entries) {
    const path = at(base, eventId);
    if (!/^[A-Za-z0-9]+$/.test(eventId))
      ctx.fail(path, "an event's name must be alphanumeric (it becomes part of logical ids)");
    if (!isMap(event)) ctx.fail(path, "an event is a mapping with Type and Properties");
    const type = event.Type;
    if (typeof type !== "string") ctx.fail(at(path, "Type"), "an event needs a Type (Api, HttpApi, SQS, …)");
    const props = event.Properties ?? {};
    if (!isMap(props)) ctx.fail(at(path, "Properties"), "an event's Properties must be a mapping");
    if (type === "Api") translateRestEvent(ctx, fn, eventId, props);
    else if (type === "HttpApi") translateHttpEvent(ctx, fn, eventId, props);
    else if (EVENT_TYPES.has(type))
      ctx.notice(fn.logicalId, at(path, "Type"), `a ${type} event does not reach an API; not connected`);
    else ctx.fail(at(path, "Type"), `Event type '${type}' is not one SAM supports`);
  }
}
