import { validateResourcePolicy } from "../auth/policy/compile-policy.ts";
import { PolicyError } from "../auth/policy/policy-error.ts";
import { newApiId, newModelId, newResourceId } from "../model/ids.ts";
import type { EndpointType, RestApiDefinition } from "../model/rest-api.ts";
import { badRequest } from "./errors.ts";
import { checkApiName, checkDescription, checkPolicyLength } from "./limits.ts";

const ENDPOINT_TYPES = new Set(["EDGE", "REGIONAL", "PRIVATE"]);

/** CreateRestApi: an empty API with its root resource and AWS's default `Empty` and `Error` models. */
export function newRestApiDefinition(body: Record<string, unknown>, now = Date.now()): RestApiDefinition {
  if (typeof body.name !== "string" || body.name.trim() === "")
    throw badRequest("Invalid REST API name specified");
  checkApiName(body.name);
  if (typeof body.description === "string") checkDescription(body.description);
  const rootId = newResourceId() + newResourceId().slice(0, 4);
  const endpoint = body.endpointConfiguration as { types?: unknown; vpcEndpointIds?: unknown } | undefined;
  const types = Array.isArray(endpoint?.types) ? endpoint.types.map(String) : ["EDGE"];
  if (types.length !== 1 || !ENDPOINT_TYPES.has(types[0]!))
    throw badRequest("Invalid endpoint configuration type");
  const apiKeySource = String(body.apiKeySource ?? "HEADER");
  if (apiKeySource !== "HEADER" && apiKeySource !== "AUTHORIZER")
    throw badRequest(`Invalid API Key source ${apiKeySource}`);
  if (body.policy !== undefined) checkPolicy(String(body.policy));

  const def: RestApiDefinition = {
    api: {
      id: newApiId(),
      name: body.name,
      createdDate: now,
      apiKeySource,
      endpointConfiguration: { types: types as EndpointType[] },
      disableExecuteApiEndpoint: body.disableExecuteApiEndpoint === true,
      rootResourceId: rootId,
    },
    resources: { [rootId]: { id: rootId, path: "/" } },
    models: {},
  };
  const api = def.api;
  if (typeof body.description === "string") api.description = body.description;
  if (typeof body.version === "string") api.version = body.version;
  if (Array.isArray(body.binaryMediaTypes)) api.binaryMediaTypes = body.binaryMediaTypes.map(String);
  if (typeof body.minimumCompressionSize === "number")
    api.minimumCompressionSize = body.minimumCompressionSize;
  if (typeof body.policy === "string") api.policy = body.policy;
  if (Array.isArray(endpoint?.vpcEndpointIds))
    api.endpointConfiguration.vpcEndpointIds = endpoint.vpcEndpointIds.map(String);
  if (typeof body.tags === "object" && body.tags !== null) api.tags = body.tags as Record<string, string>;
  for (const [name, description, schema] of [
    [
      "Empty",
      "This is a default empty schema model",
      { $schema: "http://json-schema.org/draft-04/schema#", title: "Empty Schema", type: "object" },
    ],
    [
      "Error",
      "This is a default error schema model",
      {
        $schema: "http://json-schema.org/draft-04/schema#",
        title: "Error Schema",
        type: "object",
        properties: { message: { type: "string" } },
      },
    ],
  ] as const) {
    const id = newModelId();
    def.models[id] = {
      id,
      name,
      description,
      contentType: "application/json",
      schema: JSON.stringify(schema),
    };
  }
  return def;
}

/** AWS refuses an invalid resource policy when it is set. */
export function checkPolicy(text: string): void {
  // Before parsing: the length is the cheap test, and the one that bounds the parse.
  checkPolicyLength(text);
  try {
    validateResourcePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw badRequest(`Invalid policy document: ${err.message}`);
    throw err;
  }
}
