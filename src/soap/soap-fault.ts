import { XmlError } from "./xml-errors.ts";
import type { XmlLimits } from "./xml-limits.ts";
import { parseXmlTree, type XmlValue } from "./xml-to-json.ts";

/**
 * What a SOAP fault says, for selecting an integration response by it (integrations/
 * fault-selection.ts): SOAP 1.1's `faultcode` and `faultstring`, SOAP 1.2's `Code/Value`,
 * `Code/Subcode/Value` and `Reason/Text`, as written (`soap:Client`, prefix and all). Cheap for
 * everything that is not a fault: only a body of an XML content type that holds the text `Fault`
 * is parsed at all, and only one small enough to be a fault rather than a document (faults are a
 * code, a reason and a detail; 64 KB is far more than any seen).
 */

const MAX_FAULT_CHARS = 64 * 1024;
const FAULT_LIMITS: XmlLimits = { maxChars: MAX_FAULT_CHARS, maxDepth: 32 };
const FAULT = Buffer.from("Fault");

/** text/xml, application/xml, application/soap+xml and any other `+xml` type. */
export function isXmlContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(";");
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return type === "text/xml" || type === "application/xml" || type.endsWith("+xml");
}

/** An element's text: itself, its `#text` beside attributes, or its first occurrence's. */
function textOf(v: XmlValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return textOf(v[0]);
  const text = v["#text"];
  return typeof text === "string" ? text : undefined;
}

function child(v: XmlValue | undefined, name: string): XmlValue | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "object" && first !== null && !Array.isArray(first) ? first[name] : undefined;
}

/** The fault's texts, most specific first; undefined when the body is not a SOAP fault. */
export function soapFaultTexts(contentType: string | undefined, body: Buffer): string[] | undefined {
  if (body.length > MAX_FAULT_CHARS || !isXmlContentType(contentType) || body.indexOf(FAULT) === -1)
    return undefined;
  let fault: XmlValue | undefined;
  try {
    fault = child(
      child(parseXmlTree(body.toString("utf8"), undefined, FAULT_LIMITS).Envelope, "Body"),
      "Fault",
    );
  } catch (err) {
    if (err instanceof XmlError) return undefined;
    throw err;
  }
  if (fault === undefined) return undefined;
  const code = child(fault, "Code");
  const texts = [
    textOf(child(fault, "faultcode")),
    textOf(child(child(code, "Subcode"), "Value")),
    textOf(child(code, "Value")),
    textOf(child(fault, "faultstring")),
    textOf(child(child(fault, "Reason"), "Text")),
  ].filter((t): t is string => t !== undefined && t !== "");
  return texts.length === 0 ? undefined : texts;
}
