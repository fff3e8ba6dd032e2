/**
 * What can be wrong with a WSDL import, one stable code each, so the CLI, the config loader and the
 * tests tell the cases apart without reading messages. The message names the file (and line, when
 * known) and what to do about it.
 */
export type WsdlErrorCode =
  | "WSDL_UNREADABLE"
  | "WSDL_TOO_LARGE"
  | "WSDL_MALFORMED_XML"
  | "WSDL_DTD_REFUSED"
  | "WSDL_TOO_DEEP"
  | "WSDL_NOT_WSDL"
  | "WSDL_REMOTE_IMPORT"
  | "WSDL_TOO_MANY_FILES"
  | "WSDL_UNDEFINED"
  | "WSDL_UNKNOWN_TYPE"
  | "WSDL_CIRCULAR"
  | "WSDL_NO_SOAP_SERVICE"
  | "WSDL_BAD_ADDRESS"
  | "WSDL_UNSUPPORTED";

export class WsdlError extends Error {
  readonly code: WsdlErrorCode;
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;

  constructor(code: WsdlErrorCode, message: string, file?: string) {
    super(message);
    this.name = "WsdlError";
    this.code = code;
    this.file = file;
  }
}

/** `file:line` (or the file alone) for messages. */
export function where(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}
