import { chargeParse, DEFAULT_XML_LIMITS, type XmlLimits, type XmlMeter } from "./xml-limits.ts";
import { NAME_MARK, type OrderedNode, parseOrdered, tooDeep } from "./xml-parse.ts";

/**
 * XML as JSON, in the shape docs/soap.md documents for `$util.xmlToJson`: each element a key (its
 * namespace prefix dropped), an element that repeats among its siblings an array of its
 * occurrences, attributes as `@name`, text beside attributes or child elements as `#text`, and an
 * element with neither attributes nor children just its text (`""` when empty). Values stay strings:
 * `<qty>007</qty>` is `"007"`, `<ok>true</ok>` is `"true"`. The same shape fast-xml-parser gives
 * unordered with these options, which the tests hold it to; built here from its ordered output
 * because that keeps names such as `__proto__` and `constructor` as written, in objects that have
 * no prototype for them to reach.
 */

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

/** What one element or attribute costs the data budget beyond its text: its slot and its entry. */
const NODE_BYTES = 64;
const TEXT = "#text";
const ATTRIBUTES = ":@";

function elementOf(node: OrderedNode): { name: string; children: OrderedNode[] } | undefined {
  for (const key in node)
    if (key.charCodeAt(0) === 36 /* $ */)
      return { name: key.slice(NAME_MARK.length), children: node[key] as OrderedNode[] };
  return undefined;
}

function shape(
  children: OrderedNode[],
  attributes: Record<string, unknown> | undefined,
  depth: number,
  limits: XmlLimits,
  meter: XmlMeter | undefined,
): XmlValue {
  if (depth > limits.maxDepth) throw tooDeep(limits);
  let text: string | undefined;
  let object: XmlObject | undefined;
  if (attributes !== undefined) {
    object = Object.create(null) as XmlObject;
    for (const name of Object.keys(attributes)) {
      const value = String(attributes[name]);
      meter?.hold(NODE_BYTES + value.length);
      object[name] = value;
    }
  }
  for (const node of children) {
    const t = node[TEXT];
    if (t !== undefined) {
      text = text === undefined ? String(t) : text + String(t);
      continue;
    }
    const element = elementOf(node);
    if (element === undefined) continue;
    meter?.hold(NODE_BYTES);
    const value = shape(
      element.children,
      node[ATTRIBUTES] as Record<string, unknown> | undefined,
      depth + 1,
      limits,
      meter,
    );
    object ??= Object.create(null) as XmlObject;
    const existing = object[element.name];
    if (existing === undefined) object[element.name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else object[element.name] = [existing, value];
  }
  if (object === undefined) return text ?? "";
  if (text !== undefined && text.length > 0) {
    meter?.hold(text.length);
    object[TEXT] = text;
  }
  return object;
}

/**
 * Parses XML safely (xml-parse.ts) into the shaped tree: `{ Envelope: { Body: … } }`. With a meter
 * (a render's budget) the work is charged before it is done; an XmlError says why a document was
 * refused.
 */
export function parseXmlTree(
  text: string,
  meter?: XmlMeter,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlObject {
  const held = chargeParse(text, limits, meter);
  const nodes = parseOrdered(text, limits);
  meter?.release(held);
  const tree = shape(nodes, undefined, 0, limits, meter);
  // The validator has made sure of one root element, so the top is always an object.
  return typeof tree === "object" && !Array.isArray(tree) ? tree : (Object.create(null) as XmlObject);
}

/** The shaped tree as JSON text (`$util.xmlToJson`); the caller holds the text in its budget. */
export function xmlToJson(text: string, meter?: XmlMeter, limits: XmlLimits = DEFAULT_XML_LIMITS): string {
  return JSON.stringify(parseXmlTree(text, meter, limits));
}
