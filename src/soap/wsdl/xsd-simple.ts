import { NS, type QName, qnameKey, showQName } from "./namespaces.ts";
import type { SchemaIndex } from "./schema-index.ts";
import type { JsonKind, ScalarShape } from "./shapes.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import { attr, childrenOf, firstChild, qnameAttr, resolveQName, type XmlElement } from "./xml-tree.ts";
import { builtinScalar } from "./xsd-builtins.ts";

/**
 * XSD simple types → scalar shapes: a restriction keeps its base's JSON type and adds its facets
 * (enumeration, pattern, lengths, numeric bounds); a list is a string; a union is a string unless all
 * its members share a JSON type. Derivation chains are followed with a guard, so a type that derives
 * from itself is an error, not a hang.
 */

const NUMERIC: ReadonlySet<JsonKind> = new Set(["integer", "number"]);

/**
 * An XSD pattern as a JSON schema (ECMAScript, `u` flag) one: anchored, since XSD patterns match the
 * whole value. Undefined when it uses what ECMAScript has no equivalent for (`\i`, `\c`, character
 * class subtraction, Unicode block escapes) or does not compile.
 */
export function jsPattern(xsd: string): string | undefined {
  if (/\\[iIcC]|\\[pP]\{Is/.test(xsd) || subtracts(xsd)) return undefined;
  const js = `^(?:${xsd})$`;
  try {
    new RegExp(js, "u");
    return js;
  } catch {
    return undefined;
  }
}

/** Whether a pattern uses XSD's character class subtraction (`[a-z-[aeiou]]`). */
function subtracts(xsd: string): boolean {
  let inClass = false;
  for (let i = 0; i < xsd.length; i++) {
    const c = xsd[i];
    if (c === "\\") i++;
    else if (!inClass && c === "[") inClass = true;
    else if (inClass && c === "-" && xsd[i + 1] === "[") return true;
    else if (inClass && c === "]") inClass = false;
  }
  return false;
}

export class SimpleTypes {
  private readonly index: SchemaIndex;
  private readonly warnings: string[];
  private readonly cache = new Map<string, ScalarShape>();

  constructor(index: SchemaIndex, warnings: string[]) {
    this.index = index;
    this.warnings = warnings;
  }

  /** A built-in, SOAP-encoding or named simple type; undefined when `q` names none of them. */
  lookup(q: QName, stack: Set<string> = new Set()): ScalarShape | undefined {
    if (q.ns === NS.xsd || q.ns === NS.soapEncoding) {
      const builtin = builtinScalar(q.local);
      if (builtin !== undefined) return builtin;
    }
    const key = qnameKey(q);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const component = this.index.get("simpleType", q);
    if (component === undefined) return undefined;
    if (stack.has(key))
      throw new WsdlError(
        "WSDL_CIRCULAR",
        `${where(component.el.file, component.el.line)}: simple type ${showQName(q)} derives from itself`,
        component.el.file,
      );
    stack.add(key);
    const shape = this.fromElement(component.el, stack);
    stack.delete(key);
    this.cache.set(key, shape);
    return shape;
  }

  /** Like lookup, but a name that is not a simple type is an error naming where it is used. */
  resolve(q: QName, from: XmlElement, stack: Set<string> = new Set()): ScalarShape {
    const shape = this.lookup(q, stack);
    if (shape !== undefined) return shape;
    throw new WsdlError(
      "WSDL_UNKNOWN_TYPE",
      `${where(from.file, from.line)}: the simple type ${showQName(q)} is not defined (no schema the WSDL reaches declares it)`,
      from.file,
    );
  }

  /** An `xsd:simpleType` element (named or anonymous). */
  fromElement(st: XmlElement, stack: Set<string> = new Set()): ScalarShape {
    const restriction = firstChild(st, NS.xsd, "restriction");
    if (restriction !== undefined) return this.restriction(restriction, stack);
    if (firstChild(st, NS.xsd, "list") !== undefined)
      return { kind: "scalar", json: "string", xsdType: "string" };
    const union = firstChild(st, NS.xsd, "union");
    if (union !== undefined) return this.union(union, stack);
    return { kind: "scalar", json: "string", xsdType: "string" };
  }

  private union(union: XmlElement, stack: Set<string>): ScalarShape {
    const members: ScalarShape[] = [];
    for (const name of (attr(union, "memberTypes") ?? "").split(/\s+/).filter((n) => n !== ""))
      members.push(this.resolve(resolveQName(union, name), union, stack));
    for (const inline of childrenOf(union, NS.xsd, "simpleType"))
      members.push(this.fromElement(inline, stack));
    const kinds = new Set(members.map((m) => m.json));
    if (kinds.size === 1 && members[0] !== undefined)
      return { kind: "scalar", json: members[0].json, xsdType: members[0].xsdType };
    return { kind: "scalar", json: "string", xsdType: "string" };
  }

  /** A restriction's base (named, or an inline simpleType) with the facets applied. */
  restriction(restriction: XmlElement, stack: Set<string>): ScalarShape {
    const baseName = qnameAttr(restriction, "base");
    const inline = firstChild(restriction, NS.xsd, "simpleType");
    const base =
      baseName !== undefined
        ? this.resolve(baseName, restriction, stack)
        : inline !== undefined
          ? this.fromElement(inline, stack)
          : ({ kind: "scalar", json: "string", xsdType: "string" } as ScalarShape);
    return this.facets(base, restriction);
  }

  /** The facets of a restriction element applied to `base`. */
  facets(base: ScalarShape, restriction: XmlElement): ScalarShape {
    const out: { -readonly [K in keyof ScalarShape]: ScalarShape[K] } = { ...base };
    const values = (local: string) =>
      childrenOf(restriction, NS.xsd, local)
        .map((f) => attr(f, "value"))
        .filter((v): v is string => v !== undefined);
    const enumeration = values("enumeration");
    if (enumeration.length > 0) out.enum = enumeration;
    const patterns = values("pattern");
    if (patterns.length > 0) {
      // Several patterns in one step are alternatives; each derivation step narrows (the last wins here).
      const xsd = patterns.length === 1 ? patterns[0]! : patterns.map((p) => `(?:${p})`).join("|");
      const js = jsPattern(xsd);
      if (js !== undefined) out.pattern = js;
      else
        this.warnings.push(
          `${where(restriction.file, restriction.line)}: the pattern ${JSON.stringify(xsd)} has no JSON schema equivalent; values are not checked against it`,
        );
    }
    const integer = (local: string): number | undefined => {
      const v = values(local)[0];
      const n = v === undefined ? Number.NaN : Number(v);
      return Number.isInteger(n) && n >= 0 ? n : undefined;
    };
    const length = integer("length");
    const minLength = length ?? integer("minLength");
    const maxLength = length ?? integer("maxLength");
    if (base.json === "string") {
      if (minLength !== undefined) out.minLength = minLength;
      if (maxLength !== undefined) out.maxLength = maxLength;
    }
    if (NUMERIC.has(base.json)) {
      const bound = (local: string): number | undefined => {
        const v = values(local)[0];
        const n = v === undefined ? Number.NaN : Number(v);
        return Number.isFinite(n) ? n : undefined;
      };
      const minInclusive = bound("minInclusive");
      const minExclusive = bound("minExclusive");
      const maxInclusive = bound("maxInclusive");
      const maxExclusive = bound("maxExclusive");
      if (minInclusive !== undefined) {
        out.minimum = minInclusive;
        delete out.exclusiveMinimum;
      }
      if (minExclusive !== undefined) {
        out.minimum = minExclusive;
        out.exclusiveMinimum = true;
      }
      if (maxInclusive !== undefined) {
        out.maximum = maxInclusive;
        delete out.exclusiveMaximum;
      }
      if (maxExclusive !== undefined) {
        out.maximum = maxExclusive;
        out.exclusiveMaximum = true;
      }
    }
    return out;
  }
}
