import type { HttpApiDefinition } from "../model/http-api.ts";
import type { RestApiDefinition } from "../model/rest-api.ts";
import { type ImportErrorType, OpenApiImportError } from "./errors.ts";
import { importHttpApi } from "./import-http-api.ts";
import { importRestApi } from "./import-rest-api.ts";
import { parseDocument } from "./parse-document.ts";

/** One import, as plain data, so it can run on the import worker (see import-worker.ts). */
export type ImportJob =
  | { kind: "rest"; text: string; existing?: RestApiDefinition; apiId?: string }
  | { kind: "http"; text: string; existing?: HttpApiDefinition; apiId?: string; region?: string };

export type ImportJobResult =
  | { ok: true; definition: RestApiDefinition | HttpApiDefinition; warnings: string[] }
  | { ok: false; errorType: ImportErrorType; message: string };

/** Parses and imports; what AWS would refuse comes back as its error, anything else is thrown. */
export function runImportJob(job: ImportJob): ImportJobResult {
  try {
    const doc = parseDocument(job.text);
    const { definition, warnings } =
      job.kind === "rest"
        ? importRestApi(doc, { existing: job.existing, apiId: job.apiId })
        : importHttpApi(doc, { existing: job.existing, apiId: job.apiId, region: job.region });
    return { ok: true, definition, warnings };
  } catch (err) {
    if (err instanceof OpenApiImportError) return { ok: false, errorType: err.type, message: err.message };
    throw err;
  }
}
