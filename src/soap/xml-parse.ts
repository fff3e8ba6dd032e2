import { XMLParser, XMLValidator } from "fast-xml-parser";
import { XML_ENTITY_DECODER } from "./xml-entities.ts";
import { XmlError } from "./xml-errors.ts";
import type { XmlLimits } from "./xml-limits.ts";

/**
 * fast-xml-parser, configured to be safe on whatever a backend or client sends:
 * - well-formedness is checked first (XMLValidator): the parser itself accepts `<a><b></a>`;
 * - a DOCTYPE is refused before either runs (SOAP 1.1 §3 and 1.2 §5 forbid one in a message), so no
 *   entity is ever declared, let alone external (XXE) or nested (billion laughs); only XML's own
 *   references are decoded (xml-entities.ts);
 * - nesting is capped (`maxNestedTags`): its object builder recurses, and 10,000 levels overflowed
 *   the stack when measured;
 * - element names get a mark that no XML name can start with, so the parser's guard against
 *   `__proto__`, `constructor` and `prototype` (it throws on them, and renames `toString` and its
 *   kind) never sees one: the names come out as written, into objects without a prototype
 *   (xml-to-json.ts).
 * Text and attribute values stay strings, namespace prefixes and declarations are dropped, comments,
 * processing instructions and the XML declaration are left out; CDATA joins the element's text.
 */

/** Marks an element's name in the parser's output; `$` cannot start an XML name. */
export const NAME_MARK = "$";
const markName = (name: string): string => (name.startsWith(NAME_MARK) ? name : NAME_MARK + name);

/** One node of fast-xml-parser's ordered output: `{ "#text": v }`, or `{ $name: [children], ":@": attrs }`. */
export type OrderedNode = Record<string, unknown>;

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (parser === undefined) {
    parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      removeNSPrefix: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      allowBooleanAttributes: false,
      processEntities: true,
      htmlEntities: false,
      entityDecoder: XML_ENTITY_DECODER,
      // Past this the parser throws; xml-to-json.ts holds the exact limit, this keeps it bounded.
      maxNestedTags: maxDepth,
      transformTagName: markName,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/**
 * Refuses a document type declaration wherever the parser would read one as markup: outside
 * comments and CDATA sections (which may well carry the text `<!DOCTYPE`, an HTML page in a SOAP
 * reply, say). Only documents that contain the text at all are scanned.
 */
function refuseDoctype(text: string): void {
  if (text.indexOf("<!DOCTYPE") === -1) return;
  for (let i = text.indexOf("<!"); i !== -1; ) {
    let skipTo = i + 2;
    if (text.startsWith("<!--", i)) skipTo = text.indexOf("-->", i + 4) + 3;
    else if (text.startsWith("<![CDATA[", i)) skipTo = text.indexOf("]]>", i + 9) + 3;
    else if (text.startsWith("<!DOCTYPE", i))
      throw new XmlError("XML_DOCTYPE", "XML document type declarations (DOCTYPE) are not accepted");
    // An unclosed comment or section: not well-formed, which the validator says with its position.
    if (skipTo < i) return;
    i = text.indexOf("<!", skipTo);
  }
}

const EMPTY_ROOT = /<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/>/y;
const MISC = /^(?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*$/;

/**
 * What the validator lets through after a self-closing root (it only notices the root has ended
 * at a closing tag): a second root element, or text after the root.
 */
function checkOneRoot(body: string, nodes: OrderedNode[]): void {
  let roots = 0;
  for (const node of nodes) if (!Object.hasOwn(node, "#text")) roots++;
  if (roots > 1) throw new XmlError("XML_MALFORMED", "Malformed XML: more than one root element");
  let start = body.indexOf("<");
  while (body.startsWith("<?", start) || body.startsWith("<!", start)) {
    const end = body.startsWith("<!--", start) ? body.indexOf("-->", start) : body.indexOf(">", start);
    start = body.indexOf("<", end);
  }
  EMPTY_ROOT.lastIndex = start;
  if (EMPTY_ROOT.test(body) && !MISC.test(body.slice(EMPTY_ROOT.lastIndex)))
    throw new XmlError("XML_MALFORMED", "Malformed XML: text after the root element");
}

/** Parses a document the limits allow into fast-xml-parser's ordered nodes; XmlError otherwise. */
export function parseOrdered(text: string, limits: XmlLimits): OrderedNode[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  refuseDoctype(body);
  const valid = XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlError("XML_MALFORMED", `Malformed XML: ${msg}`, { line, column: col });
  }
  try {
    const nodes = parserFor(limits.maxDepth).parse(body) as OrderedNode[];
    checkOneRoot(body, nodes);
    return nodes;
  } catch (err) {
    if (err instanceof XmlError) throw err;
    const message = (err as Error).message;
    if (message.includes("nested tags")) throw tooDeep(limits);
    throw new XmlError("XML_MALFORMED", `Malformed XML: ${message}`);
  }
}

export const tooDeep = (limits: XmlLimits): XmlError =>
  new XmlError("XML_TOO_DEEP", `XML elements nest deeper than ${limits.maxDepth} levels`);
