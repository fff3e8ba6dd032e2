/** An OpenAPI document AWS would refuse to import: answered as a `BadRequestException`. */
export class OpenApiImportError extends Error {
  readonly type = "BadRequestException";
}

export const importError = (message: string): OpenApiImportError => new OpenApiImportError(message);
