import { XMLParser } from "fast-xml-parser";
import { InputVariable, UTIL } from "../../src/mapping/aws-variables.ts";
import { overrideEntries } from "../../src/mapping/overrides.ts";
import { RenderBudget } from "../../src/mapping/vtl/budget.ts";
import type { HostObject } from "../../src/mapping/vtl/host-object.ts";
import { NO_METHOD } from "../../src/mapping/vtl/java-methods.ts";
import { compileTemplate } from "../../src/mapping/vtl/template.ts";
import { JMap } from "../../src/mapping/vtl/values.ts";

/**
 * Renders generated templates with Portico's own Velocity engine. `$util.xmlToJson` and
 * `$util.escapeXml` come from the gateway when it has them (the SOAP mapping helpers); until then
 * from the stand-ins below, written to DESIGN.md's contract for them (prefixes dropped, an element a
 * key, a repeated element an array, `@attribute`, `#text` beside attributes, all text as strings).
 */

const probe = new RenderBudget();
export const gatewayHasXmlHelpers =
  UTIL.call("xmlToJson", ["<a/>"], probe) !== NO_METHOD && UTIL.call("escapeXml", ["a"], probe) !== NO_METHOD;

const STAND_IN_PARSER = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  textNodeName: "#text",
  ignoreDeclaration: true,
});

function dropNamespaceDeclarations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNamespaceDeclarations);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    if (k !== "@xmlns" && !k.startsWith("@xmlns:")) out[k] = dropNamespaceDeclarations(v);
  return out;
}

const standIn: HostObject = {
  vtlHost: true,
  get: () => null,
  call(name, args, budget) {
    if (name === "escapeXml")
      return String(args[0] ?? "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
    if (name === "xmlToJson")
      return JSON.stringify(dropNamespaceDeclarations(STAND_IN_PARSER.parse(String(args[0]))));
    return UTIL.call(name, args, budget);
  },
};

export interface Rendered {
  output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  status: unknown;
}

/** Renders `template` with `$input.body` = `body`. */
export function render(template: string, body: string): Rendered {
  const context = new JMap(overrideEntries());
  const output = compileTemplate(template).render({
    input: new InputVariable({ body, path: {}, querystring: {}, header: {} }),
    util: gatewayHasXmlHelpers ? UTIL : standIn,
    context,
  });
  const override = context.get("responseOverride") as JMap;
  return { output, status: override.get("status") ?? undefined };
}

/** A rendered JSON response, parsed (failing the test with the text when it is not JSON). */
export function renderJson(template: string, body: string): { json: unknown; status: unknown } {
  const { output, status } = render(template, body);
  try {
    return { json: JSON.parse(output), status };
  } catch {
    throw new Error(`not JSON: ${output}`);
  }
}
