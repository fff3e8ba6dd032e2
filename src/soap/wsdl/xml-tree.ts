import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { QName } from "./namespaces.ts";
import { WsdlError, where } from "./wsdl-error.ts";

/**
 * A namespace-aware, read-only XML tree for WSDL and XSD files, parsed safely: no DTD at all (so no
 * external entity can be fetched and no entity can be expanded — the billion-laughs and XXE cases),
 * a size cap and a nesting cap. WSDL and XSD never need a DTD, so refusing one loses nothing.
 */

export const XML_LIMITS = {
  /** Per file. */
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 256,
} as const;

export interface XmlElement {
  /** Namespace URI, "" for none. */
  readonly ns: string;
  readonly local: string;
  /** Attributes by the name written (`type`, `xmlns:tns`, `wsdl:arrayType`). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), not its descendants'. */
  readonly text: string;
  readonly file: string;
  readonly line: number | undefined;
  /** Namespace prefixes in scope ("" is the default namespace). */
  readonly scope: ReadonlyMap<string, string>;
}

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, the five predefined ones and character references only.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: "#comment",
  cdataPropName: "#cdata",
  captureMetaData: true,
  maxNestedTags: XML_LIMITS.maxDepth,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (all, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return PREDEFINED[name] ?? all;
  });
}

type RawNode = Record<string, unknown> & { ":@"?: Record<string, string> };

function lineFinder(text: string): (index: number | undefined) => number | undefined {
  let starts: number[] | undefined;
  return (index) => {
    if (index === undefined) return undefined;
    if (starts === undefined) {
      starts = [0];
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function tagOf(node: RawNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ":@") return key;
  return undefined;
}

function textOf(nodes: RawNode[]): string {
  let out = "";
  for (const n of nodes) {
    if (typeof n["#text"] === "string") out += n["#text"];
    else if (Array.isArray(n["#text"])) out += textOf(n["#text"] as RawNode[]);
  }
  return out;
}

/**
 * XML text → its root element. Throws WsdlError: WSDL_TOO_LARGE, WSDL_DTD_REFUSED,
 * WSDL_MALFORMED_XML (with the line), WSDL_TOO_DEEP.
 */
export function parseXmlTree(text: string, file: string): XmlElement {
  if (Buffer.byteLength(text) > XML_LIMITS.maxBytes)
    throw new WsdlError(
      "WSDL_TOO_LARGE",
      `${file}: larger than ${XML_LIMITS.maxBytes / 1024 / 1024} MB; refused`,
      file,
    );
  const body = text.replace(/^\uFEFF/, "");
  const withoutComments = body.replace(/<!--[\s\S]*?-->/g, "");
  if (/<!(DOCTYPE|ENTITY)/i.test(withoutComments))
    throw new WsdlError(
      "WSDL_DTD_REFUSED",
      `${file}: has a DOCTYPE (DTD); WSDL and XSD need none, and a DTD can fetch external entities or expand entities without bound, so it is refused`,
      file,
    );
  const valid = XMLValidator.validate(body);
  if (valid !== true)
    throw new WsdlError(
      "WSDL_MALFORMED_XML",
      `${where(file, valid.err.line)}: not well-formed XML (column ${valid.err.col}): ${valid.err.msg}`,
      file,
    );
  let raw: RawNode[];
  try {
    raw = PARSER.parse(body) as RawNode[];
  } catch (err) {
    const message = (err as Error).message;
    if (/nested tags/i.test(message))
      throw new WsdlError(
        "WSDL_TOO_DEEP",
        `${file}: elements nest deeper than ${XML_LIMITS.maxDepth} levels; refused`,
        file,
      );
    throw new WsdlError("WSDL_MALFORMED_XML", `${file}: not well-formed XML: ${message}`, file);
  }
  const lineAt = lineFinder(body);
  const roots = raw.filter((n) => {
    const tag = tagOf(n);
    return tag !== undefined && !tag.startsWith("#");
  });
  if (roots.length !== 1)
    throw new WsdlError("WSDL_MALFORMED_XML", `${file}: an XML document has exactly one root element`, file);
  return build(roots[0]!, new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]), file, lineAt);
}

function build(
  node: RawNode,
  parentScope: ReadonlyMap<string, string>,
  file: string,
  lineAt: (index: number | undefined) => number | undefined,
): XmlElement {
  const tag = tagOf(node)!;
  const rawAttrs = node[":@"] ?? {};
  const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
  const line = lineAt(meta?.startIndex);
  let scope = parentScope;
  const attrs = new Map<string, string>();
  for (const [name, value] of Object.entries(rawAttrs)) {
    const v = decodeEntities(String(value));
    attrs.set(name, v);
    if (name === "xmlns" || name.startsWith("xmlns:")) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === "xmlns" ? "" : name.slice(6), v);
    }
  }
  const colon = tag.indexOf(":");
  const prefix = colon === -1 ? "" : tag.slice(0, colon);
  const ns = scope.get(prefix);
  if (ns === undefined && prefix !== "")
    throw new WsdlError(
      "WSDL_MALFORMED_XML",
      `${where(file, line)}: element <${tag}> uses the namespace prefix '${prefix}', which is not declared`,
      file,
    );
  const kids = (node[tag] as RawNode[] | undefined) ?? [];
  const children: XmlElement[] = [];
  let text = "";
  for (const kid of kids) {
    const kidTag = tagOf(kid);
    if (kidTag === "#text") text += decodeEntities(String(kid["#text"]));
    else if (kidTag === "#cdata") text += textOf(kid["#cdata"] as RawNode[]);
    else if (kidTag !== undefined && kidTag !== "#comment") children.push(build(kid, scope, file, lineAt));
  }
  return {
    ns: ns ?? "",
    local: colon === -1 ? tag : tag.slice(colon + 1),
    attrs,
    children,
    text,
    file,
    line,
    scope,
  };
}

/** The children in namespace `ns` named `local` (any name when `local` is omitted). */
export function childrenOf(el: XmlElement, ns: string, local?: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && (local === undefined || c.local === local));
}

export function firstChild(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.local === local);
}

/** An attribute in no namespace (`name="..."`). */
export const attr = (el: XmlElement, name: string): string | undefined => el.attrs.get(name);

/** An attribute in namespace `ns` (`wsdl:arrayType="..."`), whatever prefix it is written with. */
export function nsAttr(el: XmlElement, ns: string, local: string): string | undefined {
  for (const [name, value] of el.attrs) {
    const colon = name.indexOf(":");
    if (colon === -1 || name.slice(colon + 1) !== local) continue;
    if (el.scope.get(name.slice(0, colon)) === ns) return value;
  }
  return undefined;
}

/** A QName-valued text (`tns:Order`), resolved in the element's scope; unprefixed: the default namespace. */
export function resolveQName(el: XmlElement, value: string): QName {
  const text = value.trim();
  const colon = text.indexOf(":");
  const prefix = colon === -1 ? "" : text.slice(0, colon);
  const ns = el.scope.get(prefix);
  if (ns === undefined && prefix !== "")
    throw new WsdlError(
      "WSDL_UNDEFINED",
      `${where(el.file, el.line)}: '${text}' uses the namespace prefix '${prefix}', which is not declared`,
      el.file,
    );
  return { ns: ns ?? "", local: colon === -1 ? text : text.slice(colon + 1) };
}

/** A QName-valued attribute, resolved; undefined when absent. */
export function qnameAttr(el: XmlElement, name: string): QName | undefined {
  const v = attr(el, name);
  return v === undefined ? undefined : resolveQName(el, v);
}

/** The text of `<documentation>` children, trimmed and joined; undefined when there is none. */
export function documentationOf(el: XmlElement): string | undefined {
  const docs = el.children
    .filter((c) => c.local === "documentation")
    .map((c) => c.text.trim())
    .filter((t) => t !== "");
  return docs.length === 0 ? undefined : docs.join("\n");
}
