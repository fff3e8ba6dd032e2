/**
 * The URI of a REST `type: AWS` integration:
 * `arn:aws:apigateway:{region}:{subdomain.service|service}:{path|action}/{service_api}`
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html, `uri`).
 */
export interface AwsServiceArn {
  readonly region: string;
  /** The service part: `sqs`, `s3`, `states`, … — what `services.<name>` is keyed by. */
  readonly service: string;
  /** The `bucket` of `bucket.s3`: a virtual-host prefix. */
  readonly subdomain: string | undefined;
  readonly kind: "path" | "action";
  /** `SendMessage` for `action/SendMessage`, `my-bucket/{key}` for `path/my-bucket/{key}`. */
  readonly target: string;
}

/** The ARN's problem in AWS's words (PutIntegration refuses such a URI with 400). */
export class AwsArnError extends Error {
  readonly code = "INVALID_AWS_ARN";
}

const ARN = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]*):([A-Za-z0-9._-]+):(.*)$/;

/**
 * Parses the integration URI of an AWS service integration.
 * @throws AwsArnError `Invalid ARN specified in the request` for a URI of another shape, `AWS ARN
 *   for integration must contain path or action` when the part after the service is neither.
 */
export function parseAwsServiceArn(uri: string): AwsServiceArn {
  const m = ARN.exec(uri);
  if (m === null) throw new AwsArnError("Invalid ARN specified in the request");
  const [, region, host, rest] = m as unknown as [string, string, string, string];
  const slash = rest.indexOf("/");
  const kind = slash < 0 ? rest : rest.slice(0, slash);
  if (kind !== "path" && kind !== "action")
    throw new AwsArnError("AWS ARN for integration must contain path or action");
  const target = rest.slice(slash + 1);
  if (target === "") throw new AwsArnError("Invalid ARN specified in the request");
  if (kind === "action" && !/^[A-Za-z0-9_.-]+$/.test(target))
    throw new AwsArnError(`Invalid action name ${target} in the integration ARN`);
  const dot = host.lastIndexOf(".");
  const service = dot < 0 ? host : host.slice(dot + 1);
  const subdomain = dot < 0 ? undefined : host.slice(0, dot);
  if (service === "" || subdomain === "") throw new AwsArnError("Invalid ARN specified in the request");
  return { region, service: service.toLowerCase(), subdomain, kind, target };
}

/** The service part of an AWS integration URI (`sqs`, `lambda`, …), or undefined for another URI. */
export function awsServiceOf(uri: string): string | undefined {
  const host = ARN.exec(uri)?.[2];
  return host?.slice(host.lastIndexOf(".") + 1).toLowerCase();
}
