import type { BoundOperation, MessagePart } from "./service-model.ts";
import type { ComplexShape, ElementField, Shape } from "./shapes.ts";
import type { ShapeBuilder } from "./xsd-complex.ts";

/**
 * An operation's messages as JSON bodies, and where those go in the SOAP Body:
 * - document style, one part whose element has complex content: the JSON body is that element's
 *   content (`{"a": 1, "b": 2}` for `<Add><a>1</a><b>2</b></Add>`) — the wrapped convention;
 * - document style otherwise: one JSON key per part element, the elements side by side in the Body;
 * - rpc style: one JSON key per part, inside the wrapper element the operation names (its output
 *   `{operation}Response`), parts unqualified as the SOAP 1.1 rpc rules have them.
 */

export type MessageLayout =
  | { readonly kind: "element"; readonly field: ElementField }
  | {
      readonly kind: "parts";
      readonly wrapper: { readonly name: string; readonly ns: string | undefined } | undefined;
      readonly shape: ComplexShape;
    };

export interface MessageShape {
  /** What the JSON body holds. */
  readonly body: Shape;
  readonly layout: MessageLayout;
}

export interface FaultShape {
  readonly name: string;
  /** The element the fault's detail carries; undefined when the WSDL gives none. */
  readonly field: ElementField | undefined;
}

export interface OperationShapes {
  readonly input: MessageShape;
  readonly output: MessageShape | undefined;
  readonly faults: readonly FaultShape[];
}

function partField(part: MessagePart, builder: ShapeBuilder, style: "document" | "rpc"): ElementField {
  if (part.element !== undefined) {
    const { component, shape } = builder.globalElement(part.element, part.at);
    return {
      // An rpc part is an accessor named after the part, whatever its element.
      name: style === "rpc" ? part.name : part.element.local,
      ns: style === "rpc" || part.element.ns === "" ? undefined : part.element.ns,
      min: 1,
      max: 1,
      nillable: component.el.attrs.get("nillable") === "true",
      shape,
    };
  }
  return {
    name: part.name,
    ns: undefined,
    min: 1,
    max: 1,
    nillable: false,
    shape: builder.typeRef(part.type!, part.at),
  };
}

function message(
  parts: readonly MessagePart[],
  op: BoundOperation,
  wrapperName: string,
  builder: ShapeBuilder,
  defaultNs: string,
): MessageShape {
  const fields = parts.map((p) => partField(p, builder, op.style));
  const shape: ComplexShape = { kind: "complex", fields, attributes: [], choices: [], open: false };
  if (op.style === "rpc") {
    const ns = op.namespace ?? defaultNs;
    return {
      body: shape,
      layout: { kind: "parts", wrapper: { name: wrapperName, ns: ns === "" ? undefined : ns }, shape },
    };
  }
  const only = fields.length === 1 ? fields[0]! : undefined;
  if (only !== undefined && (only.shape.kind === "complex" || only.shape.kind === "ref"))
    return { body: only.shape, layout: { kind: "element", field: only } };
  return { body: shape, layout: { kind: "parts", wrapper: undefined, shape } };
}

export function operationShapes(
  op: BoundOperation,
  builder: ShapeBuilder,
  defaultNs: string,
): OperationShapes {
  const shapes: OperationShapes = {
    input: message(op.input, op, op.name, builder, defaultNs),
    output:
      op.output === undefined ? undefined : message(op.output, op, `${op.name}Response`, builder, defaultNs),
    faults: op.faults.map((f) => ({
      name: f.name,
      field: f.part === undefined ? undefined : partField(f.part, builder, "document"),
    })),
  };
  builder.drain();
  return shapes;
}
