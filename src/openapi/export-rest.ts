import type { Integration, Method, RestApiDefinition } from "../model/rest-api.ts";

/** What GetExport adds on top of the plain OpenAPI description. */
export type ExportExtension = "integrations" | "authorizers" | "apigateway";

export interface RestExportOptions {
  format: "oas30" | "swagger";
  extensions: ReadonlySet<ExportExtension>;
  stageName: string;
  region: string;
}

const VERB_KEYS: Record<string, string> = {
  GET: "get",
  PUT: "put",
  POST: "post",
  DELETE: "delete",
  PATCH: "patch",
  OPTIONS: "options",
  HEAD: "head",
  ANY: "x-amazon-apigateway-any-method",
};
const LOCATIONS: Record<string, string> = { path: "path", querystring: "query", header: "header" };

function integrationExtension(i: Integration): Record<string, unknown> {
  const out: Record<string, unknown> = { type: i.type.toLowerCase() };
  if (i.httpMethod !== undefined) out.httpMethod = i.httpMethod;
  if (i.uri !== undefined) out.uri = i.uri;
  if (i.credentials !== undefined) out.credentials = i.credentials;
  if (i.requestParameters) out.requestParameters = i.requestParameters;
  if (i.requestTemplates) out.requestTemplates = i.requestTemplates;
  out.passthroughBehavior = i.passthroughBehavior.toLowerCase();
  if (i.contentHandling) out.contentHandling = i.contentHandling;
  out.timeoutInMillis = i.timeoutInMillis;
  if (i.cacheNamespace !== undefined) out.cacheNamespace = i.cacheNamespace;
  out.cacheKeyParameters = i.cacheKeyParameters;
  if (i.connectionType) out.connectionType = i.connectionType;
  if (i.connectionId) out.connectionId = i.connectionId;
  if (i.tlsConfig) out.tlsConfig = i.tlsConfig;
  if (i.integrationResponses) {
    out.responses = Object.fromEntries(
      Object.values(i.integrationResponses).map((r) => {
        const response: Record<string, unknown> = { statusCode: r.statusCode };
        if (r.responseParameters) response.responseParameters = r.responseParameters;
        if (r.responseTemplates) response.responseTemplates = r.responseTemplates;
        if (r.contentHandling) response.contentHandling = r.contentHandling;
        return [r.selectionPattern ?? "default", response];
      }),
    );
  }
  return out;
}

function parameters(method: Method, swagger: boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [key, required] of Object.entries(method.requestParameters ?? {})) {
    const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(key);
    if (m === null) continue;
    const p: Record<string, unknown> = {
      name: m[2],
      in: LOCATIONS[m[1]!],
      required: m[1] === "path" ? true : required,
    };
    if (swagger) p.type = "string";
    else p.schema = { type: "string" };
    out.push(p);
  }
  return out;
}

/**
 * GetExport for REST APIs (`oas30` or `swagger`), the inverse of the importer: importing the export
 * again yields the same API. Extensions: `integrations` (x-amazon-apigateway-integration),
 * `authorizers` (security schemes), `apigateway` (both, plus API-level extensions).
 */
export function exportRestApi(def: RestApiDefinition, options: RestExportOptions): Record<string, unknown> {
  const swagger = options.format === "swagger";
  const all = options.extensions.has("apigateway");
  const withIntegrations = all || options.extensions.has("integrations");
  const withAuthorizers = all || options.extensions.has("authorizers");
  const { api } = def;
  const host = `${api.id}.execute-api.${options.region}.amazonaws.com`;
  const doc: Record<string, unknown> = swagger ? { swagger: "2.0" } : { openapi: "3.0.1" };
  const info: Record<string, unknown> = {
    title: api.name,
    version: api.version ?? new Date(api.createdDate).toISOString(),
  };
  if (api.description !== undefined) info.description = api.description;
  doc.info = info;
  if (swagger) Object.assign(doc, { host, basePath: `/${options.stageName}`, schemes: ["https"] });
  else
    doc.servers = [
      { url: `https://${host}/{basePath}`, variables: { basePath: { default: options.stageName } } },
    ];

  const schemes: Record<string, unknown> = {};
  const schemeNames = new Map<string, string>();
  if (withAuthorizers) {
    for (const a of Object.values(def.authorizers ?? {})) {
      const header = a.identitySource?.startsWith("method.request.header.")
        ? a.identitySource.slice("method.request.header.".length)
        : undefined;
      const authorizer: Record<string, unknown> = { type: a.type.toLowerCase() };
      for (const key of [
        "authorizerUri",
        "authorizerCredentials",
        "identitySource",
        "identityValidationExpression",
        "authorizerResultTtlInSeconds",
      ] as const) {
        if (a[key] !== undefined) authorizer[key] = a[key];
      }
      if (a.providerARNs) authorizer.providerARNs = a.providerARNs;
      schemes[a.name] = {
        type: "apiKey",
        name: header ?? "Unused",
        in: "header",
        "x-amazon-apigateway-authtype":
          a.authType ?? (a.type === "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom"),
        "x-amazon-apigateway-authorizer": authorizer,
      };
      schemeNames.set(a.id, a.name);
    }
  }
  const validatorNames = new Map(Object.values(def.requestValidators ?? {}).map((v) => [v.id, v.name]));

  const paths: Record<string, Record<string, unknown>> = {};
  const resources = Object.values(def.resources).sort((a, b) => a.path.localeCompare(b.path));
  for (const resource of resources) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      const op: Record<string, unknown> = {};
      if (method.operationName) op.operationId = method.operationName;
      const params = parameters(method, swagger);
      const models = Object.entries(method.requestModels ?? {});
      if (models.length > 0 && swagger) {
        // Swagger 2 has one body parameter; the types it is sent as go in `consumes`.
        const [, name] = models[0]!;
        params.push({ in: "body", name, required: true, schema: { $ref: `#/definitions/${name}` } });
        op.consumes = models.map(([type]) => type);
      } else if (models.length > 0) {
        op.requestBody = {
          content: Object.fromEntries(
            models.map(([type, name]) => [type, { schema: { $ref: `#/components/schemas/${name}` } }]),
          ),
          required: true,
        };
      }
      if (params.length > 0) op.parameters = params;
      const responses: Record<string, unknown> = {};
      for (const r of Object.values(method.methodResponses ?? {})) {
        const response: Record<string, unknown> = { description: `${r.statusCode} response` };
        const headers = Object.keys(r.responseParameters ?? {}).filter((k) =>
          k.startsWith("method.response.header."),
        );
        if (headers.length > 0) {
          response.headers = Object.fromEntries(
            headers.map((h) => [
              h.slice("method.response.header.".length),
              swagger ? { type: "string" } : { schema: { type: "string" } },
            ]),
          );
        }
        responses[r.statusCode] = response;
      }
      op.responses = responses;
      const security: Record<string, string[]>[] = [];
      if (method.apiKeyRequired) {
        schemes.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
        security.push({ api_key: [] });
      }
      if (method.authorizationType === "AWS_IAM") {
        schemes.sigv4 = {
          type: "apiKey",
          name: "Authorization",
          in: "header",
          "x-amazon-apigateway-authtype": "awsSigv4",
        };
        security.push({ sigv4: [] });
      }
      if (method.authorizerId !== undefined && schemeNames.has(method.authorizerId)) {
        security.push({ [schemeNames.get(method.authorizerId)!]: method.authorizationScopes ?? [] });
      }
      if (security.length > 0)
        op.security = security.length === 1 ? security : [Object.assign({}, ...security)];
      if (all && method.requestValidatorId && validatorNames.has(method.requestValidatorId)) {
        op["x-amazon-apigateway-request-validator"] = validatorNames.get(method.requestValidatorId);
      }
      if (withIntegrations && method.methodIntegration)
        op["x-amazon-apigateway-integration"] = integrationExtension(method.methodIntegration);
      paths[resource.path] ??= {};
      paths[resource.path]![VERB_KEYS[method.httpMethod]!] = op;
    }
  }
  doc.paths = paths;

  // AWS's own Empty and Error models are left out: every import recreates them.
  const isDefaultModel = (m: { name: string; description?: string }) =>
    (m.name === "Empty" || m.name === "Error") && m.description?.startsWith("This is a default ") === true;
  const schemas = Object.fromEntries(
    Object.values(def.models)
      .filter((m) => !isDefaultModel(m))
      .map((m) => [m.name, m.schema === undefined ? {} : (JSON.parse(m.schema) as unknown)]),
  );
  if (swagger) {
    doc.definitions = schemas;
    if (Object.keys(schemes).length > 0) doc.securityDefinitions = schemes;
  } else {
    doc.components = { schemas, ...(Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {}) };
  }

  if (all) {
    if (api.binaryMediaTypes?.length) doc["x-amazon-apigateway-binary-media-types"] = api.binaryMediaTypes;
    if (api.apiKeySource !== "HEADER") doc["x-amazon-apigateway-api-key-source"] = api.apiKeySource;
    if (api.policy) doc["x-amazon-apigateway-policy"] = JSON.parse(api.policy) as unknown;
    if (api.minimumCompressionSize !== undefined)
      doc["x-amazon-apigateway-minimum-compression-size"] = api.minimumCompressionSize;
    const endpoint: Record<string, unknown> = {};
    if (api.endpointConfiguration.vpcEndpointIds?.length)
      endpoint.vpcEndpointIds = api.endpointConfiguration.vpcEndpointIds;
    if (api.disableExecuteApiEndpoint) endpoint.disableExecuteApiEndpoint = true;
    if (Object.keys(endpoint).length > 0) doc["x-amazon-apigateway-endpoint-configuration"] = endpoint;
    if (def.requestValidators && Object.keys(def.requestValidators).length > 0) {
      doc["x-amazon-apigateway-request-validators"] = Object.fromEntries(
        Object.values(def.requestValidators).map((v) => [
          v.name,
          {
            validateRequestBody: v.validateRequestBody,
            validateRequestParameters: v.validateRequestParameters,
          },
        ]),
      );
    }
    if (def.gatewayResponses && Object.keys(def.gatewayResponses).length > 0) {
      doc["x-amazon-apigateway-gateway-responses"] = Object.fromEntries(
        Object.values(def.gatewayResponses).map((g) => {
          const out: Record<string, unknown> = {};
          if (g.statusCode) out.statusCode = g.statusCode;
          if (g.responseParameters) out.responseParameters = g.responseParameters;
          if (g.responseTemplates) out.responseTemplates = g.responseTemplates;
          return [g.responseType, out];
        }),
      );
    }
  }
  return doc;
}
