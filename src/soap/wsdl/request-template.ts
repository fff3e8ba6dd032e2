import type { MessageShape } from "./message-shapes.ts";
import { NS } from "./namespaces.ts";
import type { SoapVersion } from "./service-model.ts";
import type { ComplexShape, ElementField, NamedShape, RefShape, Shape } from "./shapes.ts";
import { literalAttr, MacroIds, vtlKey, xmlName } from "./vtl-text.ts";

/**
 * The integration request template: the method's JSON body → the SOAP envelope the operation takes.
 * Every value goes through `$util.escapeXml`; objects and repeated elements are written by one macro
 * per complex type (`#cN` the content, `#aN` the attributes), so nested and recursive types need no
 * unrolling. Elements are written in the schema's order, each with the namespace its schema gives
 * it (qualified local elements prefixed, unqualified ones in no namespace); all prefixes are declared
 * once, on the Envelope. A JSON key the schema does not name is not written (the request validator
 * refuses it first).
 */

export interface EnvelopeOptions {
  readonly version: SoapVersion;
  /** rpc/encoded: simple values carry `xsi:type`, the wrapper the SOAP encoding style. */
  readonly encoded: boolean;
}

const present = (v: string) => `(${v} || ${v} == false)`;

class RequestWriter {
  private readonly ids: MacroIds;
  private readonly encoded: boolean;
  private readonly prefixes = new Map<string, string>();
  private readonly hasAttributes = new Set<number>();
  readonly macros: string[] = [];

  constructor(named: ReadonlyMap<string, NamedShape>, encoded: boolean) {
    this.ids = new MacroIds(named);
    this.encoded = encoded;
  }

  prefix(ns: string): string {
    let p = this.prefixes.get(ns);
    if (p === undefined) {
      p = `ns${this.prefixes.size}`;
      this.prefixes.set(ns, p);
    }
    return p;
  }

  declarations(): string {
    return [...this.prefixes].map(([ns, p]) => ` xmlns:${p}="${literalAttr(ns)}"`).join("");
  }

  tag(name: string, ns: string | undefined): string {
    return ns === undefined ? xmlName(name) : `${this.prefix(ns)}:${xmlName(name)}`;
  }

  /** The macro number for a complex shape, its macros written before the template's body. */
  macro(shape: ComplexShape | RefShape): number {
    const id = this.ids.id(shape);
    if (this.ids.resolve(shape).attributes.length > 0) this.hasAttributes.add(id);
    return id;
  }

  /** `<tag attrs>content</tag>` for a complex value held by `v`. */
  complexElement(tag: string, shape: ComplexShape | RefShape, v: string, extra = ""): string {
    const id = this.macro(shape);
    const attrs = this.hasAttributes.has(id) ? `#a${id}(${v})` : "";
    return `<${tag}${extra}${attrs}>#c${id}(${v})</${tag}>`;
  }

  private scalarType(shape: Shape): string {
    return this.encoded && shape.kind === "scalar" ? ` xsi:type="xsd:${shape.xsdType}"` : "";
  }

  /** One occurrence of `field`, its value held by `v`. */
  private element(field: ElementField, v: string): string {
    const tag = this.tag(field.name, field.ns);
    const shape = field.shape;
    if (shape.kind === "scalar") return `<${tag}${this.scalarType(shape)}>$util.escapeXml(${v})</${tag}>`;
    if (shape.kind === "any")
      // Any content takes text only: a JSON object has no one XML form to be written as.
      return `#if(!${v}.keySet() && !${v}.size())<${tag}>$util.escapeXml(${v})</${tag}>#end`;
    const complex = this.ids.resolve(shape);
    const extra =
      this.encoded && complex.soapArray === true
        ? ` xsi:type="soapenc:Array" soapenc:arrayType="xsd:anyType[${v}.size()]"`
        : "";
    return this.complexElement(tag, shape, v, extra);
  }

  /** Every occurrence of `field` of the object held by `o`. */
  field(field: ElementField, o: string): string {
    const v = `${o}.get(${vtlKey(field.name)})`;
    if (field.max > 1) return `#foreach($e in ${v})${this.element(field, "$e")}#end`;
    const nil = field.nillable
      ? `#elseif(${o}.containsKey(${vtlKey(field.name)}))<${this.tag(field.name, field.ns)} xsi:nil="true"/>`
      : "";
    return `#if${present(v)}${this.element(field, v)}${nil}#end`;
  }

  /** Writes the macros of every complex shape used so far (and of those they use). */
  flush(): void {
    for (let next = this.ids.next(); next !== undefined; next = this.ids.next()) {
      const { id, shape } = next;
      if (shape.attributes.length > 0) {
        const attrs = shape.attributes
          .map((a) => {
            const v = `$o.get(${vtlKey(`@${a.name}`)})`;
            return `#if${present(v)} ${this.tag(a.name, a.ns)}="$util.escapeXml(${v})"#end`;
          })
          .join("");
        this.macros.push(`#macro(a${id} $o)${attrs}#end##`);
      }
      let body: string;
      if (shape.soapArray === true && shape.fields[0] !== undefined)
        body = `#foreach($e in $o)${this.element(shape.fields[0], "$e")}#end`;
      else {
        const text =
          shape.text === undefined
            ? ""
            : `#if${present("$o.get('#text')")}$util.escapeXml($o.get('#text'))#end`;
        body = text + shape.fields.map((f) => this.field(f, "$o")).join("");
      }
      this.macros.push(`#macro(c${id} $o)${body}#end##`);
    }
  }
}

/** The request template for one operation's input. */
export function requestTemplate(
  message: MessageShape,
  named: ReadonlyMap<string, NamedShape>,
  options: EnvelopeOptions,
): string {
  const w = new RequestWriter(named, options.encoded);
  const envNs = options.version === "1.2" ? NS.soap12Envelope : NS.soap11Envelope;
  const encodingStyle = options.encoded ? ` soapenv:encodingStyle="${NS.soapEncoding}"` : "";
  let content: string;
  const layout = message.layout;
  if (layout.kind === "element") {
    const field = layout.field;
    content = w.complexElement(
      w.tag(field.name, field.ns),
      field.shape as ComplexShape | RefShape,
      "$body",
      encodingStyle,
    );
  } else {
    const id = w.macro(layout.shape);
    content =
      layout.wrapper === undefined
        ? `#c${id}($body)`
        : `<${w.tag(layout.wrapper.name, layout.wrapper.ns)}${encodingStyle}>#c${id}($body)</${w.tag(layout.wrapper.name, layout.wrapper.ns)}>`;
  }
  w.flush();
  const extraNs = options.encoded ? ` xmlns:xsd="${NS.xsd}" xmlns:soapenc="${NS.soapEncoding}"` : "";
  return [
    "## Generated by portico import (WSDL): the JSON body as a SOAP envelope.",
    ...w.macros,
    "#set($body = $input.path('$'))##",
    `<soapenv:Envelope xmlns:soapenv="${envNs}" xmlns:xsi="${NS.xsi}"${extraNs}${w.declarations()}><soapenv:Body>${content}</soapenv:Body></soapenv:Envelope>`,
  ].join("\n");
}
