import { RE2JS } from "re2js";

/**
 * Patterns that users write (selection patterns, identity validation expressions, a template's
 * `matches`/`replaceAll`/`split`) run against request data, so they run on RE2: matching takes time
 * linear in the input whatever the pattern, where a backtracking engine can be made to take hours
 * by a 30-character header. RE2's syntax is Java's, less backreferences and lookaround — which API
 * Gateway's own examples never use; a pattern that needs them is refused where it is defined.
 */
export type JavaPattern = RE2JS;

export class PatternSyntaxError extends Error {
  override readonly name = "PatternSyntaxError";
}

const compiled = new Map<string, JavaPattern>();
const KEEP = 512;
// Templates may build patterns from request data: only short ones are remembered, so the cache
// holds at most KEEP × KEEP_CHARS of pattern source however the patterns are made.
const KEEP_CHARS = 1024;

/** The pattern compiled (and remembered: templates compile the same few again and again). */
export function javaPattern(source: string): JavaPattern {
  let pattern = compiled.get(source);
  if (pattern !== undefined) return pattern;
  try {
    pattern = RE2JS.compile(source);
  } catch (e) {
    throw new PatternSyntaxError((e as Error).message);
  }
  if (source.length > KEEP_CHARS) return pattern;
  if (compiled.size >= KEEP) compiled.delete(compiled.keys().next().value as string);
  compiled.set(source, pattern);
  return pattern;
}

/** Why `source` cannot be used as a pattern, or undefined when it can. */
export function patternProblem(source: string): string | undefined {
  try {
    javaPattern(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Java's `String.matches`: the whole input. */
export const matchesWhole = (source: string, input: string): boolean =>
  javaPattern(source).matcher(input).matches();

/** Java's `Matcher.find`: anywhere in the input. */
export const findsIn = (source: string, input: string): boolean => javaPattern(source).matcher(input).find();
