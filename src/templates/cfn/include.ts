import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseTemplateText } from "../template-text.ts";
import { child, fail, isMapping, isUnsafeKey, MAX_DEPTH, type Mapping, shown } from "./values.ts";

/**
 * The template as our own copy, with every `AWS::Include` transform replaced by the file it names,
 * as CloudFormation inserts the snippet before it reads anything else. Copying first means nothing
 * later can change the caller's object, and a `__proto__` key never reaches an assignment.
 */
export interface CopyContext {
  /** The file the value came from, for error messages. */
  file: string;
  /** Where a relative Location resolves: the folder of the file holding the transform. */
  baseDir: string;
  /** Files being included, outermost first, to refuse a file that includes itself. */
  including: string[];
  /** Shared by every file of one template: a node budget against alias bombs and shared subtrees. */
  budget: { nodes: number; includes: number };
  skipped: (file: string, path: string) => void;
}

const MAX_NODES = 2_000_000;
const MAX_INCLUDES = 200;

export function newBudget(): CopyContext["budget"] {
  return { nodes: 0, includes: 0 };
}

/** A deep copy of a template value with its includes expanded. */
export function copyExpanding(value: unknown, path: string, depth: number, ctx: CopyContext): unknown {
  if (depth > MAX_DEPTH) fail(ctx.file, path, `nested more than ${MAX_DEPTH} levels deep`);
  if (++ctx.budget.nodes > MAX_NODES) fail(ctx.file, path, `the template has more than ${MAX_NODES} values`);
  if (Array.isArray(value))
    return value.map((item, i) => copyExpanding(item, child(path, i), depth + 1, ctx));
  if (!isMapping(value)) return value;
  const out: Mapping = {};
  let transform: unknown;
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key)) {
      ctx.skipped(ctx.file, child(path, key));
      continue;
    }
    if (key === "Fn::Transform") transform = value[key];
    else out[key] = copyExpanding(value[key], child(path, key), depth + 1, ctx);
  }
  if (transform === undefined) return out;
  const included = include(transform, child(path, "Fn::Transform"), depth, ctx);
  if (Object.keys(out).length === 0) return included;
  // Beside other keys the snippet's keys join them, as a snippet of resources joins `Resources`.
  if (!isMapping(included))
    fail(ctx.file, path, "a file included beside other keys must hold a mapping, to merge with them");
  for (const key of Object.keys(included)) {
    if (Object.hasOwn(out, key))
      fail(ctx.file, child(path, key), "is both in the template and in the file Fn::Transform includes");
    out[key] = included[key];
  }
  return out;
}

/** The file an `AWS::Include` transform names, read, parsed and expanded in turn. */
export function include(spec: unknown, path: string, depth: number, ctx: CopyContext): unknown {
  if (!isMapping(spec) || typeof spec.Name !== "string")
    fail(ctx.file, path, "Fn::Transform takes a mapping with a Name (AWS::Include) and Parameters");
  if (spec.Name !== "AWS::Include")
    fail(ctx.file, path, `the transform ${spec.Name} is a macro; Portico runs only AWS::Include`);
  const parameters = spec.Parameters;
  const location = isMapping(parameters) ? parameters.Location : undefined;
  if (typeof location !== "string" || location === "")
    fail(ctx.file, path, `AWS::Include needs Parameters.Location, a file path (got ${shown(location)})`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    fail(
      ctx.file,
      path,
      `AWS::Include Location ${location}: Portico reads included files from disk; use a local path, relative to the template's folder`,
    );
  const target = isAbsolute(location) ? location : resolve(ctx.baseDir, location);
  if (ctx.including.includes(target))
    fail(
      ctx.file,
      path,
      `AWS::Include of ${location} includes itself: ${[...ctx.including, target].join(" → ")}`,
    );
  if (++ctx.budget.includes > MAX_INCLUDES)
    fail(ctx.file, path, `more than ${MAX_INCLUDES} files included; is an include repeated in a loop?`);
  let text: string;
  try {
    text = readFileSync(target, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    fail(ctx.file, path, `AWS::Include cannot read ${target} (${reason})`);
  }
  const parsed = parseTemplateText(text, target);
  return copyExpanding(parsed, "", depth + 1, {
    ...ctx,
    file: target,
    baseDir: dirname(target),
    including: [...ctx.including, target],
  });
}

/**
 * The template with its nested `Fn::Transform: AWS::Include`s expanded and nothing else done, for a
 * transform that runs after them: CloudFormation evaluates macros "from the most deeply nested
 * outward to the most general" (template-macros, Macro evaluation order), so the SAM transform in
 * the Transform section sees an included DefinitionBody as written in its file, and applies Cors,
 * Auth and the rest to it. The top-level includes stay in `Transform`, for their place in the list.
 */
export function expandNestedIncludes(
  template: Mapping,
  file: string,
  baseDir: string,
  skipped: CopyContext["skipped"],
): Mapping {
  const ctx: CopyContext = { file, baseDir, including: [], budget: newBudget(), skipped };
  const out: Mapping = {};
  for (const key of Object.keys(template)) {
    if (key === "Transform") out[key] = template[key];
    else if (isUnsafeKey(key)) skipped(file, key);
    else out[key] = copyExpanding(template[key], key, 1, ctx);
  }
  return out;
}

/**
 * The template-level form, `Transform: {Name: AWS::Include, …}` (alone or in the Transform list):
 * the file's sections join the template's. Other transforms (the SAM one) are left to whoever ran them.
 */
export function expandTopLevelIncludes(template: Mapping, ctx: CopyContext): Mapping {
  const declared = template.Transform;
  const list = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
  const includes = list.filter((t) => isMapping(t));
  if (includes.length === 0) return template;
  const out: Mapping = { ...template };
  const rest = list.filter((t) => !isMapping(t));
  if (rest.length === 0) delete out.Transform;
  else out.Transform = rest;
  includes.forEach((spec, i) => {
    const included = include(spec, Array.isArray(declared) ? `Transform[${i}]` : "Transform", 0, ctx);
    if (!isMapping(included)) fail(ctx.file, "Transform", "a file included at the top level holds a mapping");
    for (const section of Object.keys(included)) {
      const mine = out[section];
      const theirs = included[section];
      if (isMapping(mine) && isMapping(theirs)) {
        for (const key of Object.keys(theirs)) {
          if (Object.hasOwn(mine, key))
            fail(ctx.file, child(section, key), "is both in the template and in the included file");
        }
        out[section] = { ...mine, ...theirs };
      } else if (mine === undefined) out[section] = theirs;
      else fail(ctx.file, section, "is both in the template and in the included file");
    }
  });
  return out;
}
