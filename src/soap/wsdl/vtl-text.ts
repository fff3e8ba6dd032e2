import type { ComplexShape, NamedShape, RefShape } from "./shapes.ts";

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
  if (xml.includes("]]#")) throw new Error(`cannot write ${JSON.stringify(value)} into a template`);
  return `#[[${xml}]]#`;
}

/** A key as a single-quoted Velocity string: XML names hold no quote, `$` or `#`, but check. */
export function vtlKey(name: string): string {
  if (/['$#\\]/.test(name)) throw new Error(`cannot use ${JSON.stringify(name)} as a key in a template`);
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
