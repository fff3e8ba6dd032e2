import { NS, type QName, qnameKey, showQName } from "./namespaces.ts";
import type { Component, SchemaContext, SchemaIndex } from "./schema-index.ts";
import type { AttributeField, ComplexShape, ElementField, NamedShape, RefShape, Shape } from "./shapes.ts";
import { WsdlError, where } from "./wsdl-error.ts";
import { attr, firstChild, nsAttr, qnameAttr, resolveQName, type XmlElement } from "./xml-tree.ts";
import { SimpleTypes } from "./xsd-simple.ts";

/**
 * XSD elements and complex types → shapes. Particles (sequence, all, choice, group references) are
 * flattened into an element's fields, in document order; an extension's base is flattened in front
 * of its own fields. Named complex types (and global elements' anonymous types) become `RefShape`s
 * built from a queue, so recursion between types costs one reference, and neither a cycle nor a
 * long chain of types recurses.
 */

interface Multiplicity {
  readonly min: number;
  readonly max: number;
}

const emptyComplex = (): ComplexShape => ({
  kind: "complex",
  fields: [],
  attributes: [],
  choices: [],
  open: false,
});

function occurs(el: XmlElement, name: "minOccurs" | "maxOccurs"): number {
  const v = attr(el, name);
  if (v === undefined) return 1;
  if (v === "unbounded") return Number.POSITIVE_INFINITY;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

const nsOf = (tns: string): string | undefined => (tns === "" ? undefined : tns);

export class ShapeBuilder {
  readonly named = new Map<string, NamedShape>();
  readonly simple: SimpleTypes;
  private readonly index: SchemaIndex;
  private readonly warnings: string[];
  private readonly pending: (() => void)[] = [];

  constructor(index: SchemaIndex, warnings: string[]) {
    this.index = index;
    this.warnings = warnings;
    this.simple = new SimpleTypes(index, warnings);
  }

  /** Builds every named shape referred to so far (and those they refer to). */
  drain(): void {
    for (let job = this.pending.shift(); job !== undefined; job = this.pending.shift()) job();
  }

  private ref(key: string, hint: string, fill: (target: ComplexShape) => void): RefShape {
    if (!this.named.has(key)) {
      const shape = emptyComplex();
      this.named.set(key, { key, hint, shape });
      this.pending.push(() => fill(shape));
    }
    return { kind: "ref", key };
  }

  /** The shape a type name stands for (an element's or a part's `type`). */
  typeRef(q: QName, from: XmlElement): Shape {
    if ((q.ns === NS.xsd || q.ns === NS.soapEncoding) && (q.local === "anyType" || q.local === "Struct"))
      return { kind: "any" };
    if (q.ns === NS.soapEncoding && q.local === "Array") return this.soapArray({ kind: "any" });
    const scalar = this.simple.lookup(q);
    if (scalar !== undefined) return scalar;
    const component = this.index.get("complexType", q);
    if (component === undefined)
      throw new WsdlError(
        "WSDL_UNKNOWN_TYPE",
        `${where(from.file, from.line)}: the type ${showQName(q)} is not defined (no schema the WSDL reaches declares it)`,
        from.file,
      );
    return this.ref(`ct:${qnameKey(q)}`, q.local, (target) =>
      this.complexType(component.el, component.ctx, target, new Set([`ct:${qnameKey(q)}`])),
    );
  }

  /** A global element: its name, namespace and content. */
  globalElement(q: QName, from: XmlElement): { component: Component; shape: Shape } {
    const component = this.index.get("element", q);
    if (component === undefined)
      throw new WsdlError(
        "WSDL_UNKNOWN_TYPE",
        `${where(from.file, from.line)}: the element ${showQName(q)} is not defined (no schema the WSDL reaches declares it)`,
        from.file,
      );
    const anonymous = firstChild(component.el, NS.xsd, "complexType");
    const shape =
      anonymous === undefined
        ? this.declaredContent(component.el, component.ctx)
        : this.ref(`el:${qnameKey(q)}`, q.local, (target) =>
            this.complexType(anonymous, component.ctx, target, new Set()),
          );
    return { component, shape };
  }

  /** An element declaration's content: its type, its anonymous type, or anything. */
  private declaredContent(el: XmlElement, ctx: SchemaContext): Shape {
    const type = qnameAttr(el, "type");
    if (type !== undefined) return this.typeRef(type, el);
    const complex = firstChild(el, NS.xsd, "complexType");
    if (complex !== undefined) {
      const target = emptyComplex();
      this.complexType(complex, ctx, target, new Set());
      return target;
    }
    const simple = firstChild(el, NS.xsd, "simpleType");
    if (simple !== undefined) return this.simple.fromElement(simple);
    return { kind: "any" };
  }

  private soapArray(item: Shape): ComplexShape {
    const shape = emptyComplex();
    shape.fields.push({
      name: "item",
      ns: undefined,
      min: 0,
      max: Number.POSITIVE_INFINITY,
      nillable: true,
      shape: item,
    });
    shape.soapArray = true;
    return shape;
  }

  /** Fills `target` from an `xsd:complexType`. `stack` guards the bases and groups being expanded. */
  complexType(ct: XmlElement, ctx: SchemaContext, target: ComplexShape, stack: Set<string>): void {
    const simpleContent = firstChild(ct, NS.xsd, "simpleContent");
    const complexContent = firstChild(ct, NS.xsd, "complexContent");
    if (simpleContent !== undefined) this.simpleContent(simpleContent, ctx, target, stack);
    else if (complexContent !== undefined) this.complexContent(complexContent, ctx, target, stack);
    else this.body(ct, ctx, target, stack);
  }

  /** The particle and attributes written directly inside `el` (a complexType, extension or restriction). */
  private body(el: XmlElement, ctx: SchemaContext, target: ComplexShape, stack: Set<string>): void {
    for (const child of el.children) {
      if (child.ns !== NS.xsd) continue;
      if (["sequence", "all", "choice", "group", "element", "any"].includes(child.local))
        this.particle(child, ctx, { min: 1, max: 1 }, target, stack);
      else if (["attribute", "attributeGroup"].includes(child.local))
        this.attributes(child, ctx, target, stack);
      else if (child.local === "anyAttribute") target.open = true;
    }
  }

  private expandBase(base: QName, from: XmlElement, target: ComplexShape, stack: Set<string>): void {
    if (base.ns === NS.xsd && base.local === "anyType") return;
    const key = `ct:${qnameKey(base)}`;
    const component = this.index.get("complexType", base);
    if (component === undefined) {
      target.text = this.simple.resolve(base, from, stack);
      return;
    }
    if (stack.has(key))
      throw new WsdlError(
        "WSDL_CIRCULAR",
        `${where(from.file, from.line)}: the type ${showQName(base)} derives from itself`,
        from.file,
      );
    stack.add(key);
    this.complexType(component.el, component.ctx, target, stack);
    stack.delete(key);
  }

  private simpleContent(sc: XmlElement, ctx: SchemaContext, target: ComplexShape, stack: Set<string>): void {
    const derivation = firstChild(sc, NS.xsd, "extension") ?? firstChild(sc, NS.xsd, "restriction");
    if (derivation === undefined) return;
    const base = qnameAttr(derivation, "base");
    if (base !== undefined) this.expandBase(base, derivation, target, stack);
    if (derivation.local === "restriction")
      target.text = this.simple.facets(
        target.text ?? { kind: "scalar", json: "string", xsdType: "string" },
        derivation,
      );
    target.text ??= { kind: "scalar", json: "string", xsdType: "string" };
    this.body(derivation, ctx, target, stack);
  }

  private complexContent(cc: XmlElement, ctx: SchemaContext, target: ComplexShape, stack: Set<string>): void {
    const derivation = firstChild(cc, NS.xsd, "extension") ?? firstChild(cc, NS.xsd, "restriction");
    if (derivation === undefined) return;
    const base = qnameAttr(derivation, "base");
    if (derivation.local === "restriction" && base?.ns === NS.soapEncoding && base.local === "Array") {
      Object.assign(target, this.soapArray(this.arrayItem(derivation, ctx)));
      return;
    }
    // A restriction restates what it keeps, so only an extension brings in its base's content.
    if (derivation.local === "extension" && base !== undefined)
      this.expandBase(base, derivation, target, stack);
    this.body(derivation, ctx, target, stack);
  }

  /** A SOAP-encoding array's item: `wsdl:arrayType="tns:Item[]"`, or the element its sequence names. */
  private arrayItem(restriction: XmlElement, ctx: SchemaContext): Shape {
    for (const a of restriction.children.filter((c) => c.ns === NS.xsd && c.local === "attribute")) {
      const arrayType = nsAttr(a, NS.wsdl11, "arrayType");
      if (arrayType !== undefined)
        return this.typeRef(resolveQName(a, arrayType.replace(/(\[[\d,\s]*\])+\s*$/, "")), a);
    }
    const probe = emptyComplex();
    this.body(restriction, ctx, probe, new Set());
    return probe.fields[0]?.shape ?? { kind: "any" };
  }

  /** Adds a particle's elements to `target`; returns the names it requires (for choice rules). */
  private particle(
    el: XmlElement,
    ctx: SchemaContext,
    outer: Multiplicity,
    target: ComplexShape,
    stack: Set<string>,
  ): string[] {
    const own = { min: occurs(el, "minOccurs"), max: occurs(el, "maxOccurs") };
    const m: Multiplicity = { min: outer.min * own.min, max: outer.max * own.max };
    switch (el.local) {
      case "element":
        this.element(el, ctx, m, target);
        return own.min >= 1 ? [attr(el, "name") ?? resolveQName(el, attr(el, "ref") ?? "").local] : [];
      case "any":
        target.open = true;
        return [];
      case "sequence":
      case "all": {
        const required: string[] = [];
        for (const child of el.children.filter((c) => c.ns === NS.xsd))
          if (["sequence", "choice", "group", "element", "any"].includes(child.local))
            required.push(...this.particle(child, ctx, m, target, stack));
        return own.min >= 1 ? required : [];
      }
      case "choice": {
        const branches: string[][] = [];
        for (const child of el.children.filter((c) => c.ns === NS.xsd))
          if (["sequence", "choice", "group", "element", "any"].includes(child.local))
            branches.push(this.particle(child, ctx, { min: 0, max: m.max }, target, stack));
        if (m.min >= 1 && branches.length > 0 && branches.every((b) => b.length > 0))
          target.choices.push(branches);
        return [];
      }
      case "group": {
        const ref = qnameAttr(el, "ref");
        const group = ref === undefined ? undefined : this.index.get("group", ref);
        if (ref === undefined || group === undefined)
          throw new WsdlError(
            "WSDL_UNKNOWN_TYPE",
            `${where(el.file, el.line)}: the group ${ref === undefined ? "(no ref)" : showQName(ref)} is not defined`,
            el.file,
          );
        const key = `group:${qnameKey(ref)}`;
        if (stack.has(key))
          throw new WsdlError(
            "WSDL_CIRCULAR",
            `${where(el.file, el.line)}: the group ${showQName(ref)} contains itself`,
            el.file,
          );
        stack.add(key);
        const inner = group.el.children.find(
          (c) => c.ns === NS.xsd && ["sequence", "choice", "all"].includes(c.local),
        );
        const required = inner === undefined ? [] : this.particle(inner, group.ctx, m, target, stack);
        stack.delete(key);
        return own.min >= 1 ? required : [];
      }
      default:
        return [];
    }
  }

  private element(el: XmlElement, ctx: SchemaContext, m: Multiplicity, target: ComplexShape): void {
    const ref = qnameAttr(el, "ref");
    let field: ElementField;
    if (ref !== undefined) {
      const { component, shape } = this.globalElement(ref, el);
      field = {
        name: ref.local,
        ns: nsOf(ref.ns),
        min: m.min,
        max: m.max,
        nillable: attr(component.el, "nillable") === "true",
        shape,
      };
    } else {
      const name = attr(el, "name");
      if (name === undefined)
        throw new WsdlError(
          "WSDL_UNDEFINED",
          `${where(el.file, el.line)}: an element with neither name nor ref`,
          el.file,
        );
      const form = attr(el, "form") ?? (ctx.elementsQualified ? "qualified" : "unqualified");
      field = {
        name,
        ns: form === "qualified" ? nsOf(ctx.targetNamespace) : undefined,
        min: m.min,
        max: m.max,
        nillable: attr(el, "nillable") === "true",
        shape: this.declaredContent(el, ctx),
      };
    }
    const twin = target.fields.findIndex((f) => f.name === field.name);
    if (twin === -1) target.fields.push(field);
    else {
      // `a, b, a` cannot be a JSON object's keys in order: the repeated element becomes a list.
      this.warnings.push(
        `${where(el.file, el.line)}: element '${field.name}' appears twice in one type; it is mapped as one repeated element`,
      );
      const prior = target.fields[twin]!;
      target.fields[twin] = { ...prior, min: prior.min + field.min, max: Number.POSITIVE_INFINITY };
    }
  }

  private attributes(el: XmlElement, ctx: SchemaContext, target: ComplexShape, stack: Set<string>): void {
    if (el.local === "attributeGroup") {
      const ref = qnameAttr(el, "ref");
      const group = ref === undefined ? undefined : this.index.get("attributeGroup", ref);
      if (ref === undefined || group === undefined)
        throw new WsdlError(
          "WSDL_UNKNOWN_TYPE",
          `${where(el.file, el.line)}: the attribute group ${ref === undefined ? "(no ref)" : showQName(ref)} is not defined`,
          el.file,
        );
      const key = `attributeGroup:${qnameKey(ref)}`;
      if (stack.has(key))
        throw new WsdlError(
          "WSDL_CIRCULAR",
          `${where(el.file, el.line)}: the attribute group ${showQName(ref)} contains itself`,
          el.file,
        );
      stack.add(key);
      for (const child of group.el.children.filter((c) => c.ns === NS.xsd))
        if (child.local === "attribute" || child.local === "attributeGroup")
          this.attributes(child, group.ctx, target, stack);
        else if (child.local === "anyAttribute") target.open = true;
      stack.delete(key);
      return;
    }
    if (attr(el, "use") === "prohibited") return;
    const field = this.attribute(el, ctx);
    if (field === undefined) return;
    const twin = target.attributes.findIndex((a) => a.name === field.name);
    if (twin === -1) target.attributes.push(field);
    else target.attributes[twin] = field;
  }

  private attribute(el: XmlElement, ctx: SchemaContext): AttributeField | undefined {
    const required = attr(el, "use") === "required";
    const ref = qnameAttr(el, "ref");
    if (ref !== undefined) {
      // SOAP encoding's arrayType is how an encoded array says its item type, not data.
      if (ref.ns === NS.soapEncoding) return undefined;
      const global = this.index.get("attribute", ref);
      const shape =
        global === undefined
          ? { kind: "scalar" as const, json: "string" as const, xsdType: "string" }
          : this.attributeType(global.el);
      return { name: ref.local, ns: nsOf(ref.ns), required, shape };
    }
    const name = attr(el, "name");
    if (name === undefined) return undefined;
    const form = attr(el, "form") ?? (ctx.attributesQualified ? "qualified" : "unqualified");
    return {
      name,
      ns: form === "qualified" ? nsOf(ctx.targetNamespace) : undefined,
      required,
      shape: this.attributeType(el),
    };
  }

  private attributeType(el: XmlElement) {
    const type = qnameAttr(el, "type");
    if (type !== undefined) {
      if (type.ns === NS.xsd && type.local === "anyType")
        return { kind: "scalar" as const, json: "string" as const, xsdType: "string" };
      return this.simple.resolve(type, el);
    }
    const inline = firstChild(el, NS.xsd, "simpleType");
    return inline === undefined
      ? { kind: "scalar" as const, json: "string" as const, xsdType: "string" }
      : this.simple.fromElement(inline);
  }
}
