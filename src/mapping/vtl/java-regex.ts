import type { Matcher } from "re2js";
import { type JavaPattern, javaPattern, PatternSyntaxError } from "../../regex/java-pattern.ts";
import { type RenderBudget, SLOT_BYTES } from "./budget.ts";
import { TemplateError } from "./errors.ts";

/**
 * Java's regex methods on String (`matches`, `replaceAll`, `replaceFirst`, `split`), on RE2: time
 * linear in the input whatever the pattern, where a backtracking engine can be held for minutes by
 * one request. Linear is still input × pattern: RE2's NFA can touch every instruction of the program
 * for every character (about a step's time each in re2js), so that product is what a call spends.
 */

function compile(source: string, budget: RenderBudget): JavaPattern {
  budget.step(1 + source.length);
  try {
    const pattern = javaPattern(source);
    budget.step(pattern.programSize());
    return pattern;
  } catch (err) {
    // Java would throw PatternSyntaxException; for RE2 also backreferences and lookaround.
    if (err instanceof PatternSyntaxError)
      throw new TemplateError("TEMPLATE_RUNTIME", `Mapping template pattern cannot be used: ${err.message}`);
    throw err;
  }
}

const run = (pattern: JavaPattern, input: string, budget: RenderBudget, perChar = 1): void =>
  budget.step(1 + input.length * pattern.programSize() * perChar);

export function javaMatches(s: string, regex: string, budget: RenderBudget): boolean {
  const pattern = compile(regex, budget);
  run(pattern, s, budget);
  return pattern.matcher(s).matches();
}

/** `replaceAll`/`replaceFirst`, with Java's replacement syntax (`$1`, `${name}`, `\$`). */
export function javaReplace(
  s: string,
  regex: string,
  replacement: string,
  all: boolean,
  budget: RenderBudget,
): string {
  const pattern = compile(regex, budget);
  const literal = !replacement.includes("$") && !replacement.includes("\\");
  // Reading a group re-runs the match with every capture tracked: a cost per group.
  run(pattern, s, budget, literal ? 1 : 1 + pattern.groupCount());
  const m = pattern.matcher(s);
  const parts: string[] = [];
  let last = 0;
  while (m.find()) {
    budget.step();
    const start = m.start();
    const piece = literal ? replacement : expand(replacement, m, pattern.groupCount());
    budget.hold(start - last + piece.length);
    parts.push(s.slice(last, start), piece);
    last = m.end();
    if (!all) break;
  }
  budget.hold(s.length - last);
  parts.push(s.slice(last));
  return parts.join("");
}

/** Java's Matcher.appendReplacement rules; a bad reference throws, as Java does. */
function expand(replacement: string, m: Matcher, groupCount: number): string {
  let out = "";
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    if (c === "\\") {
      if (i + 1 >= replacement.length) throw new Error("character to be escaped is missing");
      out += replacement[i + 1];
      i += 2;
    } else if (c === "$") {
      i++;
      if (replacement[i] === "{") {
        const close = replacement.indexOf("}", i);
        if (close === -1) throw new Error("named capturing group is missing trailing '}'");
        out += m.group(replacement.slice(i + 1, close)) ?? "";
        i = close + 1;
        continue;
      }
      const first = replacement.charCodeAt(i) - 48;
      if (!(first >= 0 && first <= 9)) throw new Error("Illegal group reference");
      if (first > groupCount) throw new Error(`No group ${first}`);
      let group = first;
      i++;
      // Java takes further digits while they still name an existing group.
      while (i < replacement.length) {
        const d = replacement.charCodeAt(i) - 48;
        if (!(d >= 0 && d <= 9) || group * 10 + d > groupCount) break;
        group = group * 10 + d;
        i++;
      }
      out += m.group(group) ?? "";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** `split(regex[, limit])`: limit 0 drops trailing empty strings, as Java does. */
export function javaSplit(s: string, regex: string, limit: number, budget: RenderBudget): string[] {
  const pattern = compile(regex, budget);
  run(pattern, s, budget);
  const parts = pattern.split(s, limit);
  budget.hold(s.length + SLOT_BYTES * parts.length);
  return parts;
}
