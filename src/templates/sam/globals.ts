import type { SamContext } from "./context.ts";
import { isIntrinsic, isMap, type Json, own } from "./values.ts";

/**
 * The Globals section as SAM's translator reads it: one section per resource kind, each naming only
 * the properties SAM allows there (an unknown section or property is refused, as SAM refuses it).
 * Merged into each resource: maps merge key by key, lists concatenate (global first), anything else
 * — and any pair of different shapes — the resource's own value wins. An intrinsic counts as a scalar.
 */
const SUPPORTED: Record<string, readonly string[]> = {
  Function: [
    "Handler",
    "Runtime",
    "CodeUri",
    "DeadLetterQueue",
    "Description",
    "MemorySize",
    "Timeout",
    "VpcConfig",
    "Environment",
    "Tags",
    "PropagateTags",
    "Tracing",
    "KmsKeyArn",
    "AutoPublishAlias",
    "AutoPublishAliasAllProperties",
    "Layers",
    "DeploymentPreference",
    "RolePath",
    "PermissionsBoundary",
    "ReservedConcurrentExecutions",
    "ProvisionedConcurrencyConfig",
    "AssumeRolePolicyDocument",
    "EventInvokeConfig",
    "FileSystemConfigs",
    "CodeSigningConfigArn",
    "Architectures",
    "SnapStart",
    "EphemeralStorage",
    "FunctionUrlConfig",
    "RuntimeManagementConfig",
    "LoggingConfig",
    "RecursiveLoop",
    "SourceKMSKeyArn",
    "TenancyConfig",
    "DurableConfig",
    "CapacityProviderConfig",
    "FunctionScalingConfig",
    "PublishToLatestPublished",
    "VersionDeletionPolicy",
  ],
  // Not DefinitionBody (SAM will not merge Swagger documents) nor StageName (the implicit API's is fixed).
  Api: [
    "Auth",
    "Name",
    "DefinitionUri",
    "CacheClusterEnabled",
    "CacheClusterSize",
    "MergeDefinitions",
    "Variables",
    "EndpointConfiguration",
    "MethodSettings",
    "BinaryMediaTypes",
    "MinimumCompressionSize",
    "Cors",
    "GatewayResponses",
    "AccessLogSetting",
    "CanarySetting",
    "TracingEnabled",
    "OpenApiVersion",
    "Domain",
    "AlwaysDeploy",
    "PropagateTags",
    "SecurityPolicy",
    "EndpointAccessMode",
  ],
  HttpApi: [
    "Auth",
    "AccessLogSettings",
    "StageVariables",
    "Tags",
    "CorsConfiguration",
    "DefaultRouteSettings",
    "Domain",
    "RouteSettings",
    "FailOnWarnings",
    "PropagateTags",
  ],
  SimpleTable: ["SSESpecification"],
  StateMachine: ["PropagateTags"],
  LayerVersion: ["PublishLambdaVersion"],
  CapacityProvider: [
    "VpcConfig",
    "OperatorRole",
    "Tags",
    "InstanceRequirements",
    "ScalingConfig",
    "KmsKeyArn",
    "PropagateTags",
  ],
  WebSocketApi: [
    "AccessLogSettings",
    "ApiKeySelectionExpression",
    "DefaultRouteSettings",
    "DisableExecuteApiEndpoint",
    "DisableSchemaValidation",
    "Domain",
    "FailOnWarnings",
    "IpAddressType",
    "PropagateTags",
    "RouteSelectionExpression",
    "RouteSettings",
    "StageVariables",
    "Tags",
  ],
};

export type Globals = Map<string, Json>;

/** The Globals section, checked: sections by SAM resource kind (`Function`, `Api`, `HttpApi`, …). */
export function parseGlobals(ctx: SamContext, section: unknown): Globals {
  const globals: Globals = new Map();
  if (section === undefined) return globals;
  if (!isMap(section)) ctx.fail("Globals", "Globals must be a mapping of sections (Function, Api, HttpApi)");
  for (const [name, properties] of Object.entries(section)) {
    const allowed = own(SUPPORTED, name) as readonly string[] | undefined;
    if (allowed === undefined)
      ctx.fail(
        `Globals.${name}`,
        `'${name}' is not a Globals section; SAM allows ${Object.keys(SUPPORTED).sort().join(", ")}`,
      );
    if (!isMap(properties)) ctx.fail(`Globals.${name}`, `the ${name} section must be a mapping`);
    for (const key of Object.keys(properties))
      if (!allowed.includes(key))
        ctx.fail(
          `Globals.${name}.${key}`,
          `'${key}' is not a property SAM takes from Globals for ${name}; set it on each resource`,
        );
    globals.set(name, properties);
  }
  return globals;
}

/**
 * The resource's properties with its kind's Globals merged in, minus those its `IgnoreGlobals`
 * attribute names (`"*"`: all of them).
 */
export function withGlobals(
  ctx: SamContext,
  globals: Globals,
  kind: string,
  logicalId: string,
  resource: Json,
  properties: Json,
): Json {
  const section = globals.get(kind);
  if (section === undefined) return properties;
  const ignore = own(resource, "IgnoreGlobals");
  let applied: Json = section;
  if (ignore === "*") return properties;
  if (Array.isArray(ignore)) {
    applied = { ...section };
    for (const key of ignore) {
      if (typeof key !== "string" || !Object.hasOwn(applied, key))
        ctx.fail(
          `Resources.${logicalId}.IgnoreGlobals`,
          `'${String(key)}' is not a property of the Globals ${kind} section`,
        );
      delete applied[key];
    }
  } else if (ignore !== undefined) {
    ctx.fail(`Resources.${logicalId}.IgnoreGlobals`, `IgnoreGlobals is "*" or a list of property names`);
  }
  return mergeValue(applied, properties) as Json;
}

function shape(value: unknown): "map" | "list" | "scalar" {
  if (Array.isArray(value)) return "list";
  if (isMap(value) && !isIntrinsic(value)) return "map";
  return "scalar";
}

function mergeValue(global: unknown, local: unknown): unknown {
  const g = shape(global);
  if (g !== shape(local) || g === "scalar") return structuredClone(local);
  if (g === "list") return [...structuredClone(global as unknown[]), ...structuredClone(local as unknown[])];
  const out = structuredClone(global as Json);
  for (const [key, value] of Object.entries(local as Json))
    out[key] = Object.hasOwn(out, key) ? mergeValue(out[key], value) : structuredClone(value);
  return out;
}
