import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Scalar,
  type Tags,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { TemplateError } from "./template-plan.ts";

/**
 * CloudFormation's short-form YAML tags, each read as the long form JSON writes (`!Ref X` →
 * `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`), so every later step sees one shape
 * whatever the template's format. The tags are `yaml`'s custom tags: no YAML is parsed by hand.
 */
const FUNCTIONS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "If",
  "Equals",
  "And",
  "Or",
  "Not",
  "ToJsonString",
  "Length",
] as const;

type Node = Scalar | YAMLMap | YAMLSeq;

const plain = (node: Node): unknown => node.toJSON();

function getAtt(node: Node): unknown {
  const value = plain(node);
  if (typeof value !== "string") return { "Fn::GetAtt": value };
  const dot = value.indexOf(".");
  return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
}

/** One tag for each of scalar, sequence and mapping content, as CloudFormation allows them. */
function tagsFor(tag: string, build: (node: Node) => unknown): Tags {
  return (["scalar", "seq", "map"] as const).map((nodeClass) => ({
    tag: `!${tag}`,
    collection: nodeClass === "scalar" ? undefined : nodeClass,
    resolve: (value: unknown) => build(value as Node),
    identify: () => false,
  })) as unknown as Tags;
}

function cloudFormationTags(): Tags {
  const tags: Tags = [];
  tags.push(...tagsFor("Ref", (n) => ({ Ref: plain(n) })));
  tags.push(...tagsFor("Condition", (n) => ({ Condition: plain(n) })));
  tags.push(...tagsFor("GetAtt", getAtt));
  for (const name of FUNCTIONS) tags.push(...tagsFor(name, (n) => ({ [`Fn::${name}`]: plain(n) })));
  return tags;
}

/** Scalars tagged `!Ref` arrive as their source string; collections as the yaml node itself. */
function asNode(value: unknown): Node {
  if (isScalar(value) || isMap(value) || isSeq(value)) return value;
  return { toJSON: () => value, value } as unknown as Scalar;
}

const TAGS = cloudFormationTags().map((t) => {
  const tag = t as unknown as { resolve: (v: unknown) => unknown };
  const build = tag.resolve;
  return { ...tag, resolve: (v: unknown) => build(asNode(v)) };
}) as unknown as Tags;

/**
 * A template file's text as a plain object: JSON, or YAML with CloudFormation's tags. A syntax error
 * or an unknown tag is refused with the file, line and column.
 */
export function parseTemplateText(text: string, file: string): Record<string, unknown> {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    customTags: TAGS,
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (problem !== undefined) {
    const at = lines.linePos(problem.pos[0]);
    const message =
      problem.code === "TAG_RESOLVE_FAILED"
        ? `unknown tag: ${problem.message}`
        : problem.message.split("\n")[0];
    throw new TemplateError(`${file}:${at.line}:${at.col}`, message ?? "not YAML or JSON");
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TemplateError(file, "a template is a mapping (Resources, Parameters, …); this file holds none");
  return value as Record<string, unknown>;
}
