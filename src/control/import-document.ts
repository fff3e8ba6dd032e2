import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import type { HttpApiDefinition } from "../model/http-api.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { tooManyResources } from "../openapi/errors.ts";
import type { ImportJob } from "../openapi/import-job.ts";
import { importOffThread } from "../openapi/import-worker.ts";
import type { ControlPlane } from "./control-plane.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { checkImportedAuthorizers } from "./http-api-parts.ts";
import { mergeRestApi } from "./merge-rest-api.ts";

export interface ImportOutcome<T> {
  definition: T;
  warnings: string[];
}

/**
 * Parses and imports on the import worker (a large document never stalls the data plane); what AWS
 * refuses comes back as its error, and nothing is stored then.
 */
async function runImport<T>(control: ControlPlane, job: ImportJob): Promise<ImportOutcome<T>> {
  const bytes = Buffer.byteLength(job.text);
  control.log.debug({ kind: job.kind, bytes }, "importing an OpenAPI document");
  const result = await importOffThread(job);
  control.log.debug({ kind: job.kind, bytes, ok: result.ok }, "OpenAPI document read");
  if (!result.ok) throw new ControlError(result.errorType, result.message);
  return { definition: result.definition as T, warnings: result.warnings };
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
  const outcome = await runImport<RestApiDefinition>(control, {
    kind: "rest",
    text,
    existing,
    apiId: options.apiId,
  });
  if (options.failOnWarnings && outcome.warnings.length > 0) throw badRequest(outcome.warnings.join("\n"));
  if (options.merge && existing !== undefined) {
    outcome.definition = mergeRestApi(existing, outcome.definition);
    if (Object.keys(outcome.definition.resources).length > AWS_QUOTAS.resourcesPerApi) {
      const err = tooManyResources();
      throw new ControlError(err.type, err.message);
    }
  }
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
  // An OpenAPI document describes an HTTP API; reimporting one would turn a WebSocket API into one.
  if (existing?.api.protocolType === "WEBSOCKET")
    throw badRequest("Importing OpenAPI definitions is supported only for HTTP APIs");
  const outcome = await runImport<HttpApiDefinition>(control, {
    kind: "http",
    text,
    existing,
    apiId: options.apiId,
    region: control.region,
  });
  checkImportedAuthorizers(outcome.definition);
  if (options.failOnWarnings && outcome.warnings.length > 0) throw badRequest(outcome.warnings.join("\n"));
  await control.putHttpApi(outcome.definition);
  return outcome;
}
