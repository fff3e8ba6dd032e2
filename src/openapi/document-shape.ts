import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter } from "yaml";
import { importError } from "./errors.ts";

/**
 * How deep a document may nest. Every later step (structured clone to and from the import worker,
 * JSON for the store, schema compilation) handles this depth; beyond it they could overflow the stack.
 */
export const MAX_DEPTH = 1000;

/**
 * The first repeated key of any mapping, found in one pass with a set per mapping (yaml's own
 * `uniqueKeys` compares each key with every earlier one: quadratic in a 12 000-path `paths`).
 * Keys compare as yaml compares them: by scalar value.
 */
export function firstDuplicateKey(doc: Document, lines: LineCounter): string | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key)) {
          const id = `${typeof key.value}:${String(key.value)}`;
          if (seen.has(id)) {
            const at = key.range ? lines.linePos(key.range[0]) : undefined;
            const where = at ? ` at line ${at.line}, column ${at.col}` : "";
            return `Map keys must be unique${where}: ${String(key.value)}`;
          }
          seen.add(id);
        } else if (key !== null && !isAlias(key)) stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return undefined;
}

/**
 * Refuses a parsed value that later steps cannot carry: a cycle (a YAML alias inside its own
 * anchor) or nesting deeper than MAX_DEPTH, counting what aliases expand to. One pass: a node
 * shared through aliases is measured once.
 */
export function checkShape(root: unknown): void {
  if (typeof root !== "object" || root === null) return;
  const height = new Map<object, number>();
  const open = new Set<object>([root]);
  const frames: { node: object; children: unknown[]; next: number; tallest: number }[] = [
    { node: root, children: Object.values(root), next: 0, tallest: 0 },
  ];
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (typeof child !== "object" || child === null) continue;
      if (open.has(child))
        throw importError("Invalid OpenAPI input: the document has a recursive YAML alias");
      const known = height.get(child);
      if (known !== undefined) {
        if (frames.length + known > MAX_DEPTH) throw tooDeep();
        top.tallest = Math.max(top.tallest, known);
        continue;
      }
      if (frames.length >= MAX_DEPTH) throw tooDeep();
      open.add(child);
      frames.push({ node: child, children: Object.values(child), next: 0, tallest: 0 });
      continue;
    }
    frames.pop();
    open.delete(top.node);
    const h = top.tallest + 1;
    height.set(top.node, h);
    const parent = frames[frames.length - 1];
    if (parent) parent.tallest = Math.max(parent.tallest, h);
  }
}

/** Characters after which `[`, `{` or a quote open a token (elsewhere they are part of a plain scalar). */
const OPENS_AFTER = new Set([
  -1, 0x0a, 0x0d, 0x20, 0x09, 0x3a /* : */, 0x2d /* - */, 0x2c /* , */, 0x5b, 0x7b, 0x3f /* ? */,
]);

/**
 * Whether YAML/JSON text nests flow collections (`[`, `{`) deeper than `max`, in one pass over the
 * text: yaml's composer recurses per level and, past its stack, slows to tens of seconds on a
 * document of brackets, so such a document is refused before it is parsed. Quoted scalars and
 * comments are skipped; a bracket inside a plain scalar is not counted.
 */
export function flowNestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const opens = OPENS_AFTER.has(previous);
    if ((c === 0x22 || c === 0x27) && opens) {
      // A quoted scalar: to its closing quote ('' is an escaped quote in single-quoted YAML).
      for (i++; i < text.length; i++) {
        const q = text.charCodeAt(i);
        if (c === 0x22 && q === 0x5c) i++;
        else if (q === c) {
          if (c === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
          else break;
        }
      }
    } else if (
      c === 0x23 /* # */ &&
      (previous === -1 || previous === 0x20 || previous === 0x09 || previous === 0x0a)
    ) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end - 1;
    } else if ((c === 0x5b || c === 0x7b) && opens) {
      if (++depth > max) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
    previous = text.charCodeAt(i);
  }
  return false;
}

export const tooDeep = () =>
  importError(`Invalid OpenAPI input: the document nests more than ${MAX_DEPTH} levels deep`);
