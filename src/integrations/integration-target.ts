import { acceptsHttpUri } from "./uri-template.ts";

/**
 * What AWS checks of a REST integration's target — its method and URI — when it is put (PutIntegration,
 * an OpenAPI import), in AWS's order and words. MOCK has no target: its `uri` is accepted and dropped.
 */

const INVALID_ARN = "Invalid ARN specified in the request";

/**
 * A region as AWS names them (`us-east-1`, `us-gov-west-1`, `cn-north-1`): the shape the config's
 * `region` takes too. AWS refuses an integration or authorizer ARN whose region is not one — a typo,
 * or a template placeholder such as Terraform's `${region}` left unrendered.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * AWS's refusal of a REST Lambda authorizer's `authorizerUri`, or undefined when it is an API Gateway
 * ARN of a Lambda invocation in a region.
 */
export function authorizerUriProblem(uri: string | undefined): string | undefined {
  const m =
    uri === undefined ? null : /^arn:aws[a-z-]*:apigateway:([^:]+):lambda:path\/.+\/invocations$/.exec(uri);
  return m !== null && REGION.test(m[1]!) ? undefined : "Invalid Authorizer URI specified";
}

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
 * function's own ARN, a role) lacks the path or action; one whose region is not a region is invalid. AWS_PROXY calls Lambda functions only (the
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
  // Checked after the path or action, as AWS does: a role's ARN (no region) lacks the path first.
  if (!REGION.test(fields[3]!)) return INVALID_ARN;
  if (proxy && (service !== "lambda" || !resource.startsWith("path/2015-03-31/functions/"))) {
    return "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.";
  }
  return undefined;
}
