import { checkProperties, type PlanContext } from "./plan-context.ts";
import { bool, child, defined, isRecord, num, str, strList, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

/**
 * A REST API's parts other than its methods — AWS::ApiGateway::Authorizer, RequestValidator, Model
 * and GatewayResponse — written into its OpenAPI document as the extensions Portico's importer
 * (src/openapi/rest-security.ts, rest-api-extensions.ts) reads, and what the methods need to name
 * them: the security scheme of an authorizer id, the validator name of a validator id.
 */
export interface RestParts {
  schemeOf: Map<string, { name: string; cognito: boolean }>;
  validatorOf: Map<string, string>;
}

/** The `x-api-key` scheme methods with ApiKeyRequired name. */
export const API_KEY_SCHEME = "api_key";

/** The resources of `type` that belong to the API (their RestApiId names it); any other id is refused. */
export function partsOf(ctx: PlanContext, api: ResolvedResource, type: string): ResolvedResource[] {
  return ctx.ofType(type).filter((r) => ctx.target(r, "RestApiId", "AWS::ApiGateway::RestApi") === api);
}

const components = (doc: Record<string, unknown>, key: string) => child(child(doc, "components"), key);

/** The header a TOKEN or Cognito authorizer reads, for the scheme's `name`. */
function headerOf(identitySource: string | undefined): string | undefined {
  const m = /^method\.request\.header\.([^,\s]+)$/.exec(identitySource ?? "");
  return m?.[1];
}

function authorizerScheme(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  checkProperties(ctx, r, [
    "RestApiId",
    "Name",
    "Type",
    "AuthType",
    "AuthorizerUri",
    "AuthorizerCredentials",
    "IdentitySource",
    "IdentityValidationExpression",
    "AuthorizerResultTtlInSeconds",
    "ProviderARNs",
  ]);
  const type = str(r.properties.Type)?.toUpperCase();
  if (type !== "TOKEN" && type !== "REQUEST" && type !== "COGNITO_USER_POOLS")
    throw ctx.error(r, "Properties.Type", "an authorizer's Type is TOKEN, REQUEST or COGNITO_USER_POOLS");
  const identitySource = str(r.properties.IdentitySource);
  const ttl = num(r.properties.AuthorizerResultTtlInSeconds);
  const x = defined({
    type: type.toLowerCase(),
    authorizerUri: str(r.properties.AuthorizerUri),
    authorizerCredentials: str(r.properties.AuthorizerCredentials),
    identitySource,
    identityValidationExpression: str(r.properties.IdentityValidationExpression),
    authorizerResultTtlInSeconds: ttl,
    providerARNs: r.properties.ProviderARNs === undefined ? undefined : strList(r.properties.ProviderARNs),
  });
  return {
    type: "apiKey",
    // A REQUEST authorizer reads several sources; the scheme's one header is then only a label.
    name: headerOf(identitySource) ?? "Unused",
    in: "header",
    "x-amazon-apigateway-authtype":
      str(r.properties.AuthType) ?? (type === "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom"),
    "x-amazon-apigateway-authorizer": x,
  };
}

function modelSchema(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  const schema = r.properties.Schema;
  if (isRecord(schema)) return schema;
  if (typeof schema === "string") {
    try {
      const parsed = JSON.parse(schema) as unknown;
      if (isRecord(parsed)) return parsed;
    } catch {
      // refused below, with the place
    }
  }
  throw ctx.error(r, "Properties.Schema", "a model's Schema is a JSON Schema object (or its JSON text)");
}

/** Adds the API's authorizers, validators, models and gateway responses to `doc`. */
export function addRestParts(
  ctx: PlanContext,
  api: ResolvedResource,
  doc: Record<string, unknown>,
  swagger2: boolean,
): RestParts {
  const parts: RestParts = { schemeOf: new Map(), validatorOf: new Map() };
  const needsOpenApi3 = (r: ResolvedResource) => {
    if (swagger2)
      throw ctx.error(
        r,
        "Type",
        `the API's Body is Swagger 2.0; Portico adds ${r.type} resources only to OpenAPI 3 bodies (write it into the Body)`,
      );
  };
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::Authorizer")) {
    needsOpenApi3(r);
    const name = str(r.properties.Name) ?? r.logicalId;
    const schemes = components(doc, "securitySchemes");
    if (schemes[name] !== undefined)
      throw ctx.error(r, "Properties.Name", `two authorizers of the API are named ${name}`);
    schemes[name] = authorizerScheme(ctx, r);
    const cognito = str(r.properties.Type)?.toUpperCase() === "COGNITO_USER_POOLS";
    parts.schemeOf.set(ctx.ref(r), { name, cognito });
  }
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::RequestValidator")) {
    checkProperties(ctx, r, ["RestApiId", "Name", "ValidateRequestBody", "ValidateRequestParameters"]);
    const name = str(r.properties.Name) ?? r.logicalId;
    const validators = child(doc, "x-amazon-apigateway-request-validators");
    validators[name] = {
      validateRequestBody: bool(r.properties.ValidateRequestBody) ?? false,
      validateRequestParameters: bool(r.properties.ValidateRequestParameters) ?? false,
    };
    parts.validatorOf.set(ctx.ref(r), name);
  }
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::Model")) {
    needsOpenApi3(r);
    checkProperties(ctx, r, ["RestApiId", "Name", "Schema"], ["ContentType"]);
    components(doc, "schemas")[ctx.ref(r)] = modelSchema(ctx, r);
  }
  for (const r of partsOf(ctx, api, "AWS::ApiGateway::GatewayResponse")) {
    checkProperties(ctx, r, [
      "RestApiId",
      "ResponseType",
      "StatusCode",
      "ResponseParameters",
      "ResponseTemplates",
    ]);
    const type = str(r.properties.ResponseType);
    if (type === undefined)
      throw ctx.error(r, "Properties.ResponseType", "a gateway response needs its type");
    const responses = child(doc, "x-amazon-apigateway-gateway-responses");
    responses[type] = defined({
      statusCode: str(r.properties.StatusCode),
      responseParameters: strMap(r.properties.ResponseParameters),
      responseTemplates: strMap(r.properties.ResponseTemplates),
    });
  }
  return parts;
}
