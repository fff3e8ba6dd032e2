import { applyEventAuth } from "./auth.ts";
import type { SamApi, SamContext } from "./context.ts";
import { eventTarget, type FunctionRef, permissionId, type TargetApi } from "./event-target.ts";
import {
  addPath,
  arnPath,
  hasIntegration,
  INTEGRATION,
  isSwagger,
  lambdaUri,
  normalizeMethod,
  operation,
  swaggerSkeleton,
} from "./swagger.ts";
import { at, isMap, type Json, own, ref } from "./values.ts";

/**
 * A function's `Api` event as SAM translates it: a Lambda permission for the API's stage, and —
 * on an API whose definition SAM writes (no DefinitionBody given, or MergeDefinitions) — the path
 * and method with an `aws_proxy` integration, the event's Auth, timeout, model and parameters.
 */
const PROPERTIES = new Set([
  "Path",
  "Method",
  "RestApiId",
  "Auth",
  "RequestModel",
  "RequestParameters",
  "TimeoutInMillis",
  "ResponseTransferMode",
]);
const AUTH_KEYS = new Set([
  "Authorizer",
  "AuthorizationScopes",
  "ApiKeyRequired",
  "InvokeRole",
  "ResourcePolicy",
  "OverrideApiAuth",
]);

export function translateRestEvent(ctx: SamContext, fn: FunctionRef, eventId: string, props: Json): void {
  const base = at("Resources", fn.logicalId, "Properties", "Events", eventId, "Properties");
  for (const key of Object.keys(props))
    if (!PROPERTIES.has(key)) ctx.fail(at(base, key), `${key} is not a property of an Api event`);
  const urlPath = props.Path;
  if (typeof urlPath !== "string" || urlPath === "")
    ctx.fail(at(base, "Path"), "an Api event needs a Path (a string such as /items/{id})");
  const rawMethod = props.Method;
  if (typeof rawMethod !== "string" || rawMethod === "")
    ctx.fail(at(base, "Method"), "an Api event needs a Method (get, post, any, …)");
  const method = rawMethod.toLowerCase();
  const target = eventTarget(ctx, base, "RestApiId", props.RestApiId, "Api");
  addPermission(ctx, fn, eventId, target, urlPath, method, props.RestApiId);
  if (props.ResponseTransferMode !== undefined)
    ctx.notice(
      fn.logicalId,
      at(base, "ResponseTransferMode"),
      "response streaming is not supported; responses are buffered",
    );
  const api = target.api;
  if (api === undefined) return;
  const auth = own(props, "Auth");
  if (auth !== undefined && !isMap(auth)) ctx.fail(at(base, "Auth"), "Auth must be a mapping");
  if (auth !== undefined)
    for (const key of Object.keys(auth))
      if (!AUTH_KEYS.has(key))
        ctx.fail(at(base, "Auth", key), `${key} is not a property of an Api event's Auth`);
  const merge = api.properties.MergeDefinitions === true;
  const body = api.properties.DefinitionBody;
  const event = { path: base, base: at(base, "Auth"), method, urlPath };
  if (api.managed || merge) {
    if (!isSwagger(body)) {
      ctx.notice(
        fn.logicalId,
        base,
        `${api.logicalId}'s definition is not inline Swagger; this event's path is not added`,
      );
      return;
    }
    const doc = merge ? swaggerSkeleton() : body;
    if (hasIntegration(doc, urlPath, method))
      ctx.fail(at(base, "Path"), `API method "${method}" defined multiple times for path "${urlPath}".`);
    addIntegration(
      doc,
      urlPath,
      method,
      fn.logicalId,
      auth ?? {},
      isMap(api.properties.Auth) ? api.properties.Auth : {},
    );
    if (auth !== undefined) applyEventAuth(ctx, api, doc, event, auth);
    const op = operation(doc, urlPath, method)!;
    if (props.TimeoutInMillis !== undefined)
      (op[INTEGRATION] as Json).timeoutInMillis = props.TimeoutInMillis;
    if (props.RequestModel !== undefined)
      addRequestModel(ctx, api, doc, op, at(base, "RequestModel"), props.RequestModel);
    if (props.RequestParameters !== undefined)
      addRequestParameters(ctx, op, at(base, "RequestParameters"), props.RequestParameters);
    if (merge) mergeInto(ctx, api, body, doc, urlPath, method);
    return;
  }
  if (isSwagger(body) && operation(body, urlPath, method) === undefined)
    ctx.notice(
      fn.logicalId,
      base,
      `${api.logicalId}'s DefinitionBody has no ${method.toUpperCase()} ${urlPath}; SAM adds event paths only to a definition it writes (or with MergeDefinitions: true)`,
    );
  if (auth !== undefined && auth.OverrideApiAuth === true && isSwagger(body)) {
    if (!auth.Authorizer && auth.ApiKeyRequired === undefined && !auth.ResourcePolicy)
      ctx.fail(
        at(base, "Auth"),
        "Must define one of: Authorizer, ApiKeyRequired or ResourcePolicy when using the OverrideApiAuth property.",
      );
    applyEventAuth(ctx, api, body, event, auth);
  } else if (auth !== undefined) {
    ctx.notice(
      fn.logicalId,
      at(base, "Auth"),
      "SAM applies an event's Auth to a DefinitionBody you wrote only with OverrideApiAuth: true; not applied",
    );
  }
}

/** `<Function><Event>Permission<Stage>`: API Gateway may invoke the function for this method and path. */
function addPermission(
  ctx: SamContext,
  fn: FunctionRef,
  eventId: string,
  target: TargetApi,
  urlPath: string,
  method: string,
  rawApiId: unknown,
): void {
  const arnMethod = method === "any" ? "*" : method.toUpperCase();
  const logicalId = permissionId(`${fn.logicalId}${eventId}`, target.stageSuffix);
  ctx.add(logicalId, {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: ref(fn.logicalId),
      Principal: "apigateway.amazonaws.com",
      SourceArn: {
        "Fn::Sub": [
          `arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${arnMethod}${arnPath(urlPath)}`,
          { __ApiId__: rawApiId ?? ref(target.logicalId), __Stage__: "*" },
        ],
      },
    },
    ...fn.passthrough,
  });
}

function addIntegration(
  doc: Json,
  urlPath: string,
  method: string,
  fnId: string,
  auth: Json,
  apiAuth: Json,
): void {
  const op = addPath(doc, urlPath, method);
  const integration: Json = { type: "aws_proxy", httpMethod: "POST", uri: lambdaUri(fnId, "aws") };
  const hasOwnAuth = Object.keys(auth).length > 0;
  if (auth.Authorizer === "AWS_IAM" || (apiAuth.DefaultAuthorizer === "AWS_IAM" && !hasOwnAuth)) {
    let role = auth.InvokeRole ?? (Object.hasOwn(auth, "InvokeRole") ? "NONE" : undefined);
    role ??= apiAuth.InvokeRole ?? (Object.hasOwn(apiAuth, "InvokeRole") ? "NONE" : undefined);
    // SAM's default for an IAM-authorized method: call Lambda with the caller's credentials.
    const credentials = role && role !== "CALLER_CREDENTIALS" ? role : "arn:aws:iam::*:user/*";
    if (credentials !== "NONE") integration.credentials = credentials;
  }
  op[INTEGRATION] = integration;
  if (!isMap(op.responses)) op.responses = {};
}

function addRequestModel(
  ctx: SamContext,
  api: SamApi,
  doc: Json,
  op: Json,
  path: string,
  model: unknown,
): void {
  if (!isMap(model))
    ctx.fail(path, "RequestModel must be a mapping (Model, Required, ValidateBody, ValidateParameters)");
  const name = model.Model;
  if (name === undefined) return;
  const models = api.properties.Models;
  if (typeof name !== "string")
    ctx.fail(at(path, "Model"), "Model must be the name of one of the API's Models");
  if (!isMap(models) || !Object.hasOwn(models, name))
    ctx.fail(
      at(path, "Model"),
      `Unable to set RequestModel [${name}]: it wasn't defined in ${api.logicalId}'s Models.`,
    );
  const lower = name.toLowerCase();
  if (doc.swagger !== undefined) {
    const parameter: Json = { in: "body", name: lower, schema: { $ref: `#/definitions/${lower}` } };
    if (model.Required !== undefined) parameter.required = model.Required;
    op.parameters = [...(Array.isArray(op.parameters) ? op.parameters : []), parameter];
  } else {
    op.requestBody = {
      content: { "application/json": { schema: { $ref: `#/components/schemas/${lower}` } } },
    };
    if (model.Required !== undefined) (op.requestBody as Json).required = model.Required;
  }
  const body = model.ValidateBody;
  const params = model.ValidateParameters;
  if (body === undefined && params === undefined) return;
  if (
    (body !== undefined && typeof body !== "boolean") ||
    (params !== undefined && typeof params !== "boolean")
  )
    ctx.fail(path, "ValidateBody and ValidateParameters must be a boolean type");
  const b = body === true;
  const p = params === true;
  const validator = b && p ? "body-and-params" : b ? "body-only" : p ? "params-only" : "no-validation";
  const validators = isMap(doc["x-amazon-apigateway-request-validators"])
    ? (doc["x-amazon-apigateway-request-validators"] as Json)
    : {};
  if (!Object.hasOwn(validators, validator))
    validators[validator] = { validateRequestBody: b, validateRequestParameters: p };
  doc["x-amazon-apigateway-request-validators"] = validators;
  op["x-amazon-apigateway-request-validator"] = validator;
}

function addRequestParameters(ctx: SamContext, op: Json, path: string, parameters: unknown): void {
  if (!Array.isArray(parameters)) ctx.fail(path, "RequestParameters must be a list");
  const pattern = /^method\.request\.(querystring|path|header)\./;
  const list = Array.isArray(op.parameters) ? [...op.parameters] : [];
  parameters.forEach((entry: unknown, i: number) => {
    let name: unknown = entry;
    let settings: Json = {};
    if (isMap(entry)) {
      [name, settings] = (Object.entries(entry)[0] ?? [undefined, {}]) as [unknown, Json];
      if (!isMap(settings) || Object.keys(settings).some((k) => k !== "Required" && k !== "Caching"))
        ctx.fail(`${path}[${i}]`, "Values must be an object, e.g { Required: true, Caching: false }");
    }
    if (typeof name !== "string" || !pattern.test(name))
      ctx.fail(
        `${path}[${i}]`,
        "Keys must be in the format 'method.request.[querystring|path|header].{value}'",
      );
    const [location, ...rest] = name.slice("method.request.".length).split(".");
    list.push({
      in: location === "querystring" ? "query" : location,
      name: rest.join("."),
      required: settings.Required ?? false,
      type: "string",
    });
    if (settings.Caching === true) {
      const integration = op[INTEGRATION] as Json;
      const keys = Array.isArray(integration.cacheKeyParameters) ? integration.cacheKeyParameters : [];
      integration.cacheKeyParameters = [...keys, name];
    }
  });
  op.parameters = list;
}

/** MergeDefinitions: SAM's generated method over the one the DefinitionBody has, key by key. */
function mergeInto(
  ctx: SamContext,
  api: SamApi,
  body: Json,
  generated: Json,
  urlPath: string,
  method: string,
): void {
  const paths = body.paths as Json;
  const existing = own(paths, urlPath);
  if (existing !== undefined && !isMap(existing))
    ctx.fail(
      at("Resources", api.logicalId, "Properties", "DefinitionBody", "paths", urlPath),
      "a path must be a mapping",
    );
  const item: Json = existing ?? {};
  const m = normalizeMethod(method);
  const made = operation(generated, urlPath, method)!;
  item[m] = { ...(isMap(item[m]) ? item[m] : {}), ...made };
  paths[urlPath] = item;
  for (const key of ["securityDefinitions", "x-amazon-apigateway-request-validators"]) {
    const extra = generated[key];
    if (isMap(extra)) body[key] = { ...(isMap(body[key]) ? body[key] : {}), ...extra };
  }
}
