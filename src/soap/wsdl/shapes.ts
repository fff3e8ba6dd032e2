/**
 * What a WSDL's messages look like, in between XSD and its two uses: the JSON schema of the
 * models, and the mapping templates that turn JSON into a SOAP envelope and a SOAP reply into JSON.
 * Named complex types are referred to by key (`RefShape`), so a recursive type is a cycle of
 * references, never an endless tree.
 */

export type JsonKind = "string" | "integer" | "number" | "boolean";

export interface ScalarShape {
  readonly kind: "scalar";
  readonly json: JsonKind;
  /** The XSD built-in it derives from (`int`), for `xsi:type` in rpc/encoded messages. */
  readonly xsdType: string;
  readonly format?: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly description?: string;
}

/** `xsd:anyType` and untyped elements: any JSON. */
export interface AnyShape {
  readonly kind: "any";
}

/** A named complex type (or a global element's anonymous one), by key in `ShapeSet.named`. */
export interface RefShape {
  readonly kind: "ref";
  readonly key: string;
}

export interface ElementField {
  /** The element's local name, which is also its JSON key. */
  readonly name: string;
  /** Its namespace; undefined for an unqualified local element (no namespace). */
  readonly ns: string | undefined;
  readonly min: number;
  /** Infinity for `maxOccurs="unbounded"`. */
  readonly max: number;
  readonly nillable: boolean;
  readonly shape: Shape;
}

export interface AttributeField {
  /** Local name; the JSON key is `@name`. */
  readonly name: string;
  readonly ns: string | undefined;
  readonly required: boolean;
  readonly shape: ScalarShape;
}

/** An XSD choice that must be taken: at least one branch's required fields must be present. */
export type ChoiceRule = readonly (readonly string[])[];

export interface ComplexShape {
  readonly kind: "complex";
  readonly fields: ElementField[];
  readonly attributes: AttributeField[];
  /** Simple content: the element's text, JSON key `#text`. */
  text?: ScalarShape;
  readonly choices: ChoiceRule[];
  /** Has `xsd:any`: elements the schema does not name may appear. */
  open: boolean;
  /** A SOAP-encoding array: the value is a JSON array of `fields[0]`, written as that element repeated. */
  soapArray?: boolean;
  readonly description?: string;
}

export type Shape = ScalarShape | AnyShape | RefShape | ComplexShape;

export interface NamedShape {
  readonly key: string;
  /** The XSD name it comes from, the seed of its model's name. */
  readonly hint: string;
  readonly shape: ComplexShape;
}

export const isComplex = (s: Shape): s is ComplexShape | RefShape => s.kind === "complex" || s.kind === "ref";
