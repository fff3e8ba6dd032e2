import type { HttpApiDefinition, HttpModel } from "../model/http-api.ts";
import { newModelId } from "../model/ids.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";

/**
 * apigatewayv2 models (API reference `Model`: "Supported only for WebSocket APIs"): a JSON Schema
 * (draft 4) under an alphanumeric name, addressed by id, named by routes' `requestModels` and route
 * responses' `responseModels`. A model still named there can be neither renamed nor deleted, as a
 * REST API's model referenced by a method request cannot be deleted.
 */

function checkSchema(schema: unknown): string {
  if (typeof schema !== "string" || schema === "")
    throw badRequest("Schema is required and must be a JSON string");
  try {
    JSON.parse(schema);
  } catch {
    throw badRequest("Invalid model schema specified. Model schema must be valid JSON");
  }
  return schema;
}

function referrer(def: HttpApiDefinition, name: string): string | undefined {
  for (const route of Object.values(def.routes)) {
    if (Object.values(route.requestModels ?? {}).includes(name)) return `route ${route.routeKey}`;
    for (const response of Object.values(def.routeResponses?.[route.routeId] ?? {})) {
      if (Object.values(response.responseModels ?? {}).includes(name))
        return `route response ${response.routeResponseKey} of route ${route.routeKey}`;
    }
  }
  return undefined;
}

function applyModel(def: HttpApiDefinition, model: HttpModel, body: Record<string, unknown>): void {
  if (body.name !== undefined && body.name !== null && body.name !== model.name) {
    if (typeof body.name !== "string" || !/^[A-Za-z0-9]{1,128}$/.test(body.name))
      throw badRequest("Model name must be alphanumeric");
    if (Object.values(def.models ?? {}).some((m) => m.name === body.name && m.modelId !== model.modelId))
      throw new ControlError("ConflictException", `Model name ${body.name} already exists for this API`);
    const user = model.name === "" ? undefined : referrer(def, model.name);
    if (user !== undefined) throw badRequest(`Cannot rename model '${model.name}', is referenced in ${user}`);
    model.name = body.name;
  }
  if (body.schema !== undefined && body.schema !== null) model.schema = checkSchema(body.schema);
  for (const key of ["contentType", "description"] as const) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") throw badRequest(`Invalid value for ${key}: expected a string`);
    model[key] = v;
  }
}

export function createModel(def: HttpApiDefinition, body: Record<string, unknown>): HttpModel {
  if (typeof body.name !== "string" || body.name === "") throw badRequest("Model name must be alphanumeric");
  const model: HttpModel = { modelId: newModelId(), name: "", schema: checkSchema(body.schema) };
  applyModel(def, model, body);
  def.models ??= {};
  def.models[model.modelId] = model;
  return model;
}

export function findHttpModel(def: HttpApiDefinition, modelId: string): HttpModel {
  const model = def.models?.[modelId];
  if (model === undefined) throw notFound(`Invalid Model identifier specified ${modelId}`);
  return model;
}

export function updateModel(
  def: HttpApiDefinition,
  modelId: string,
  body: Record<string, unknown>,
): HttpModel {
  const model = findHttpModel(def, modelId);
  applyModel(def, model, body);
  return model;
}

export function deleteModel(def: HttpApiDefinition, modelId: string): void {
  const model = findHttpModel(def, modelId);
  const user = referrer(def, model.name);
  if (user !== undefined) throw badRequest(`Cannot delete model '${model.name}', is referenced in ${user}`);
  delete def.models![modelId];
}
