import { XmlError } from "./xml-errors.ts";

/**
 * The references XML itself defines, and nothing else: the five predefined entities and character
 * references (`&#60;`, `&#x3C;`). fast-xml-parser's own decoder leaves character references as text
 * unless told to decode HTML's entities too (`&nbsp;`, which XML does not have), and takes in the
 * entities a DOCTYPE declares; this one, handed to it as `entityDecoder`, does neither: a DOCTYPE
 * is refused before the parser starts (xml-parse.ts), and `addInputEntities` refuses again should
 * one ever reach it. A reference to anything else is an error, as XML's well-formedness rules say.
 */

const PREDEFINED: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

// A lone `&`, or one that starts no reference, matches the last branch and is refused.
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,8});|#([0-9]{1,10});|([A-Za-z_][\w.-]*);)?/g;

/** XML 1.0's Char production: what a character reference may name. */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

function replaceReference(match: string, hex?: string, dec?: string, name?: string): string {
  if (hex !== undefined || dec !== undefined) {
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec!, 10);
    if (!isXmlChar(code))
      throw new XmlError("XML_ENTITY", `Character reference ${match} names no XML character`);
    return String.fromCodePoint(code);
  }
  if (name !== undefined && Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name]!;
  if (name !== undefined) throw new XmlError("XML_ENTITY", `Entity &${name}; is not defined`);
  throw new XmlError("XML_ENTITY", "A '&' must start an entity or character reference");
}

/** Decodes the references in one text or attribute value. */
export function decodeXmlReferences(text: string): string {
  return text.indexOf("&") === -1 ? text : text.replace(REFERENCE, replaceReference);
}

/** fast-xml-parser's `entityDecoder` interface, implemented by decodeXmlReferences. */
export const XML_ENTITY_DECODER = {
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new XmlError("XML_DOCTYPE", "XML document type declarations (DOCTYPE) are not accepted");
  },
  reset(): void {},
  setXmlVersion(): void {},
  decode: decodeXmlReferences,
};
