import { getAttArgs } from "./intrinsics.ts";
import { parseSub, splitSubName } from "./sub.ts";
import { child, fail, intrinsicOf, isMapping, MAX_DEPTH } from "./values.ts";

/** A name a value refers to: by `Ref` or a `${name}` (a parameter or a resource), or by `Fn::GetAtt`. */
export interface Reference {
  name: string;
  /** `GetAtt` names a resource for certain; `Ref` may name a parameter too. */
  kind: "Ref" | "GetAtt";
  path: string;
}

/**
 * Every name a value refers to, as CloudFormation reads its dependencies: through `Ref`,
 * `Fn::GetAtt` and `Fn::Sub`, skipping the branch of each `Fn::If` its condition rules out.
 */
export function referencesIn(
  value: unknown,
  path: string,
  file: string,
  condition: (name: string, path: string) => boolean,
): Reference[] {
  const found: Reference[] = [];
  const walk = (v: unknown, at: string, depth: number): void => {
    if (depth > MAX_DEPTH) fail(file, at, `nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, child(at, i), depth + 1);
      });
      return;
    }
    if (!isMapping(v)) return;
    const fn = intrinsicOf(v, at, file);
    const arg = fn === undefined ? undefined : v[fn];
    switch (fn) {
      case undefined:
        for (const key of Object.keys(v)) walk(v[key], child(at, key), depth + 1);
        return;
      case "Ref":
        if (typeof arg === "string") found.push({ name: arg, kind: "Ref", path: at });
        return;
      case "Fn::GetAtt": {
        const { logicalId, attribute } = getAttArgs(arg);
        if (typeof logicalId === "string") found.push({ name: logicalId, kind: "GetAtt", path: at });
        walk(attribute, child(at, fn), depth + 1);
        return;
      }
      case "Fn::Sub": {
        const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof template !== "string") return;
        const local = isMapping(variables) ? variables : {};
        for (const part of parseSub(template)) {
          if (!("name" in part) || Object.hasOwn(local, part.name)) continue;
          const { logicalId, attribute } = splitSubName(part.name);
          found.push({ name: logicalId, kind: attribute === undefined ? "Ref" : "GetAtt", path: at });
        }
        walk(local, child(at, fn), depth + 1);
        return;
      }
      case "Fn::If":
        if (Array.isArray(arg) && arg.length === 3 && typeof arg[0] === "string") {
          const chosen = condition(arg[0], at) ? 1 : 2;
          walk(arg[chosen], child(child(at, fn), chosen), depth + 1);
        }
        return;
      default:
        walk(arg, child(at, fn), depth + 1);
    }
  };
  walk(value, path, 0);
  return found;
}

/**
 * The resources in an order that creates each after everything it needs (template order where
 * nothing decides), or CloudFormation's refusal naming a loop.
 */
export function creationOrder(
  ids: string[],
  needs: ReadonlyMap<string, readonly string[]>,
  file: string,
): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  // Recursion is bounded by the resource count, which readResources caps at CloudFormation's 500.
  const visit = (id: string): void => {
    const seen = state.get(id);
    if (seen === "done") return;
    if (seen === "visiting")
      fail(
        file,
        "Resources",
        `Circular dependency between resources: [${stack.slice(stack.indexOf(id)).join(", ")}]`,
      );
    state.set(id, "visiting");
    stack.push(id);
    for (const next of needs.get(id) ?? []) visit(next);
    stack.pop();
    state.set(id, "done");
    order.push(id);
  };
  for (const id of ids) visit(id);
  return order;
}
