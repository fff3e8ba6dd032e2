import type { SamApi, SamContext } from "./context.ts";
import { eventTarget, type FunctionRef, permissionId } from "./event-target.ts";
import {
  ANY_METHOD,
  addPath,
  arnPath,
  hasIntegration,
  INTEGRATION,
  isOpenApi3,
  lambdaUri,
  operation,
} from "./swagger.ts";
import { at, isMap, type Json, own, ref } from "./values.ts";

/**
 * A function's `HttpApi` event as SAM translates it: a Lambda permission, and the route's
 * `aws_proxy` integration (payload format 2.0 unless the event says otherwise) added to the API's
 * OpenAPI definition wherever the route has no integration yet — SAM does this for definitions
 * you wrote too. No Path and no Method is the `$default` route.
 */
const PROPERTIES = new Set([
  "Path",
  "Method",
  "ApiId",
  "Auth",
  "TimeoutInMillis",
  "RouteSettings",
  "PayloadFormatVersion",
]);
const DEFAULT_PATH = "$default";

export function translateHttpEvent(ctx: SamContext, fn: FunctionRef, eventId: string, props: Json): void {
  const base = at("Resources", fn.logicalId, "Properties", "Events", eventId, "Properties");
  for (const key of Object.keys(props))
    if (!PROPERTIES.has(key)) ctx.fail(at(base, key), `${key} is not a property of an HttpApi event`);
  const neither = props.Path === undefined && props.Method === undefined;
  const urlPath = neither ? DEFAULT_PATH : props.Path;
  const rawMethod = neither ? ANY_METHOD : props.Method;
  if (typeof urlPath !== "string" || urlPath === "")
    ctx.fail(
      at(base, "Path"),
      "an HttpApi event with a Method needs a Path (or neither, for the $default route)",
    );
  if (typeof rawMethod !== "string" || rawMethod === "")
    ctx.fail(
      at(base, "Method"),
      "an HttpApi event with a Path needs a Method (or neither, for the $default route)",
    );
  const method = rawMethod.toLowerCase();
  const target = eventTarget(ctx, base, "ApiId", props.ApiId, "HttpApi");
  const api = target.api;
  // A function already on the $default route has the permission that covers this route too.
  if (urlPath === DEFAULT_PATH || api === undefined || !defaultRouteIs(api, fn.logicalId))
    addPermission(ctx, fn, eventId, urlPath, method, props.ApiId ?? ref(target.logicalId));
  if (api === undefined) return;
  const body = api.properties.DefinitionBody;
  if (!isOpenApi3(body)) {
    ctx.notice(
      fn.logicalId,
      base,
      `${api.logicalId}'s definition is not inline OpenAPI 3 (an AWS::Include, say); this event's route is not added`,
    );
    return;
  }
  if (api.managed && hasIntegration(body, urlPath, method))
    ctx.fail(at(base, "Path"), `API method '${method}' defined multiple times for path '${urlPath}'.`);
  if (!hasIntegration(body, urlPath, method)) {
    const op = addPath(body, urlPath, method);
    op[INTEGRATION] = {
      type: "aws_proxy",
      httpMethod: "POST",
      payloadFormatVersion: "2.0",
      uri: lambdaUri(fn.logicalId, "${AWS::Partition}"),
    };
    if (urlPath === DEFAULT_PATH && method === ANY_METHOD) op.isDefaultRoute = true;
    if (!isMap(op.responses)) op.responses = {};
  }
  const op = operation(body, urlPath, method)!;
  const integration = op[INTEGRATION] as Json;
  const auth = own(props, "Auth");
  if (auth !== undefined)
    applyHttpEventAuth(ctx, api, op, at(base, "Auth"), auth, `[${method}] for path [${urlPath}]`);
  if (props.TimeoutInMillis !== undefined) integration.timeoutInMillis = props.TimeoutInMillis;
  const names = [...urlPath.matchAll(/\{(.*?)\}/g)].map((m) => m[1]!);
  if (names.length > 0) {
    const parameters = Array.isArray(op.parameters) ? (op.parameters as Json[]) : [];
    for (const name of names) {
      const found = parameters.find((p) => isMap(p) && p.name === name);
      if (found) Object.assign(found, { in: "path", required: true });
      else parameters.push({ name, in: "path", required: true });
    }
    op.parameters = parameters;
  }
  if (props.PayloadFormatVersion !== undefined) integration.payloadFormatVersion = props.PayloadFormatVersion;
  if (props.RouteSettings !== undefined) {
    if (!isMap(props.RouteSettings)) ctx.fail(at(base, "RouteSettings"), "RouteSettings must be a mapping");
    const route = method === ANY_METHOD ? urlPath : `${method.toUpperCase()} ${urlPath}`;
    const all = isMap(api.properties.RouteSettings) ? api.properties.RouteSettings : {};
    all[route] = { ...(isMap(all[route]) ? all[route] : {}), ...props.RouteSettings };
    api.properties.RouteSettings = all;
  }
}

function defaultRouteIs(api: SamApi, functionId: string): boolean {
  const body = api.properties.DefinitionBody;
  if (!isOpenApi3(body) || !hasIntegration(body, DEFAULT_PATH, ANY_METHOD)) return false;
  const uri = (operation(body, DEFAULT_PATH, ANY_METHOD)![INTEGRATION] as Json).uri;
  const sub = isMap(uri) ? uri["Fn::Sub"] : undefined;
  const match = typeof sub === "string" ? /([A-Za-z0-9]+)\.Arn/.exec(sub) : null;
  return match?.[1] === functionId;
}

/** `<Function><Event>Permission` for the route (every stage). */
function addPermission(
  ctx: SamContext,
  fn: FunctionRef,
  eventId: string,
  urlPath: string,
  method: string,
  apiId: unknown,
): void {
  let path = urlPath === DEFAULT_PATH ? "" : arnPath(urlPath);
  const any = method === "any" || method === ANY_METHOD;
  let resource = "${__ApiId__}/${__Stage__}";
  if (method === "any" && path === `/${DEFAULT_PATH}`) resource += path;
  else {
    if (path === "" && !any) path = "";
    resource += `/${any ? "*" : method.toUpperCase()}${path}`;
  }
  ctx.add(permissionId(`${fn.logicalId}${eventId}`, ""), {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: ref(fn.logicalId),
      Principal: "apigateway.amazonaws.com",
      SourceArn: {
        "Fn::Sub": [
          `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
          { __ApiId__: apiId, __Stage__: "*" },
        ],
      },
    },
    ...fn.passthrough,
  });
}

function applyHttpEventAuth(
  ctx: SamContext,
  api: SamApi,
  op: Json,
  base: string,
  auth: unknown,
  where: string,
): void {
  if (!isMap(auth)) ctx.fail(base, "Auth must be a mapping (Authorizer, AuthorizationScopes)");
  const apiAuth = isMap(api.properties.Auth) ? api.properties.Auth : {};
  let name = auth.Authorizer;
  if (name === undefined) {
    if (!apiAuth.DefaultAuthorizer)
      ctx.fail(
        base,
        "'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.",
      );
    name = apiAuth.DefaultAuthorizer;
  }
  if (typeof name !== "string") ctx.fail(at(base, "Authorizer"), "Authorizer must be a string");
  const authorizers = isMap(apiAuth.Authorizers) ? apiAuth.Authorizers : undefined;
  const iam = apiAuth.EnableIamAuthorizer === true;
  if (name === "NONE") {
    if (!apiAuth.DefaultAuthorizer)
      ctx.fail(
        at(base, "Authorizer"),
        `Unable to set Authorizer on API method ${where} because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
      );
  } else if (!(name === "AWS_IAM" && iam)) {
    if (authorizers === undefined)
      ctx.fail(
        at(base, "Authorizer"),
        `Unable to set Authorizer [${name}] on API method ${where} because the related API does not define any Authorizers.`,
      );
    if (!Object.hasOwn(authorizers, name))
      ctx.fail(
        at(base, "Authorizer"),
        `Unable to set Authorizer [${name}] on API method ${where} because it wasn't defined in the API's Authorizers.`,
      );
  }
  const scopes = auth.AuthorizationScopes;
  if (scopes !== undefined && !Array.isArray(scopes))
    ctx.fail(at(base, "AuthorizationScopes"), "'AuthorizationScopes' must be a list of strings.");
  const entry: Json = { [name]: [] };
  if (name !== "NONE" && name !== "AWS_IAM" && authorizers !== undefined) {
    const own = isMap(authorizers[name]) ? (authorizers[name] as Json).AuthorizationScopes : undefined;
    const chosen = Array.isArray(scopes) && scopes.length > 0 ? scopes : own;
    if (Array.isArray(chosen) && chosen.length > 0) entry[name] = chosen;
  }
  op.security = [...(Array.isArray(op.security) ? op.security : []), entry];
}
