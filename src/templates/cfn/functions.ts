import type { Scope } from "./scope.ts";
import { asString, child, fail, fresh, isMapping, NO_VALUE, own, shown } from "./values.ts";

/** Evaluates an argument (already at the argument's path); NO_VALUE is refused where a value is needed. */
export type Argument = (value: unknown, path: string) => unknown;

/**
 * The intrinsic functions that compute a value from their arguments alone (and the Mappings):
 * no references, so they behave the same in Conditions, Resources and Outputs.
 */
export type Computation = (arg: unknown, path: string, scope: Scope, evaluate: Argument) => unknown;

function stringArg(fn: string, value: unknown, path: string, scope: Scope, what: string): string {
  const text = asString(value);
  if (text === undefined) fail(scope.file, path, `${fn}: ${what} must be a string, not ${shown(value)}`);
  return text;
}

function listArg(fn: string, value: unknown, path: string, scope: Scope, what: string): unknown[] {
  if (!Array.isArray(value)) fail(scope.file, path, `${fn}: ${what} must be a list, not ${shown(value)}`);
  return value;
}

/** An argument list of `count` items, as CloudFormation's `[a, b]` forms take them. */
function args(fn: string, arg: unknown, count: number | number[], path: string, scope: Scope): unknown[] {
  const counts = typeof count === "number" ? [count] : count;
  if (!Array.isArray(arg) || !counts.includes(arg.length))
    fail(scope.file, path, `${fn} takes a list of ${counts.join(" or ")} items, not ${shown(arg)}`);
  return arg;
}

const join: Computation = (arg, path, scope, evaluate) => {
  const [delimiter, list] = args("Fn::Join", arg, 2, path, scope);
  const d = stringArg("Fn::Join", evaluate(delimiter, child(path, 0)), path, scope, "the delimiter");
  const items = listArg("Fn::Join", evaluate(list, child(path, 1)), child(path, 1), scope, "the values");
  return items
    .map((item, i) => stringArg("Fn::Join", item, child(child(path, 1), i), scope, "each value"))
    .join(d);
};

const select: Computation = (arg, path, scope, evaluate) => {
  const [index, list] = args("Fn::Select", arg, 2, path, scope);
  const raw = stringArg("Fn::Select", evaluate(index, child(path, 0)), path, scope, "the index");
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 0)
    fail(scope.file, path, `Fn::Select: the index must be a whole number, not ${shown(raw)}`);
  const items = listArg("Fn::Select", evaluate(list, child(path, 1)), child(path, 1), scope, "the values");
  if (n >= items.length)
    fail(scope.file, path, `Template error: Fn::Select cannot select nonexistent value at index ${n}`);
  return items[n];
};

const split: Computation = (arg, path, scope, evaluate) => {
  const [delimiter, source] = args("Fn::Split", arg, 2, path, scope);
  const d = stringArg("Fn::Split", evaluate(delimiter, child(path, 0)), path, scope, "the delimiter");
  if (d === "") fail(scope.file, path, "Fn::Split: the delimiter must not be empty");
  return stringArg("Fn::Split", evaluate(source, child(path, 1)), path, scope, "the source").split(d);
};

const base64: Computation = (arg, path, scope, evaluate) =>
  Buffer.from(stringArg("Fn::Base64", evaluate(arg, path), path, scope, "the value"), "utf8").toString(
    "base64",
  );

const getAZs: Computation = (arg, path, scope, evaluate) => {
  const given = stringArg("Fn::GetAZs", evaluate(arg, path), path, scope, "the region");
  const region = given === "" ? scope.region : given;
  // Three zones, a to c, as most regions have: enough for templates that spread over two or three.
  return ["a", "b", "c"].map((zone) => `${region}${zone}`);
};

const length: Computation = (arg, path, scope, evaluate) =>
  listArg("Fn::Length", evaluate(arg, path), path, scope, "the value").length;

const toJsonString: Computation = (arg, path, scope, evaluate) => {
  const value = evaluate(arg, path);
  if (value === null || typeof value !== "object")
    fail(scope.file, path, `Fn::ToJsonString takes a mapping or a list, not ${shown(value)}`);
  return JSON.stringify(value);
};

const findInMap: Computation = (arg, path, scope, evaluate) => {
  const list = args("Fn::FindInMap", arg, [3, 4], path, scope);
  const [name, top, second] = [0, 1, 2].map((i) =>
    stringArg("Fn::FindInMap", evaluate(list[i], child(path, i)), child(path, i), scope, "each key"),
  ) as [string, string, string];
  const options = list[3];
  const fallback =
    isMapping(options) && Object.hasOwn(options, "DefaultValue") ? options.DefaultValue : undefined;
  const mapping = own(scope.mappings, name);
  if (!isMapping(mapping))
    fail(
      scope.file,
      path,
      `Template error: Mapping named '${name}' is not present in the 'Mappings' section of template.`,
    );
  const level = own(mapping, top);
  const value = isMapping(level) ? own(level, second) : undefined;
  if (value !== undefined) return fresh(value);
  if (fallback !== undefined) return evaluate(fallback, child(child(path, 3), "DefaultValue"));
  return fail(scope.file, path, `Template error: Unable to get mapping for ${name}::${top}::${second}`);
};

const importValue: Computation = (_arg, path, scope) =>
  fail(
    scope.file,
    path,
    "Fn::ImportValue reads another stack's exports, and Portico runs one stack: pass the value as a parameter instead",
  );

export const COMPUTATIONS: ReadonlyMap<string, Computation> = new Map([
  ["Fn::Join", join],
  ["Fn::Select", select],
  ["Fn::Split", split],
  ["Fn::Base64", base64],
  ["Fn::GetAZs", getAZs],
  ["Fn::Length", length],
  ["Fn::ToJsonString", toJsonString],
  ["Fn::FindInMap", findInMap],
  ["Fn::ImportValue", importValue],
]);

/** NO_VALUE where a function needs a value is a template error, not a silent hole. */
export function needed(value: unknown, path: string, scope: Scope): unknown {
  if (value === NO_VALUE)
    fail(
      scope.file,
      path,
      "AWS::NoValue removes a property or list item; it is not a value a function can use",
    );
  return value;
}
