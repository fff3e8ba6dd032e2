import { DEFAULT_STATUS_CODES, LAMBDA_REQUEST_TEMPLATES } from "./rest-templates.ts";
import {
  isMapping,
  lambdaInvokeUri,
  lambdaLogicalId,
  type Mapping,
  optionalMapping,
  optionalString,
  type Place,
  type ReadContext,
  requiredString,
} from "./shape.ts";

/** An `http` event's integration, ready to be written into its OpenAPI operation. */
export interface RestIntegration {
  type: string;
  extension(originHeaders: Record<string, string>): Mapping;
  methodResponses(originHeaders: Record<string, string>): Mapping;
}

const TYPES: Record<string, string> = {
  LAMBDA_PROXY: "aws_proxy",
  AWS_PROXY: "aws_proxy",
  LAMBDA: "aws",
  AWS: "aws",
  HTTP: "http",
  HTTP_PROXY: "http_proxy",
  MOCK: "mock",
};

const SINGULAR = { querystrings: "querystring", headers: "header", paths: "path" } as const;

/** `request.parameters` mapped into the integration request, by `mappedValue` or by the same name. */
function requestParameters(request: Mapping | undefined): Mapping | undefined {
  const declared = isMapping(request?.parameters) ? request.parameters : {};
  const out: Mapping = {};
  for (const [plural, singular] of Object.entries(SINGULAR)) {
    const group = isMapping(declared[plural]) ? declared[plural] : {};
    for (const [name, spec] of Object.entries(group)) {
      const mapped = isMapping(spec) && typeof spec.mappedValue === "string" ? spec.mappedValue : undefined;
      out[`integration.request.${singular}.${name}`] = mapped ?? `method.request.${singular}.${name}`;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function requestTemplates(request: Mapping | undefined, defaults: boolean, at: Place): Mapping | undefined {
  const out: Mapping = defaults ? { ...LAMBDA_REQUEST_TEMPLATES } : {};
  const given = optionalMapping(request?.template, at.key("template")) ?? {};
  for (const [contentType, template] of Object.entries(given)) {
    if (template === null) delete out[contentType];
    else out[contentType] = String(template);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface StatusCode {
  status: string;
  pattern: string;
  headers: Record<string, string>;
  templates: Mapping;
}

function statusCodes(response: Mapping | undefined, at: Place): StatusCode[] {
  if (response === undefined) return [];
  const given = optionalMapping(response.statusCodes, at.key("statusCodes"));
  const codes: Mapping = given === undefined ? { ...DEFAULT_STATUS_CODES } : { ...given };
  if (given !== undefined && !Object.values(given).some((c) => isMapping(c) && (c.pattern ?? "") === ""))
    codes["200"] = DEFAULT_STATUS_CODES["200"];
  const shared = optionalMapping(response.headers, at.key("headers")) ?? {};
  return Object.entries(codes).map(([status, raw]) => {
    const code = isMapping(raw) ? raw : {};
    const templates: Mapping = {};
    if (typeof response.template === "string") templates["application/json"] = response.template;
    if (typeof code.template === "string") templates["application/json"] = code.template;
    else if (isMapping(code.template)) Object.assign(templates, code.template);
    const headers: Record<string, string> = {};
    for (const [h, v] of Object.entries({ ...shared, ...(isMapping(code.headers) ? code.headers : {}) }))
      headers[h] = String(v);
    return { status, pattern: typeof code.pattern === "string" ? code.pattern : "", headers, templates };
  });
}

/**
 * The integration of an `http` event as `x-amazon-apigateway-integration`, the framework's way:
 * Lambda invoked by POST on its invocation URI, the non-proxy `lambda` integration with the
 * framework's request templates and its `[status]`-selected responses.
 */
export function restIntegration(
  ctx: ReadContext,
  functionName: string,
  spec: Mapping,
  request: Mapping | undefined,
  method: string,
  at: Place,
): RestIntegration {
  const written = optionalString(spec.integration, at.key("integration")) ?? "AWS_PROXY";
  const type = TYPES[written.toUpperCase().replace(/-/g, "_")];
  if (type === undefined)
    throw at.key("integration").error(`${written} is not lambda-proxy, lambda, http, http-proxy or mock`);
  const requestAt = at.key("request");
  const response = optionalMapping(spec.response, at.key("response"));
  const base: Mapping = { type };
  if (type === "aws_proxy" || type === "aws") {
    base.httpMethod = "POST";
    base.uri = lambdaInvokeUri(functionName);
  } else if (type === "http" || type === "http_proxy") {
    base.uri = requiredString(request?.uri, requestAt.key("uri"));
    base.httpMethod = (optionalString(request?.method, requestAt.key("method")) ?? method).toUpperCase();
    const connection = optionalString(spec.connectionType, at.key("connectionType"));
    if (connection !== undefined) {
      base.connectionType = connection.toUpperCase().replace(/-/g, "_");
      base.connectionId = spec.connectionId;
    }
  }
  if (type !== "aws_proxy") {
    const params = requestParameters(request);
    if (params !== undefined) base.requestParameters = params;
  }
  const passThrough = optionalString(request?.passThrough, requestAt.key("passThrough"));
  if (type === "aws_proxy") base.passthroughBehavior = "when_no_match";
  else if (type === "aws" || passThrough !== undefined)
    base.passthroughBehavior = (passThrough ?? "NEVER").toLowerCase();
  const contentHandling = optionalString(request?.contentHandling, requestAt.key("contentHandling"));
  if (contentHandling !== undefined) base.contentHandling = contentHandling;
  const templated = type === "aws" || type === "http" || type === "mock";
  if (templated) {
    const templates = requestTemplates(request, type === "aws", requestAt);
    if (templates !== undefined) base.requestTemplates = templates;
  }
  const codes = templated
    ? statusCodes(type === "aws" ? (response ?? {}) : response, at.key("response"))
    : [];
  if (!templated && response !== undefined)
    ctx.notices.push(
      at
        .key("response")
        .notice(lambdaLogicalId(functionName), "a proxy integration's response is the backend's own"),
    );

  return {
    type,
    extension(originHeaders) {
      if (codes.length === 0) return base;
      const responses: Mapping = {};
      for (const code of codes) {
        const headers = { ...originHeaders, ...code.headers };
        responses[code.pattern === "" ? "default" : code.pattern] = {
          statusCode: code.status,
          responseParameters: Object.fromEntries(
            Object.entries(headers).map(([h, v]) => [`method.response.header.${h}`, v]),
          ),
          responseTemplates: code.templates,
        };
      }
      return { ...base, responses };
    },
    methodResponses(originHeaders) {
      const out: Mapping = {};
      for (const code of codes) {
        const names = Object.keys({ ...originHeaders, ...code.headers });
        const entry: Mapping = { description: `${code.status} response` };
        if (names.length > 0) entry.headers = Object.fromEntries(names.map((h) => [h, { type: "string" }]));
        out[code.status] = entry;
      }
      return out;
    },
  };
}
