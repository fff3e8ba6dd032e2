/**
 * The safe XML module: what the rest of Portico uses to read and write XML (mapping templates'
 * `$util.xmlToJson`, `$util.parseXml`, `$util.escapeXml`; SOAP fault selection). Parsing refuses
 * DOCTYPEs, undefined entities, malformed documents and documents over the size or depth limits
 * with an XmlError, and charges a meter, when given one, before the work is done.
 */
export { XmlError, type XmlErrorCode } from "./xml-errors.ts";
export { escapeXml, XML_ESCAPE_GROWTH } from "./xml-escape.ts";
export { DEFAULT_XML_LIMITS, type XmlLimits, type XmlMeter } from "./xml-limits.ts";
export { parseXmlTree, type XmlObject, type XmlValue, xmlToJson } from "./xml-to-json.ts";
