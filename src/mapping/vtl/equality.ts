import type { RenderBudget } from "./budget.ts";
import { TemplateError } from "./errors.ts";
import { isNumber, JDouble, JMap, MAX_NESTING, numeric, toJavaString } from "./values.ts";

/**
 * Velocity 1.7's `==`: numbers by value whatever their type; values of one class by Java's
 * `equals`; anything else by comparing the two `toString()`s. Null is API Gateway's: it equals null
 * and also the empty string, as it prints as one (AWS-BEHAVIOUR.md §12.5, recorded).
 */
export function velocityEquals(a: unknown, b: unknown, budget: RenderBudget): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return (aNull && bNull) || a === "" || b === "";
  if (isNumber(a) && isNumber(b)) return numeric(a) === numeric(b);
  if (sameClass(a, b)) return javaObjectEquals(a, b, budget);
  const x = toJavaString(a, budget);
  const y = toJavaString(b, budget);
  budget.scan(Math.min(x.length, y.length));
  return x === y;
}

const sameClass = (a: unknown, b: unknown): boolean =>
  (typeof a === typeof b && typeof a !== "object") ||
  (Array.isArray(a) && Array.isArray(b)) ||
  (a instanceof JMap && b instanceof JMap) ||
  (a instanceof JDouble && b instanceof JDouble);

/**
 * Java's `equals` (List.contains, Map.containsValue, `==` on one class): an Integer never equals a
 * Double, lists element by element, maps entry by entry. Each element visited is a step, so comparing
 * two structures that are large only by sharing (a list holding itself twice, thirty levels deep)
 * runs out of budget instead of running for minutes; identical references are equal at once, as
 * Java's collections check first.
 */
export function javaObjectEquals(a: unknown, b: unknown, budget: RenderBudget, depth = 0): boolean {
  if (a === b) return true;
  budget.step();
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === "string" && typeof b === "string") {
    budget.scan(Math.min(a.length, b.length));
    return a === b;
  }
  if (a instanceof JDouble && b instanceof JDouble) return Object.is(a.value, b.value);
  if (depth > MAX_NESTING)
    throw new TemplateError("TEMPLATE_RUNTIME", "Mapping template value nests too deeply");
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaObjectEquals(a[i], b[i], budget, depth + 1)) return false;
    return true;
  }
  if (a instanceof JMap && b instanceof JMap) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !javaObjectEquals(v, b.get(k), budget, depth + 1)) return false;
    }
    return true;
  }
  return false;
}
