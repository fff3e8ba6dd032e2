import type { SamApi, SamContext } from "./context.ts";
import { idHash, type Json, refName } from "./values.ts";

/** The function an event belongs to, as its events need it. */
export interface FunctionRef {
  logicalId: string;
  /** Condition, DeletionPolicy, UpdateReplacePolicy: carried to the permissions, as SAM does. */
  passthrough: Json;
}

/** The API an event attaches to. */
export interface TargetApi {
  logicalId: string;
  /** The SAM API to edit; undefined for a plain AWS::ApiGateway(V2) API (permission only). */
  api?: SamApi;
  /** SAM's suffix for the permission's logical id: the stage name, `Prod` for the implicit API. */
  stageSuffix: string;
}

export const IMPLICIT_REST_API = "ServerlessRestApi";
export const IMPLICIT_HTTP_API = "ServerlessHttpApi";

const PLAIN_TYPES = { Api: "AWS::ApiGateway::RestApi", HttpApi: "AWS::ApiGatewayV2::Api" } as const;

/**
 * What `RestApiId` (Api events) or `ApiId` (HttpApi events) names: a `Ref` to (or the logical id
 * of) an AWS::Serverless::Api / ::HttpApi in the template; absent, the implicit API. A reference to
 * anything else is refused with the event's place.
 */
export function eventTarget(
  ctx: SamContext,
  base: string,
  property: "RestApiId" | "ApiId",
  value: unknown,
  kind: "Api" | "HttpApi",
): TargetApi {
  const samType = `AWS::Serverless::${kind}`;
  const implicit = kind === "Api" ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
  const name = value === undefined ? implicit : refName(value);
  const type = name === undefined ? undefined : ctx.types.get(name);
  const api = name === undefined ? undefined : ctx.apis.get(name);
  if (name !== undefined && api !== undefined && api.kind === kind)
    return { logicalId: name, api, stageSuffix: stageSuffix(kind, api) };
  if (name !== undefined && type === PLAIN_TYPES[kind]) {
    ctx.notice(
      name,
      `${base}.${property}`,
      `${name} is a plain ${type}: the event's permission is made, its path must be in ${name}'s own definition`,
    );
    return { logicalId: name, stageSuffix: kind === "Api" ? "Stage" : "" };
  }
  const what = type === undefined ? "no resource in this template" : `a ${type}`;
  return ctx.fail(
    `${base}.${property}`,
    `${property} must be a valid reference to an '${samType}' resource in same template (${String(name ?? JSON.stringify(value))} is ${what}).`,
  );
}

function stageSuffix(kind: "Api" | "HttpApi", api: SamApi): string {
  if (kind === "HttpApi") return "";
  const stage = api.properties.StageName;
  // An intrinsic StageName cannot be known yet: SAM then says `Stage`.
  return typeof stage === "string" ? stage : "Stage";
}

/** SAM's permission id: `<prefix>Permission<suffix>`, a hash of the suffix when it is not alphanumeric. */
export function permissionId(prefix: string, suffix: string): string {
  if (/^[A-Za-z0-9]+$/.test(suffix)) return `${prefix}Permission${suffix}`;
  return `${prefix}Permission${suffix === "" ? "" : idHash(suffix)}`;
}
