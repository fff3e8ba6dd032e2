import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseTemplateText } from "../template-text.ts";
import type { SamContext } from "./context.ts";
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API } from "./event-target.ts";
import { type Globals, withGlobals } from "./globals.ts";
import { openApiSkeleton, swaggerSkeleton } from "./swagger.ts";
import { at, cloneTemplate, isMap, type Json } from "./values.ts";

/**
 * The template's APIs as SAM's plugins see them before functions are translated: each
 * AWS::Serverless::Api and ::HttpApi (a skeleton definition SAM manages when none is given), and
 * the implicit `ServerlessRestApi` (stage `Prod`) and `ServerlessHttpApi` (stage `$default`) when
 * some function's Api or HttpApi event names no API. Globals apply to the implicit ones too.
 */
const ATTRIBUTES = ["Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"];

export function registerApis(
  ctx: SamContext,
  globals: Globals,
  resources: Json,
  propsOf: Map<string, Json>,
): void {
  for (const [logicalId, resource] of Object.entries(resources) as [string, Json][]) {
    const kind =
      resource.Type === "AWS::Serverless::Api"
        ? "Api"
        : resource.Type === "AWS::Serverless::HttpApi"
          ? "HttpApi"
          : undefined;
    if (kind === undefined) continue;
    const properties = propsOf.get(logicalId)!;
    const attributes: Json = {};
    for (const key of ATTRIBUTES) if (resource[key] !== undefined) attributes[key] = resource[key];
    const managed = properties.DefinitionBody === undefined && properties.DefinitionUri === undefined;
    if (managed) properties.DefinitionBody = kind === "Api" ? swaggerSkeleton() : openApiSkeleton();
    ctx.apis.set(logicalId, { logicalId, kind, properties, attributes, managed, fromUri: false });
  }
  const wanted = implicitKinds(resources);
  for (const kind of wanted) {
    const logicalId = kind === "Api" ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
    if (Object.hasOwn(resources, logicalId))
      ctx.fail(
        `Resources.${logicalId}`,
        `${logicalId} is the name SAM gives the implicit API of events without ${kind === "Api" ? "RestApiId" : "ApiId"}; rename this resource`,
      );
    const given: Json =
      kind === "Api"
        ? { StageName: "Prod", DefinitionBody: swaggerSkeleton() }
        : { DefinitionBody: openApiSkeleton() };
    const properties = withGlobals(ctx, globals, kind, logicalId, {}, given);
    ctx.types.set(logicalId, `AWS::Serverless::${kind}`);
    ctx.apis.set(logicalId, { logicalId, kind, properties, attributes: {}, managed: true, fromUri: false });
  }
}

/** Which implicit APIs some function's events need. */
function implicitKinds(resources: Json): Set<"Api" | "HttpApi"> {
  const kinds = new Set<"Api" | "HttpApi">();
  for (const resource of Object.values(resources) as Json[]) {
    if (resource.Type !== "AWS::Serverless::Function" || !isMap(resource.Properties)) continue;
    const events = resource.Properties.Events;
    if (!isMap(events)) continue;
    for (const event of Object.values(events)) {
      if (!isMap(event)) continue;
      const props = isMap(event.Properties) ? event.Properties : {};
      if (event.Type === "Api" && props.RestApiId === undefined) kinds.add("Api");
      if (event.Type === "HttpApi" && props.ApiId === undefined) kinds.add("HttpApi");
    }
  }
  return kinds;
}

/**
 * DefinitionUri read from the local file it names (relative to the template's folder), as `sam
 * package` would upload it; an S3 location cannot be read here.
 */
export function loadDefinitions(ctx: SamContext): void {
  for (const api of ctx.apis.values()) {
    const uri = api.properties.DefinitionUri;
    if (uri === undefined) continue;
    const path = at("Resources", api.logicalId, "Properties", "DefinitionUri");
    if (api.properties.DefinitionBody !== undefined)
      ctx.fail(path, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
    if (api.properties.MergeDefinitions === true)
      ctx.fail(path, "Cannot set 'MergeDefinitions' to True when using `DefinitionUri`.");
    const advice = "point DefinitionUri at the local OpenAPI file (as before `sam package`)";
    if (isMap(uri)) ctx.fail(path, `an S3 Bucket and Key are not read here; ${advice}`);
    if (typeof uri !== "string") ctx.fail(path, `DefinitionUri must be a path string; ${advice}`);
    if (/^s3:\/\//i.test(uri)) ctx.fail(path, `${uri} is in S3, which Portico does not read; ${advice}`);
    const file = isAbsolute(uri) ? uri : resolve(ctx.baseDir, uri);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      ctx.fail(path, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const body = cloneTemplate(parseTemplateText(text, file), "") as Json;
    delete api.properties.DefinitionUri;
    api.properties.DefinitionBody = body;
    api.fromUri = true;
  }
}
