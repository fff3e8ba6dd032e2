/** A template that cannot be compiled or that exceeded a limit while rendering. */
export class TemplateError extends Error {
  readonly code:
    | "TEMPLATE_SYNTAX"
    | "TEMPLATE_TOO_LARGE"
    | "TEMPLATE_OUTPUT_TOO_LARGE"
    | "TEMPLATE_DATA_TOO_LARGE"
    | "TEMPLATE_RUNTIME";
  constructor(code: TemplateError["code"], message: string) {
    super(message);
    this.code = code;
  }
}
