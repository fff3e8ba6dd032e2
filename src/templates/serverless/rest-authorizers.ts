import {
  arnInvokeUri,
  isMapping,
  lambdaInvokeUri,
  type Mapping,
  optionalNumber,
  optionalString,
  type Place,
  type ReadContext,
  requireFunction,
} from "./shape.ts";

/** What an `http` event's `authorizer` adds: a security scheme and the operation's requirement. */
export interface RestSecurity {
  schemeName: string;
  scheme: Mapping;
  scopes: string[];
}

const COGNITO_ARN = /^arn:aws[\w-]*:cognito-idp:/;

/** The framework names an authorizer given by ARN after the ARN's last `-` part. */
const nameFromArn = (arn: string): string =>
  arn
    .slice(arn.lastIndexOf(":") + 1)
    .split("-")
    .pop()!;

const IAM: RestSecurity = {
  schemeName: "sigv4",
  scheme: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
  scopes: [],
};

function headerOf(identitySource: string): string {
  const m = /^method\.request\.header\.(.+)$/.exec(identitySource.split(",")[0]!.trim());
  return m ? m[1]! : "Authorization";
}

/**
 * An `http` event's `authorizer` — a function of this service, a Lambda or Cognito user pool ARN,
 * `aws_iam`, or the object form with `name`/`arn`, `type`, `identitySource`, `resultTtlInSeconds`,
 * `identityValidationExpression`, `scopes` — as the OpenAPI security scheme API Gateway imports,
 * with the framework's defaults (TOKEN, a 300 s cache, the `Authorization` header).
 */
export function restAuthorizer(ctx: ReadContext, value: unknown, at: Place): RestSecurity {
  let functionName: string | undefined;
  let arn: unknown;
  let name: string | undefined;
  let spec: Mapping = {};
  if (typeof value === "string") {
    if (value.toUpperCase() === "AWS_IAM") return IAM;
    if (value.includes(":")) arn = value;
    else functionName = value;
  } else if (isMapping(value)) {
    spec = value;
    const type = optionalString(spec.type, at.key("type"))?.toUpperCase();
    if (type === "AWS_IAM") return IAM;
    if (spec.authorizerId !== undefined)
      throw at
        .key("authorizerId")
        .error("an authorizer made outside this service cannot be used; declare it here (name or arn)");
    if (spec.arn !== undefined) {
      arn = spec.arn;
      name = optionalString(spec.name, at.key("name"));
      if (typeof arn !== "string" && name === undefined)
        throw at.key("name").error("an authorizer whose arn is not a string needs a name");
    } else if (spec.name !== undefined) functionName = optionalString(spec.name, at.key("name"));
    else throw at.error("give the authorizer's function name or its arn");
  } else throw at.error("must be a function name, an ARN, aws_iam or a mapping");

  if (functionName !== undefined) {
    requireFunction(ctx, functionName, at);
    name = functionName;
  }
  name ??= nameFromArn(String(arn));
  const type = optionalString(spec.type, at.key("type"))?.toUpperCase();
  const scopes = Array.isArray(spec.scopes) ? spec.scopes.map(String) : [];
  const ttl = optionalNumber(spec.resultTtlInSeconds, at.key("resultTtlInSeconds")) ?? 300;
  const isCognito = type === "COGNITO_USER_POOLS" || (typeof arn === "string" && COGNITO_ARN.test(arn));
  const requestType = !isCognito && type === "REQUEST";
  let identitySource = optionalString(spec.identitySource, at.key("identitySource"));
  if (identitySource === undefined && !(requestType && ttl === 0))
    identitySource = "method.request.header.Authorization";

  const authorizer: Mapping = isCognito
    ? { type: "cognito_user_pools", providerARNs: [arn] }
    : {
        type: requestType ? "request" : "token",
        authorizerUri: functionName !== undefined ? lambdaInvokeUri(functionName) : arnInvokeUri(arn),
        authorizerResultTtlInSeconds: ttl,
      };
  if (identitySource !== undefined) authorizer.identitySource = identitySource;
  const expression = optionalString(
    spec.identityValidationExpression,
    at.key("identityValidationExpression"),
  );
  if (expression !== undefined) authorizer.identityValidationExpression = expression;
  return {
    schemeName: name,
    scheme: {
      type: "apiKey",
      name: requestType ? "Unused" : headerOf(identitySource ?? ""),
      in: "header",
      "x-amazon-apigateway-authtype": isCognito ? "cognito_user_pools" : "custom",
      "x-amazon-apigateway-authorizer": authorizer,
    },
    scopes: isCognito ? scopes : [],
  };
}
