/** What AWS answers for a document it refuses to import. */
export type ImportErrorType = "BadRequestException" | "LimitExceededException";

/** An OpenAPI document AWS would refuse to import: answered as a `BadRequestException` unless told otherwise. */
export class OpenApiImportError extends Error {
  readonly type: ImportErrorType;

  constructor(message: string, type: ImportErrorType = "BadRequestException") {
    super(message);
    this.type = type;
  }
}

export const importError = (message: string): OpenApiImportError => new OpenApiImportError(message);

/** AWS's answer when a document has more resources than an API may hold (its wording, two spaces and all). */
export const tooManyResources = (): OpenApiImportError =>
  new OpenApiImportError(
    "Maximum number of Resources for this API has been reached.  Please contact AWS if you need additional Resources.",
    "LimitExceededException",
  );
