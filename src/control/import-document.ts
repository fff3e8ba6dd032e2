import type { HttpApiDefinition } from "../model/http-api.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { OpenApiImportError } from "../openapi/errors.ts";
import { importHttpApi } from "../openapi/import-http-api.ts";
import { importRestApi } from "../openapi/import-rest-api.ts";
import { parseDocument } from "../openapi/parse-document.ts";
import type { ControlPlane } from "./control-plane.ts";
import { badRequest, notFound } from "./errors.ts";
import { mergeRestApi } from "./merge-rest-api.ts";

export interface ImportOutcome<T> {
  definition: T;
  warnings: string[];
}

function asBadRequest(err: unknown): never {
  if (err instanceof OpenApiImportError) throw badRequest(err.message);
  throw err;
}

/**
 * ImportRestApi / PutRestApi(mode=overwrite): OpenAPI text → a stored REST API. With `apiId`, an
 * existing API keeps its id (and its resources' ids where paths match); nothing is stored when the
 * document is invalid.
 */
export async function importRestApiDocument(
  control: ControlPlane,
  text: string,
  options: { apiId?: string; mustExist?: boolean; merge?: boolean; failOnWarnings?: boolean } = {},
): Promise<ImportOutcome<RestApiDefinition>> {
  const existing = options.apiId === undefined ? undefined : await control.getRestApi(options.apiId);
  if (options.mustExist && existing === undefined) throw notFound("Invalid API identifier specified");
  let outcome: ImportOutcome<RestApiDefinition>;
  try {
    outcome = importRestApi(parseDocument(text), { existing, apiId: options.apiId });
  } catch (err) {
    asBadRequest(err);
  }
  if (options.failOnWarnings && outcome.warnings.length > 0) throw badRequest(outcome.warnings.join("\n"));
  if (options.merge && existing !== undefined)
    outcome.definition = mergeRestApi(existing, outcome.definition);
  await control.putRestApi(outcome.definition);
  return outcome;
}

/** ImportApi / ReimportApi for HTTP APIs. */
export async function importHttpApiDocument(
  control: ControlPlane,
  text: string,
  options: { apiId?: string; mustExist?: boolean; failOnWarnings?: boolean } = {},
): Promise<ImportOutcome<HttpApiDefinition>> {
  const existing = options.apiId === undefined ? undefined : await control.getHttpApi(options.apiId);
  if (options.mustExist && existing === undefined)
    throw notFound(`Invalid API identifier specified ${options.apiId}`);
  let outcome: ImportOutcome<HttpApiDefinition>;
  try {
    outcome = importHttpApi(parseDocument(text), { existing, apiId: options.apiId, region: control.region });
  } catch (err) {
    asBadRequest(err);
  }
  if (options.failOnWarnings && outcome.warnings.length > 0) throw badRequest(outcome.warnings.join("\n"));
  await control.putHttpApi(outcome.definition);
  return outcome;
}
