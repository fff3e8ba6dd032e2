import type { RenderBudget } from "./budget.ts";
import { TemplateError } from "./errors.ts";
import { isHostObject } from "./host-object.ts";
import { callJavaMethod, NO_METHOD } from "./java-methods.ts";
import { isNumber, JMap, numeric, toJavaString } from "./values.ts";

/** A reference's `.name`, on a map, a host object or a Java value; null when there is none. */
export function propertyOf(target: unknown, name: string, budget: RenderBudget): unknown {
  if (target instanceof JMap) return target.get(name) ?? null;
  if (isHostObject(target)) return target.get(name);
  // Velocity's property lookup: getName(), then isName().
  const cap = name.charAt(0).toUpperCase() + name.slice(1);
  for (const candidate of [`get${cap}`, `is${cap}`]) {
    const r = callJavaMethod(target, candidate, [], budget);
    if (r !== NO_METHOD) return r;
  }
  return null;
}

/** A reference's `[key]`: a list's item by number, a map's or host object's entry by text. */
export function elementAt(target: unknown, key: unknown, budget: RenderBudget): unknown {
  if (Array.isArray(target) && isNumber(key)) {
    const i = numeric(key);
    return i >= 0 && i < target.length ? target[i] : null;
  }
  if (target instanceof JMap) return target.get(toJavaString(key, budget)) ?? null;
  if (isHostObject(target)) return target.get(toJavaString(key, budget));
  return null;
}

/** A reference's `.name(args)`; null when there is no such method. */
export function callMethod(target: unknown, name: string, args: unknown[], budget: RenderBudget): unknown {
  try {
    const r = isHostObject(target)
      ? target.call(name, args, budget)
      : callJavaMethod(target, name, args, budget);
    return r === NO_METHOD ? null : r;
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    // A Java exception inside a method call: Velocity renders the reference as null.
    return null;
  }
}
