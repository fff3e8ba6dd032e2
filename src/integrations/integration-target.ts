import { acceptsHttpUri } from "./uri-template.ts";

/**
 * What AWS checks of a REST integration's target — its method and URI — when it is put (PutIntegration,
 * an OpenAPI import), in AWS's order and words. MOCK has no target: its `uri` is accepted and dropped.
 */

const INVALID_ARN = "Invalid ARN specified in the request";

/** AWS's refusal of this target, or undefined when AWS accepts it. */
export function integrationTargetProblem(
  type: string,
  httpMethod: string | undefined,
  uri: string | undefined,
): string | undefined {
  if (type === "MOCK") return undefined;
  if (httpMethod === undefined || httpMethod === "")
    return "Enumeration value for HttpMethod must be non-empty";
  if (type === "HTTP" || type === "HTTP_PROXY") {
    return uri !== undefined && acceptsHttpUri(uri) ? undefined : "Invalid HTTP endpoint specified for URI";
  }
  return awsUriProblem(uri ?? "", type === "AWS_PROXY");
}

/**
 * An AWS integration URI is an ARN `arn:{partition}:apigateway:{region}:{service}:{path|action}/…`.
 * Anything that does not parse as an ARN is "Invalid ARN"; an ARN of something else (a Lambda
 * function's own ARN, a role) lacks the path or action. AWS_PROXY calls Lambda functions only (the
 * message names Firehose, which AWS refuses as well). A stage variable standing for the whole path
 * leaves the rest to be checked when it is substituted.
 */
function awsUriProblem(uri: string, proxy: boolean): string | undefined {
  const fields = uri.split(":");
  if (fields.length < 6 || fields[0] !== "arn" || fields[1] === "" || fields[2] === "") return INVALID_ARN;
  const service = fields[4]!;
  const resource = fields.slice(5).join(":");
  if (resource.startsWith("${stageVariables.")) return undefined;
  if (!/^(?:path|action)\//.test(resource)) return "AWS ARN for integration must contain path or action";
  if (proxy && (service !== "lambda" || !resource.startsWith("path/2015-03-31/functions/"))) {
    return "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.";
  }
  return undefined;
}
