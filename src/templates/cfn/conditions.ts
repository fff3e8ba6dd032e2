import { child, fail, isMapping, MAX_DEPTH, type Mapping, shown } from "./values.ts";

/** Evaluates an `Fn::Equals` operand (Ref of a parameter, Fn::FindInMap, Fn::Sub, …). */
export type Operand = (value: unknown, path: string) => unknown;

/** Scalars compare as the strings CloudFormation sees (`!Ref Count` is "3", YAML's `3` is 3). */
function comparable(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The Conditions section, each condition evaluated once when first asked for, so a condition no
 * resource uses never fails the template, and a condition naming itself, directly or not, is refused.
 */
export class Conditions {
  readonly #section: Mapping;
  readonly #file: string;
  readonly #operand: Operand;
  readonly #values = new Map<string, boolean>();
  readonly #evaluating: string[] = [];

  constructor(section: unknown, file: string, operand: Operand) {
    if (section !== undefined && section !== null && !isMapping(section))
      fail(file, "Conditions", "Template format error: Conditions must be a mapping of names to conditions");
    this.#section = section ?? {};
    this.#file = file;
    this.#operand = operand;
  }

  /** Whether `name` holds; `from` is where it is named, for the error when it does not exist. */
  isTrue(name: string, from: string): boolean {
    const known = this.#values.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(this.#section, name))
      fail(this.#file, from, `Template format error: Unresolved condition dependency ${name}`);
    const loop = this.#evaluating.indexOf(name);
    if (loop >= 0)
      fail(
        this.#file,
        "Conditions",
        `Circular dependency between conditions: [${this.#evaluating.slice(loop).join(", ")}]`,
      );
    this.#evaluating.push(name);
    const value = this.#test(this.#section[name], child("Conditions", name), 0);
    this.#evaluating.pop();
    this.#values.set(name, value);
    return value;
  }

  /** Every declared condition evaluated, for templates whose errors should show before any resource. */
  all(): Map<string, boolean> {
    for (const name of Object.keys(this.#section)) this.isTrue(name, child("Conditions", name));
    return new Map(this.#values);
  }

  #test(expr: unknown, path: string, depth: number): boolean {
    if (depth > MAX_DEPTH) fail(this.#file, path, `nested more than ${MAX_DEPTH} levels deep`);
    const keys = isMapping(expr) ? Object.keys(expr) : [];
    if (!isMapping(expr) || keys.length !== 1)
      fail(
        this.#file,
        path,
        `a condition is one of Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, not ${shown(expr)}`,
      );
    const fn = keys[0]!;
    const arg = expr[fn];
    const at = child(path, fn);
    const list = (min: number, max: number): unknown[] => {
      if (!Array.isArray(arg) || arg.length < min || arg.length > max)
        fail(this.#file, at, `${fn} takes a list of ${min === max ? min : `${min} to ${max}`} items`);
      return arg;
    };
    switch (fn) {
      case "Fn::Equals": {
        const [a, b] = list(2, 2).map((v, i) => comparable(this.#operand(v, child(at, i))));
        return a === b;
      }
      case "Fn::And":
        return list(2, 10).every((c, i) => this.#test(c, child(at, i), depth + 1));
      case "Fn::Or":
        return list(2, 10).some((c, i) => this.#test(c, child(at, i), depth + 1));
      case "Fn::Not":
        return !this.#test(list(1, 1)[0], child(at, 0), depth + 1);
      case "Condition":
        if (typeof arg !== "string") fail(this.#file, at, "Condition takes a condition's name");
        return this.isTrue(arg, at);
      default:
        return fail(
          this.#file,
          path,
          `${fn} is not a condition function (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition)`,
        );
    }
  }
}
