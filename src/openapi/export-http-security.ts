import type { HttpApiDefinition, HttpAuthorizer, HttpRoute } from "../model/http-api.ts";

/**
 * The security half of an HTTP API export: each authorizer as a security scheme named after it
 * (JWT as `oauth2`, Lambda as `apiKey` on its first header, AWS's own export shapes) carrying
 * `x-amazon-apigateway-authorizer`, IAM as an `awsSigv4` scheme, and each route's `security`
 * naming its scheme, with a JWT route's scopes. What import reads, so export → import gives the
 * same authorizers and the same protection.
 */
export interface HttpSecurityExport {
  schemes: Record<string, Record<string, unknown>>;
  /** The `security` of a route's operation, or undefined for an open route. */
  securityOf(route: HttpRoute): Record<string, string[]>[] | undefined;
}

export function exportHttpSecurity(def: HttpApiDefinition, includeExtensions: boolean): HttpSecurityExport {
  const schemes: Record<string, Record<string, unknown>> = {};
  const names = new Map<string, string>();
  for (const a of Object.values(def.authorizers ?? {}).sort((x, y) => x.name.localeCompare(y.name))) {
    schemes[a.name] = schemeOf(a, includeExtensions);
    names.set(a.authorizerId, a.name);
  }
  let sigv4 = "sigv4";
  for (let n = 2; schemes[sigv4] !== undefined; n++) sigv4 = `sigv4-${n}`;
  const routes = Object.values(def.routes);
  if (routes.some((r) => r.authorizationType === "AWS_IAM")) {
    schemes[sigv4] = {
      type: "apiKey",
      name: "Authorization",
      in: "header",
      "x-amazon-apigateway-authtype": "awsSigv4",
    };
  }
  return {
    schemes,
    securityOf(route) {
      if (route.authorizationType === "AWS_IAM") return [{ [sigv4]: [] }];
      const name = route.authorizerId === undefined ? undefined : names.get(route.authorizerId);
      if (route.authorizationType === "NONE" || name === undefined) return undefined;
      return [{ [name]: route.authorizationType === "JWT" ? [...(route.authorizationScopes ?? [])] : [] }];
    },
  };
}

function schemeOf(a: HttpAuthorizer, includeExtensions: boolean): Record<string, unknown> {
  const identitySource = a.identitySource.join(",");
  if (a.authorizerType === "JWT") {
    const scheme: Record<string, unknown> = { type: "oauth2", flows: {} };
    if (includeExtensions) {
      const x: Record<string, unknown> = { type: "jwt", identitySource };
      if (a.jwtConfiguration) x.jwtConfiguration = structuredClone(a.jwtConfiguration);
      scheme["x-amazon-apigateway-authorizer"] = x;
    }
    return scheme;
  }
  const header = a.identitySource.find((s) => s.startsWith("$request.header."));
  const scheme: Record<string, unknown> = {
    type: "apiKey",
    name: header?.slice("$request.header.".length) ?? "Unused",
    in: "header",
  };
  if (includeExtensions) {
    const x: Record<string, unknown> = { type: "request" };
    if (identitySource !== "") x.identitySource = identitySource;
    if (a.authorizerUri !== undefined) x.authorizerUri = a.authorizerUri;
    if (a.authorizerCredentialsArn !== undefined) x.authorizerCredentials = a.authorizerCredentialsArn;
    if (a.authorizerPayloadFormatVersion !== undefined)
      x.authorizerPayloadFormatVersion = a.authorizerPayloadFormatVersion;
    if (a.enableSimpleResponses !== undefined) x.enableSimpleResponses = a.enableSimpleResponses;
    if (a.authorizerResultTtlInSeconds !== undefined)
      x.authorizerResultTtlInSeconds = a.authorizerResultTtlInSeconds;
    scheme["x-amazon-apigateway-authorizer"] = x;
  }
  return scheme;
}
