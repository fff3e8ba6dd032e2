import type { ComplexShape, ElementField, NamedShape, RefShape, Shape } from "./shapes.ts";
import { MacroIds, vtlKey } from "./vtl-text.ts";

/**
 * Writes the Velocity that turns a parsed SOAP reply (`$util.parseJson($util.xmlToJson(...))`) into
 * the JSON the output model describes: numbers and booleans typed again (xmlToJson keeps all text as
 * strings), a repeated element always an array (xmlToJson makes an array only of an element that
 * occurs twice), attributes as `@name`, simple content as `#text`, and what the schema does not name
 * left out. One macro `#rN` per complex shape; `$c` is the comma before the next key, set after each
 * key is written, so a nested macro that resets it is harmless.
 */
export class ResponseWriter {
  private readonly ids: MacroIds;
  readonly macros: string[] = [];

  constructor(named: ReadonlyMap<string, NamedShape>) {
    this.ids = new MacroIds(named);
  }

  /** The JSON value of an element whose parsed value `v` holds. */
  value(shape: Shape, v: string): string {
    switch (shape.kind) {
      case "scalar":
        return shape.json === "integer" || shape.json === "number"
          ? `#jnum(${v})`
          : shape.json === "boolean"
            ? `#jbool(${v})`
            : `#jstr(${v})`;
      case "any":
        return `#jany(${v})`;
      default:
        return `#r${this.ids.id(shape)}(${v})`;
    }
  }

  /** `"name": value` for one field of the parsed object `o`, with its comma. */
  private field(field: ElementField, o: string): string {
    const v = `${o}.get(${vtlKey(field.name)})`;
    const key = `$c"${field.name}":`;
    if (field.max <= 1) return `#if(${v})${key}${this.value(field.shape, v)}#set($c = ',')#end`;
    // One occurrence parses as the value itself, several as a list: both are written as an array.
    return `${key}[#if(${v}.size() && !${v}.keySet())#foreach($e in ${v})${this.value(field.shape, "$e")}#if($foreach.hasNext),#end#end#elseif(${v})${this.value(field.shape, v)}#end]#set($c = ',')`;
  }

  private object(shape: ComplexShape): string {
    const parts: string[] = [];
    for (const a of shape.attributes) {
      const v = `$v.get(${vtlKey(`@${a.name}`)})`;
      parts.push(`#if(${v})$c"@${a.name}":${this.value(a.shape, v)}#set($c = ',')#end`);
    }
    if (shape.text !== undefined)
      parts.push(`#if($v)$c"#text":${this.value(shape.text, "$v")}#set($c = ',')#end`);
    for (const f of shape.fields) parts.push(this.field(f, "$v"));
    return `#if($v.get('@nil') == 'true' || $v.get('@xsi:nil') == 'true')null#else{#set($c = '')${parts.join("")}}#end`;
  }

  /** An encoded array: every child element, whatever its name, one item each. */
  private array(item: ElementField): string {
    const collect =
      "#set($items = [])#foreach($k in $v.keySet())#if(!$k.startsWith('@') && $k != '#text')#set($x = $v.get($k))#if($x.size() && !$x.keySet())#set($z = $items.addAll($x))#else#set($z = $items.add($x))#end#end#end";
    return `${collect}[#foreach($e in $items)${this.value(item.shape, "$e")}#if($foreach.hasNext),#end#end]`;
  }

  /** Writes the macros of every complex shape used so far (and of those they use). */
  flush(): void {
    for (let next = this.ids.next(); next !== undefined; next = this.ids.next()) {
      const { id, shape } = next;
      const body =
        shape.soapArray === true && shape.fields[0] !== undefined
          ? this.array(shape.fields[0])
          : this.object(shape);
      this.macros.push(`#macro(r${id} $v)${body}#end##`);
    }
  }

  /** The value of a complex shape (for a message body). */
  complex(shape: ComplexShape | RefShape, v: string): string {
    return `#r${this.ids.id(shape)}(${v})`;
  }
}
