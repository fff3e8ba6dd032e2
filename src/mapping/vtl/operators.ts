import type { RenderBudget } from "./budget.ts";
import { velocityEquals } from "./equality.ts";
import { isNumber, JDouble, numeric, toJavaString } from "./values.ts";

/** Unary minus; null for anything that is not a number. */
export function negate(v: unknown): unknown {
  return isNumber(v) ? (typeof v === "number" ? -v : new JDouble(-v.value)) : null;
}

/**
 * A binary operator other than `&&` and `||` (which the renderer short-circuits), on values already
 * evaluated, as Velocity 1.7 computes it: integer arithmetic between integers, null for arithmetic on
 * anything that is not a number or for a division by zero.
 */
export function binaryOperation(op: string, a: unknown, b: unknown, budget: RenderBudget): unknown {
  if (op === "==") return velocityEquals(a, b, budget);
  if (op === "!=") return !velocityEquals(a, b, budget);
  if (op === "+" && (typeof a === "string" || typeof b === "string")) {
    if (a === null || a === undefined || b === null || b === undefined) return null;
    const x = toJavaString(a, budget);
    const y = toJavaString(b, budget);
    budget.hold(x.length + y.length);
    return x + y;
  }
  if (op === "<" || op === ">" || op === "<=" || op === ">=") {
    let cmp: number;
    if (isNumber(a) && isNumber(b)) cmp = numeric(a) - numeric(b);
    else if (typeof a === "string" && typeof b === "string") {
      budget.scan(Math.min(a.length, b.length));
      cmp = a < b ? -1 : a > b ? 1 : 0;
    } else return false;
    return op === "<" ? cmp < 0 : op === ">" ? cmp > 0 : op === "<=" ? cmp <= 0 : cmp >= 0;
  }
  if (!isNumber(a) || !isNumber(b)) return null;
  const ints = typeof a === "number" && typeof b === "number";
  const x = numeric(a);
  const y = numeric(b);
  let result: number;
  switch (op) {
    case "+":
      result = x + y;
      break;
    case "-":
      result = x - y;
      break;
    case "*":
      result = x * y;
      break;
    case "/":
      if (y === 0) return null;
      result = ints ? Math.trunc(x / y) : x / y;
      break;
    case "%":
      if (y === 0) return null;
      result = x % y;
      break;
    default:
      return null;
  }
  return ints ? result : new JDouble(result);
}
