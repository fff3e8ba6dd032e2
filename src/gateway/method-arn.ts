import { pathSegments } from "./route-tree.ts";

/**
 * The execute-api ARN of a request, `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html). Every
 * check of a request — resource policy, identity policies, a Lambda authorizer's methodArn and the
 * policy it returns — takes the path from here: the router ignores empty segments, so the ARN must
 * too, or `/admin/secret/` and `//admin/secret` would be served as `/admin/secret` while a policy
 * naming that resource is asked about something else.
 */
export function methodArn(
  scope: { region: string; accountId: string; apiId: string; stageName: string },
  method: string,
  path: string,
): string {
  return `arn:aws:execute-api:${scope.region}:${scope.accountId}:${scope.apiId}/${scope.stageName}/${method}/${canonicalPath(path)}`;
}

/** The request path as the router matched it, without leading slash: `//a//b/` → `a/b`. */
export function canonicalPath(path: string): string {
  return pathSegments(path).join("/");
}
