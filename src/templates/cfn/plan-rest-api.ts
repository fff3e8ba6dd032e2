import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { PlannedDocumentApi } from "../template-plan.ts";
import { parseTemplateText } from "../template-text.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { addRestMethods } from "./plan-rest-methods.ts";
import { addRestParts } from "./plan-rest-parts.ts";
import { restStages } from "./plan-rest-stages.ts";
import { bool, child, isRecord, num, str, strList } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const HANDLED = [
  "Name",
  "Description",
  "Body",
  "BodyS3Location",
  "BinaryMediaTypes",
  "ApiKeySourceType",
  "Policy",
  "EndpointConfiguration",
  "MinimumCompressionSize",
  "DisableExecuteApiEndpoint",
];
/** FailOnWarnings and Mode steer how CloudFormation reacts to the import, not what the API does. */
const INERT = ["FailOnWarnings", "Mode"];

/**
 * `BodyS3Location` read as a local file: its Key is a path relative to the template's folder (what
 * a template holds before `aws cloudformation package` uploads the file).
 */
export function readBodyFile(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  const location = r.properties.BodyS3Location;
  const key = isRecord(location) ? str(location.Key) : undefined;
  if (key === undefined)
    throw ctx.error(r, "Properties.BodyS3Location", "BodyS3Location needs a Key (read as a local file path)");
  const file = resolve(ctx.options.baseDir, key);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw ctx.error(
      r,
      "Properties.BodyS3Location.Key",
      `no file ${file}: Portico reads BodyS3Location's Key as a local path relative to the template`,
    );
  }
  return parseTemplateText(text, file);
}

function documentOf(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  const body = r.properties.Body;
  if (body !== undefined) {
    if (!isRecord(body)) throw ctx.error(r, "Properties.Body", "Body is an OpenAPI document (an object)");
    return structuredClone(body);
  }
  if (r.properties.BodyS3Location !== undefined) return readBodyFile(ctx, r);
  return { openapi: "3.0.1", info: {}, paths: {} };
}

/** RestApi properties that are also document extensions, written where the importer reads them. */
function applyApiProperties(ctx: PlanContext, r: ResolvedResource, doc: Record<string, unknown>): void {
  const p = r.properties;
  const info = child(doc, "info");
  const name = str(p.Name);
  if (name !== undefined) info.title = name;
  else if (typeof info.title !== "string" || info.title === "") info.title = r.logicalId;
  const description = str(p.Description);
  if (description !== undefined) info.description = description;
  if (p.BinaryMediaTypes !== undefined)
    // CloudFormation's examples escape the slash as a patch path does (image~1png).
    doc["x-amazon-apigateway-binary-media-types"] = strList(p.BinaryMediaTypes).map((t) =>
      t.replaceAll("~1", "/"),
    );
  const keySource = str(p.ApiKeySourceType);
  if (keySource !== undefined) doc["x-amazon-apigateway-api-key-source"] = keySource;
  if (p.Policy !== undefined) {
    let policy: unknown = p.Policy;
    if (typeof policy === "string") {
      try {
        policy = JSON.parse(policy) as unknown;
      } catch {
        throw ctx.error(r, "Properties.Policy", "Policy is a policy document (or its JSON text)");
      }
    }
    doc["x-amazon-apigateway-policy"] = policy;
  }
  const compression = num(p.MinimumCompressionSize);
  if (compression !== undefined) doc["x-amazon-apigateway-minimum-compression-size"] = compression;
  const endpoint = isRecord(p.EndpointConfiguration) ? p.EndpointConfiguration : undefined;
  const disable = bool(p.DisableExecuteApiEndpoint);
  if (endpoint !== undefined || disable !== undefined) {
    const x: Record<string, unknown> = isRecord(doc["x-amazon-apigateway-endpoint-configuration"])
      ? doc["x-amazon-apigateway-endpoint-configuration"]
      : {};
    if (endpoint?.Types !== undefined) x.types = strList(endpoint.Types);
    if (endpoint?.VpcEndpointIds !== undefined) x.vpcEndpointIds = strList(endpoint.VpcEndpointIds);
    for (const key of Object.keys(endpoint ?? {}))
      if (key !== "Types" && key !== "VpcEndpointIds")
        ctx.notice(
          r,
          `Properties.EndpointConfiguration.${key}`,
          `EndpointConfiguration ${key} is not carried over by Portico`,
        );
    if (disable !== undefined) x.disableExecuteApiEndpoint = disable;
    doc["x-amazon-apigateway-endpoint-configuration"] = x;
  }
}

/** Each AWS::ApiGateway::RestApi as an OpenAPI document with its stages. */
export function planRestApis(ctx: PlanContext): PlannedDocumentApi[] {
  return ctx.ofType("AWS::ApiGateway::RestApi").map((r) => {
    checkProperties(ctx, r, HANDLED, INERT);
    const doc = documentOf(ctx, r);
    const swagger2 = doc.swagger !== undefined;
    applyApiProperties(ctx, r, doc);
    const parts = addRestParts(ctx, r, doc, swagger2);
    addRestMethods(ctx, r, doc, parts, swagger2);
    const stages = restStages(ctx, r);
    if (stages.length === 0)
      ctx.notice(
        r,
        "Type",
        "no AWS::ApiGateway::Stage or Deployment StageName names this API, so CloudFormation would create no stage; Portico creates the API and deploys no stage (add one to call it)",
      );
    return { type: "REST", logicalId: r.logicalId, id: ctx.ref(r), document: doc, stages };
  });
}
