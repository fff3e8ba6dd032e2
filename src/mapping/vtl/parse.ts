import velocity from "velocityjs";
import { TemplateError } from "./errors.ts";

// biome-ignore lint/suspicious/noExplicitAny: velocityjs's parse tree is loosely typed
export type VtlNode = any;

const parseCache = new Map<string, VtlNode[]>();

/** Parses template text with velocityjs; a syntax error is a TemplateError with the parser's message. */
export function parseTemplate(text: string): VtlNode[] {
  try {
    return velocity.parse(text) as VtlNode[];
  } catch (err) {
    throw new TemplateError(
      "TEMPLATE_SYNTAX",
      `Invalid mapping template: ${(err as Error).message.split("\n")[0]}`,
    );
  }
}

/**
 * An interpolated string literal's parse tree. Its text is only known while rendering, so trees are
 * cached (up to a bound) rather than parsed on each evaluation.
 */
export function parseInterpolated(text: string): VtlNode[] {
  let nodes = parseCache.get(text);
  if (nodes === undefined) {
    nodes = parseTemplate(text);
    if (parseCache.size < 10_000) parseCache.set(text, nodes);
  }
  return nodes;
}
