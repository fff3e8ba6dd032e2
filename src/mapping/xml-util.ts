import {
  escapeXml,
  parseXmlTree,
  XML_ESCAPE_GROWTH,
  XmlError,
  type XmlValue,
  xmlToJson,
} from "../soap/xml.ts";
import { ENTRY_BYTES, OBJECT_BYTES, type RenderBudget, SLOT_BYTES } from "./vtl/budget.ts";
import { TemplateError } from "./vtl/errors.ts";
import { ElementMap, JList } from "./vtl/values.ts";

/**
 * Portico's XML helpers for mapping templates, beside AWS's `$util` (which cannot read XML,
 * AWS-BEHAVIOUR.md §9): `xmlToJson(xml)` gives JSON text, `parseXml(xml)` a tree to navigate
 * (`.Envelope.Body.AddResponse.AddResult`), `escapeXml(s)` text safe inside an element or attribute.
 * Parsing is the safe parser's (soap/xml.ts), charged to the render's budget before it runs; a
 * document it refuses fails the render, as any template error does (the gateway's 500).
 */

export type XmlUtilName = "xmlToJson" | "parseXml" | "escapeXml";

/** How much longer than its input each helper's output can be (see GROWTH in aws-variables.ts). */
export const XML_UTIL_GROWTH: Readonly<Record<XmlUtilName, number>> = {
  // \uXXXX for a lone surrogate, the longest JSON makes one character
  xmlToJson: 6,
  // the tree is held by toTemplateValue as it is built
  parseXml: 1,
  escapeXml: XML_ESCAPE_GROWTH,
};

/** The shaped tree as template values: elements as ElementMap, repeated elements as lists. */
function toTemplateValue(v: XmlValue, budget: RenderBudget): unknown {
  if (typeof v === "string") return v;
  budget.step();
  if (Array.isArray(v)) {
    budget.hold(OBJECT_BYTES + SLOT_BYTES * v.length);
    const list = new JList();
    for (const x of v) list.push(toTemplateValue(x, budget));
    return list;
  }
  const keys = Object.keys(v);
  budget.hold(OBJECT_BYTES + ENTRY_BYTES * keys.length);
  const map = new ElementMap();
  for (const k of keys) map.set(k, toTemplateValue(v[k]!, budget));
  return map;
}

export function xmlUtil(name: XmlUtilName, s: string, budget: RenderBudget): unknown {
  if (name === "escapeXml") return escapeXml(s, budget);
  try {
    return name === "xmlToJson" ? xmlToJson(s, budget) : toTemplateValue(parseXmlTree(s, budget), budget);
  } catch (err) {
    // Method calls that throw render as null (Velocity's rule for Java exceptions); a document
    // refused must fail the render instead, so it is a template error.
    if (err instanceof XmlError) throw new TemplateError("TEMPLATE_RUNTIME", `$util.${name}: ${err.message}`);
    throw err;
  }
}
