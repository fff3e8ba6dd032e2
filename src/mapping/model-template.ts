/**
 * GetModelTemplate: a sample mapping template that builds a payload in a model's shape from the
 * input, as API Gateway generates one (`#set($inputRoot = $input.path('$'))`, then one line per
 * property: strings quoted, numbers and booleans bare, objects nested, arrays as a `#foreach`).
 * A starting point the user edits, not a contract: it covers the schema's `properties`, `items` and
 * `$ref`s to other models of the API (by name, `#/definitions/X` or the model URL form).
 */
export function modelTemplate(schemaText: string, models: (name: string) => string | undefined): string {
  const schema = parse(schemaText);
  const lines = ["#set($inputRoot = $input.path('$'))"];
  lines.push(render(schema, "$inputRoot", 0, models, new Set()));
  return `${lines.join("\n")}\n`;
}

type Schema = Record<string, unknown>;

function parse(text: string | undefined): Schema {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema) : {};
  } catch {
    return {};
  }
}

const MAX_DEPTH = 16;

function resolve(schema: Schema, models: (name: string) => string | undefined, seen: Set<string>) {
  const ref = schema.$ref;
  if (typeof ref !== "string") return { schema, seen };
  const name = /([^/]+)$/.exec(ref)?.[1];
  // A model that refers to itself (directly or not) is drawn once; the repeat is left empty.
  if (name === undefined || seen.has(name)) return { schema: {}, seen };
  return { schema: parse(models(name)), seen: new Set([...seen, name]) };
}

function typeOf(schema: Schema): string {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return String(t.find((x) => x !== "null") ?? "string");
  if (typeof schema.properties === "object") return "object";
  if (schema.items !== undefined) return "array";
  return "string";
}

function render(
  raw: Schema,
  path: string,
  depth: number,
  models: (name: string) => string | undefined,
  seenIn: Set<string>,
): string {
  const { schema, seen } = resolve(raw, models, seenIn);
  const pad = "  ".repeat(depth);
  if (depth > MAX_DEPTH) return '""';
  switch (typeOf(schema)) {
    case "object": {
      const props = Object.entries(
        typeof schema.properties === "object" && schema.properties !== null ? schema.properties : {},
      );
      if (props.length === 0) return "{}";
      const inner = props.map(([name, sub]) => {
        const value = render(asSchema(sub), `${path}.${vtlName(name)}`, depth + 1, models, seen);
        return `${pad}  ${JSON.stringify(name)} : ${value}`;
      });
      return `{\n${inner.join(",\n")}\n${pad}}`;
    }
    case "array": {
      const elem = `$elem${depth}`;
      const item = render(asSchema(schema.items), elem, depth + 1, models, seen);
      return `[\n#foreach(${elem} in ${path})\n${pad}  ${item}#if($foreach.hasNext),#end\n#end\n${pad}]`;
    }
    case "integer":
    case "number":
    case "boolean":
      return path;
    default:
      return `"${path}"`;
  }
}

const asSchema = (v: unknown): Schema =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Schema) : {};

/** A property name as a Velocity reference reads it: `$x.name` when it can, else `$x.get('na-me')`. */
function vtlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `get('${name.replaceAll("'", "''")}')`;
}
