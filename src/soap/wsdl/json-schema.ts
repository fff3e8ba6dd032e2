import { ModelNames } from "./model-names.ts";
import type { ComplexShape, ElementField, NamedShape, ScalarShape, Shape } from "./shapes.ts";

/**
 * Shapes → JSON schema draft 4, the dialect of API Gateway models (a request validator checks bodies
 * against them). A named complex type becomes its own model, referred to as
 * `#/components/schemas/Name`, which the importer resolves to the API's model of that name; so a
 * recursive type is a model that refers to itself. Element content is the JSON value; attributes are
 * `@name` keys and simple content beside attributes is `#text`, as `$util.xmlToJson` writes them.
 */

export type JsonSchema = Record<string, unknown>;

const REF_PREFIX = "#/components/schemas/";
const MAX_ITEMS = 1000;

export class SchemaWriter {
  readonly names: ModelNames;
  private readonly named: ReadonlyMap<string, NamedShape>;
  private readonly modelOf = new Map<string, string>();
  private readonly models = new Map<string, JsonSchema>();
  private readonly queue: string[] = [];

  constructor(named: ReadonlyMap<string, NamedShape>, names: ModelNames = new ModelNames()) {
    this.named = named;
    this.names = names;
  }

  /** A model for a message body: a named shape's own schema, or the body inline. */
  addModel(name: string, shape: Shape, description?: string): void {
    const schema: JsonSchema = { title: name, ...this.schemaOf(shape) };
    if (description !== undefined) schema.description = description;
    this.models.set(name, schema);
    this.flush();
  }

  /** Every model written so far, the named types' included. */
  components(): Record<string, JsonSchema> {
    this.flush();
    return Object.fromEntries(this.models);
  }

  /** The model name a named shape gets (allocated the first time). */
  modelName(key: string): string {
    let name = this.modelOf.get(key);
    if (name === undefined) {
      name = this.names.allocate(this.named.get(key)?.hint ?? key);
      this.modelOf.set(key, name);
      this.queue.push(key);
    }
    return name;
  }

  private flush(): void {
    for (let key = this.queue.shift(); key !== undefined; key = this.queue.shift()) {
      const named = this.named.get(key);
      const name = this.modelOf.get(key)!;
      this.models.set(name, { title: name, ...(named === undefined ? {} : this.complex(named.shape)) });
    }
  }

  schemaOf(shape: Shape): JsonSchema {
    switch (shape.kind) {
      case "scalar":
        return scalar(shape);
      case "any":
        return {};
      case "ref":
        return { $ref: `${REF_PREFIX}${this.modelName(shape.key)}` };
      default:
        return this.complex(shape);
    }
  }

  private element(field: ElementField): JsonSchema {
    const schema = this.schemaOf(field.shape);
    if (!field.nillable) return schema;
    if (field.shape.kind === "scalar") return nullable(schema);
    return { anyOf: [schema, { type: "null" }] };
  }

  private property(field: ElementField): JsonSchema {
    if (field.max <= 1) return this.element(field);
    const array: JsonSchema = { type: "array", items: this.element(field) };
    if (field.min > 0) array.minItems = field.min;
    // A template's #foreach stops at 1,000 items (API Gateway's limit), so a longer list could only
    // be sent cut short: the validator refuses it instead.
    array.maxItems = Math.min(field.max, MAX_ITEMS);
    return array;
  }

  private complex(shape: ComplexShape): JsonSchema {
    if (shape.soapArray === true && shape.fields[0] !== undefined)
      return { type: "array", items: this.element(shape.fields[0]), maxItems: MAX_ITEMS };
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const a of shape.attributes) {
      properties[`@${a.name}`] = scalar(a.shape);
      if (a.required) required.push(`@${a.name}`);
    }
    if (shape.text !== undefined) properties["#text"] = scalar(shape.text);
    for (const f of shape.fields) {
      properties[f.name] = this.property(f);
      if (f.min >= 1) required.push(f.name);
    }
    const out: JsonSchema = { type: "object", properties };
    if (required.length > 0) out.required = required;
    if (!shape.open) out.additionalProperties = false;
    const choices = shape.choices.map((branches) => ({
      anyOf: branches.map((names) => ({ required: [...names] })),
    }));
    if (choices.length === 1) Object.assign(out, choices[0]);
    else if (choices.length > 1) out.allOf = choices;
    if (shape.description !== undefined) out.description = shape.description;
    return out;
  }
}

function enumValue(value: string, shape: ScalarShape): unknown {
  if (shape.json === "integer" || shape.json === "number") {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (shape.json === "boolean") return value === "true" || value === "1";
  return value;
}

function scalar(shape: ScalarShape): JsonSchema {
  const out: JsonSchema = { type: shape.json };
  if (shape.format !== undefined) out.format = shape.format;
  if (shape.enum !== undefined) out.enum = [...new Set(shape.enum.map((v) => enumValue(v, shape)))];
  if (shape.pattern !== undefined) out.pattern = shape.pattern;
  if (shape.minLength !== undefined) out.minLength = shape.minLength;
  if (shape.maxLength !== undefined) out.maxLength = shape.maxLength;
  if (shape.minimum !== undefined) out.minimum = shape.minimum;
  if (shape.maximum !== undefined) out.maximum = shape.maximum;
  if (shape.exclusiveMinimum === true) out.exclusiveMinimum = true;
  if (shape.exclusiveMaximum === true) out.exclusiveMaximum = true;
  if (shape.description !== undefined) out.description = shape.description;
  return out;
}

/** A scalar schema that also takes null (an element with `nillable="true"`). */
function nullable(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema, type: [schema.type, "null"] };
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}
