import draft04, { type ValidateFunction } from "ajv-draft-04";
import { queryValues } from "../../http/query-string.ts";
import { firstHeader, headerValues } from "../../http/raw-headers.ts";
import { readBody } from "../../http/request-body.ts";
import type { Method, RestApiDefinition } from "../../model/rest-api.ts";
import type { RequestContext, RequestValidation, Step } from "../context.ts";
import type { GatewayResponse } from "../responses/catalogue.ts";

/**
 * Request validation as API Gateway runs it for a method with a request validator
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):
 * required parameters first — every one missing is named, headers then path then query string —
 * then the body against the model for its content type (JSON Schema draft 4, `$ref` to the API's
 * other models by their absolute URL). Everything is compiled once per deployment.
 */
// A CommonJS package: its class is the module's `default` export.
const Ajv04 = draft04.default;
const MODEL_BASE = "https://apigateway.amazonaws.com/restapis";

/** One schema compiler per deployment, holding every model of the API under its absolute URL. */
export function modelCompiler(definition: RestApiDefinition): (name: string) => ValidateFunction | undefined {
  let ajv: InstanceType<typeof Ajv04> | undefined;
  const compiled = new Map<string, ValidateFunction | undefined>();
  const setUp = () => {
    const instance = new Ajv04({ strict: false, allErrors: false, validateSchema: false });
    for (const model of Object.values(definition.models)) {
      const schema = parseSchema(model.schema, `${MODEL_BASE}/${definition.api.id}/models`);
      if (schema === undefined) continue;
      try {
        instance.addSchema(schema, `${MODEL_BASE}/${definition.api.id}/models/${model.name}`);
      } catch {
        // A schema Ajv cannot hold (a duplicate id inside it, say) validates nothing rather than
        // refusing the whole deployment.
      }
    }
    return instance;
  };
  return (name) => {
    if (compiled.has(name)) return compiled.get(name);
    ajv ??= setUp();
    let validate: ValidateFunction | undefined;
    try {
      validate = ajv.getSchema(`${MODEL_BASE}/${definition.api.id}/models/${name}`) ?? undefined;
    } catch {
      validate = undefined;
    }
    compiled.set(name, validate);
    return validate;
  };
}

const LOCAL_MODEL_REF = /^#\/(?:definitions|components\/schemas)\/([^/]+)$/;

/**
 * An imported document's models still point at each other as `#/definitions/X` or
 * `#/components/schemas/X`; API Gateway reads those as the API's model X, by its absolute URL.
 */
function withModelRefs(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withModelRefs(v, base));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const m = k === "$ref" && typeof v === "string" ? LOCAL_MODEL_REF.exec(v) : null;
    out[k] = m !== null ? `${base}/${m[1]}` : withModelRefs(v, base);
  }
  return out;
}

function parseSchema(text: string | undefined, base: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const schema = JSON.parse(text) as unknown;
    if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return undefined;
    // Models name draft 4 by `$schema`; Ajv would look the meta-schema up, which says nothing new.
    const { $schema: _, ...rest } = schema as Record<string, unknown>;
    return withModelRefs(rest, base) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const PARAMETER = /^method\.request\.(header|multivalueheader|path|querystring|multivaluequerystring)\.(.+)$/;

/** The method's checks, or undefined when it has no validator (or one that checks nothing). */
export function compileRequestValidation(
  method: Method,
  definition: RestApiDefinition,
  models: (name: string) => ValidateFunction | undefined,
): RequestValidation | undefined {
  if (method.requestValidatorId === undefined) return undefined;
  const validator = definition.requestValidators?.[method.requestValidatorId];
  if (validator === undefined) return undefined;
  const headers: string[] = [];
  const path: string[] = [];
  const querystring: string[] = [];
  if (validator.validateRequestParameters) {
    for (const [key, required] of Object.entries(method.requestParameters ?? {})) {
      const m = required === true ? PARAMETER.exec(key) : null;
      if (m === null) continue;
      const [, where, name] = m as unknown as [string, string, string];
      if (where.endsWith("header")) headers.push(name);
      else if (where === "path") path.push(name);
      else querystring.push(name);
    }
  }
  let bodyModels: Map<string, ValidateFunction> | undefined;
  if (validator.validateRequestBody) {
    for (const [contentType, name] of Object.entries(method.requestModels ?? {})) {
      const validate = models(name);
      if (validate === undefined) continue;
      bodyModels ??= new Map();
      bodyModels.set(contentType.toLowerCase(), validate);
    }
  }
  if (headers.length + path.length + querystring.length === 0 && bodyModels === undefined) return undefined;
  return { headers, path, querystring, models: bodyModels };
}

/** The refusal, or undefined when the request passes; a promise only when the body must be read. */
export function validateRequest(
  ctx: RequestContext,
  v: RequestValidation,
): GatewayResponse | undefined | Promise<GatewayResponse | undefined> {
  const missing: string[] = [];
  const raw = ctx.req.rawHeaders;
  for (const name of v.headers)
    if (!headerValues(raw, name.toLowerCase()).some((x) => x !== "")) missing.push(name);
  for (const name of v.path) if ((ctx.pathParams[name] ?? "") === "") missing.push(name);
  for (const name of v.querystring)
    if (!queryValues(ctx.rawQuery, name).some((x) => x !== "")) missing.push(name);
  if (missing.length > 0) return parametersRefusal(ctx, missing);
  if (v.models === undefined) return undefined;
  const declared = firstHeader(raw, "content-type");
  const mediaType =
    declared === undefined ? "application/json" : declared.split(";")[0]!.trim().toLowerCase();
  const validate = v.models.get(mediaType) ?? v.models.get("$default");
  if (validate === undefined) return undefined;
  return readBody(ctx.req).then((body) => (bodyIsValid(validate, body) ? undefined : badBody(ctx)));
}

function bodyIsValid(validate: ValidateFunction, body: Buffer): boolean {
  // An empty body is checked as `{}`, as API Gateway treats it (it passes the Empty model and fails
  // one with required properties or of another type); a body that is not JSON fails.
  if (body.length === 0) return validate({}) === true;
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return false;
  }
  return validate(value) === true;
}

const UNNAMED = "Missing required request parameters: []";

/**
 * The stage's BAD_REQUEST_PARAMETERS answer naming the missing parameters: the catalogue's message
 * carries none (it is rendered once per deployment), so they are put in here, into a customised
 * body too where its template printed the message.
 */
function parametersRefusal(ctx: RequestContext, missing: string[]): GatewayResponse {
  const response = ctx.stage.responses.BAD_REQUEST_PARAMETERS;
  if (!response.body.includes(UNNAMED)) return response;
  const message = JSON.stringify(`Missing required request parameters: [${missing.join(", ")}]`).slice(1, -1);
  return { ...response, body: response.body.replace(UNNAMED, () => message) };
}

const badBody = (ctx: RequestContext): GatewayResponse => ctx.stage.responses.BAD_REQUEST_BODY;

/** Request validators (AWS runs them after throttling): parameters first, then the body. */
export const validateRequestStep: Step = {
  name: "validate-request",
  run: (ctx) => (ctx.route.validation === undefined ? undefined : validateRequest(ctx, ctx.route.validation)),
};
