/** Why an XML document was refused; each code names one rule of the safe parser (xml-parse.ts). */
export type XmlErrorCode =
  /** Longer than the parser accepts (xml-limits.ts). */
  | "XML_TOO_LARGE"
  /** Elements nested deeper than the parser accepts. */
  | "XML_TOO_DEEP"
  /** A document type declaration: where external entities and entity bombs live. */
  | "XML_DOCTYPE"
  /** An entity or character reference XML does not define (only the five predefined and `&#…;`). */
  | "XML_ENTITY"
  /** Not well-formed XML. */
  | "XML_MALFORMED";

/** An XML document the safe parser refused, with the rule it broke and, when known, where. */
export class XmlError extends Error {
  readonly code: XmlErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: XmlErrorCode, message: string, where?: { line?: number; column?: number }) {
    super(
      where?.line === undefined ? message : `${message} (line ${where.line}, column ${where.column ?? 1})`,
    );
    this.code = code;
    this.line = where?.line;
    this.column = where?.column;
  }
}
