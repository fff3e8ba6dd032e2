import type { SchemaDoc } from "./load-files.ts";
import { NS, type QName, qnameKey } from "./namespaces.ts";
import { attr, type XmlElement } from "./xml-tree.ts";

/** Where a schema component was declared: what its local elements' and attributes' names mean. */
export interface SchemaContext {
  readonly targetNamespace: string;
  /** `elementFormDefault="qualified"`: local elements are in the target namespace. */
  readonly elementsQualified: boolean;
  readonly attributesQualified: boolean;
}

export interface Component {
  readonly name: QName;
  readonly el: XmlElement;
  readonly ctx: SchemaContext;
}

export type ComponentKind =
  | "element"
  | "complexType"
  | "simpleType"
  | "group"
  | "attributeGroup"
  | "attribute";

const KINDS: ReadonlySet<string> = new Set([
  "element",
  "complexType",
  "simpleType",
  "group",
  "attributeGroup",
  "attribute",
]);

/** The global components of every schema a WSDL reaches, by kind and `{ns}local`. */
export class SchemaIndex {
  private readonly byKind = new Map<ComponentKind, Map<string, Component>>();

  constructor(schemas: readonly SchemaDoc[]) {
    for (const kind of KINDS) this.byKind.set(kind as ComponentKind, new Map());
    for (const { el, targetNamespace } of schemas) {
      const ctx: SchemaContext = {
        targetNamespace,
        elementsQualified: attr(el, "elementFormDefault") === "qualified",
        attributesQualified: attr(el, "attributeFormDefault") === "qualified",
      };
      const add = (child: XmlElement) => {
        const name = attr(child, "name");
        if (child.ns !== NS.xsd || !KINDS.has(child.local) || name === undefined) return;
        const key = qnameKey({ ns: targetNamespace, local: name });
        const table = this.byKind.get(child.local as ComponentKind)!;
        // The first definition wins: a schema reached twice defines the same things twice.
        if (!table.has(key)) table.set(key, { name: { ns: targetNamespace, local: name }, el: child, ctx });
      };
      // xsd:redefine's own definitions (which extend the originals of the same name) are not read:
      // the originals, from the redefined file, stand.
      for (const child of el.children) add(child);
    }
  }

  get(kind: ComponentKind, name: QName): Component | undefined {
    return this.byKind.get(kind)!.get(qnameKey(name));
  }
}
