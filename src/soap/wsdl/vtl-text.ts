import type { ComplexShape, NamedShape, RefShape } from "./shapes.ts";
import { WsdlError } from "./wsdl-error.ts";

/**
 * Pieces shared by the generated mapping templates: text that Velocity must print as written, and
 * the numbering of the macros, one per complex shape a template uses.
 */

/** XML-escaped text for an attribute value, safe to put in a template as literal text. */
export function literalAttr(value: string): string {
  const xml = value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  // `$`, `#` and `\` could start a reference or a directive; an unparsed block prints them as they are.
  if (!/[$#\\]/.test(xml)) return xml;
  if (xml.includes("]]#"))
    throw new WsdlError("WSDL_UNSUPPORTED", `cannot write ${JSON.stringify(value)} into a mapping template`);
  return `#[[${xml}]]#`;
}

/** An XML name (NCName), checked: it goes into templates as a tag, a key and a JSON key. */
export function xmlName(name: string): string {
  if (!/^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*$/.test(name))
    throw new WsdlError(
      "WSDL_UNSUPPORTED",
      `${JSON.stringify(name)} is not an XML name; it cannot be mapped`,
    );
  return name;
}

/** A key as a single-quoted Velocity string (`@name`, `#text` or an XML name). */
export function vtlKey(name: string): string {
  const bare = name.startsWith("@") ? name.slice(1) : name;
  if (name !== "#text") xmlName(bare);
  return `'${name}'`;
}

/** Macro numbers for complex shapes: a named shape by key, an anonymous one by identity. */
export class MacroIds {
  private readonly named: ReadonlyMap<string, NamedShape>;
  private readonly ids = new Map<string | ComplexShape, number>();
  private readonly todo: { id: number; shape: ComplexShape }[] = [];

  constructor(named: ReadonlyMap<string, NamedShape>) {
    this.named = named;
  }

  /** The shape a reference stands for. */
  resolve(shape: ComplexShape | RefShape): ComplexShape {
    if (shape.kind === "complex") return shape;
    const named = this.named.get(shape.key);
    if (named === undefined) throw new Error(`no shape ${shape.key}`);
    return named.shape;
  }

  id(shape: ComplexShape | RefShape): number {
    const key = shape.kind === "ref" ? shape.key : shape;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.todo.push({ id, shape: this.resolve(shape) });
    }
    return id;
  }

  /** The next shape whose macros are still to write. */
  next(): { id: number; shape: ComplexShape } | undefined {
    return this.todo.shift();
  }
}
