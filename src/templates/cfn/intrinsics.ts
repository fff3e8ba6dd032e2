import { COMPUTATIONS, needed } from "./functions.ts";
import type { Scope } from "./scope.ts";
import { parseSub, splitSubName } from "./sub.ts";
import {
  asString,
  child,
  fail,
  intrinsicOf,
  isMapping,
  isUnsafeKey,
  MAX_DEPTH,
  type Mapping,
  NO_VALUE,
  shown,
} from "./values.ts";

const CONDITION_FUNCTIONS = new Set(["Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"]);
/** CloudFormation functions Portico knows of but does not evaluate. */
const UNSUPPORTED = new Set(["Fn::Cidr", "Fn::ForEach", "Fn::GetStackOutput"]);

/**
 * A template value with every intrinsic function evaluated, anywhere in it (an OpenAPI body's
 * `x-amazon-apigateway-integration.uri` as much as a property). NO_VALUE for `Ref: AWS::NoValue`;
 * mappings and lists drop the keys and items that evaluate to it. The input is never changed.
 */
export function evaluate(value: unknown, path: string, scope: Scope, depth = 0): unknown {
  if (depth > MAX_DEPTH) fail(scope.file, path, `nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const v = evaluate(item, child(path, i), scope, depth + 1);
      if (v !== NO_VALUE) out.push(v);
    });
    return out;
  }
  if (!isMapping(value)) return value;
  const fn = intrinsicOf(value, path, scope.file);
  if (fn !== undefined) return call(fn, value[fn], path, scope, depth);
  const out: Mapping = {};
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key)) continue;
    const v = evaluate(value[key], child(path, key), scope, depth + 1);
    if (v !== NO_VALUE) out[key] = v;
  }
  return out;
}

function call(fn: string, arg: unknown, path: string, scope: Scope, depth: number): unknown {
  const argPath = child(path, fn);
  const inner = (value: unknown, at: string) => needed(evaluate(value, at, scope, depth + 2), at, scope);
  switch (fn) {
    case "Ref":
      if (typeof arg !== "string") fail(scope.file, path, `Ref takes a name, not ${shown(arg)}`);
      return scope.ref(arg, path);
    case "Fn::GetAtt":
      return getAtt(arg, path, scope, inner);
    case "Fn::Sub":
      return sub(arg, path, scope, inner);
    case "Fn::If":
      return branch(arg, path, scope, depth);
  }
  const computation = COMPUTATIONS.get(fn);
  if (computation !== undefined) return computation(arg, argPath, scope, inner);
  if (CONDITION_FUNCTIONS.has(fn))
    fail(scope.file, path, `${fn} can only be used in the Conditions section (Fn::If names a condition)`);
  if (UNSUPPORTED.has(fn)) fail(scope.file, path, `${fn} is not supported by Portico`);
  return fail(scope.file, path, `unknown intrinsic function ${fn}`);
}

/** `Fn::GetAtt: [Res, Attr]` or `"Res.Attr"`; the attribute may itself be a `Ref`. */
export function getAttArgs(arg: unknown): { logicalId: unknown; attribute: unknown } {
  if (typeof arg === "string") {
    const { logicalId, attribute } = splitSubName(arg);
    return { logicalId, attribute };
  }
  if (Array.isArray(arg) && arg.length === 2) return { logicalId: arg[0], attribute: arg[1] };
  return { logicalId: undefined, attribute: undefined };
}

function getAtt(
  arg: unknown,
  path: string,
  scope: Scope,
  inner: (v: unknown, at: string) => unknown,
): unknown {
  const { logicalId, attribute } = getAttArgs(arg);
  if (typeof logicalId !== "string" || attribute === undefined)
    fail(
      scope.file,
      path,
      `Fn::GetAtt takes [LogicalId, Attribute] or "LogicalId.Attribute", not ${shown(arg)}`,
    );
  const name = asString(inner(attribute, child(child(path, "Fn::GetAtt"), 1)));
  if (name === undefined || name === "") fail(scope.file, path, "Fn::GetAtt: the attribute must be a name");
  return scope.getAtt(logicalId, name, path);
}

function sub(arg: unknown, path: string, scope: Scope, inner: (v: unknown, at: string) => unknown): string {
  const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof template !== "string" || !isMapping(variables) || (Array.isArray(arg) && arg.length !== 2))
    fail(scope.file, path, `Fn::Sub takes a string, or [string, {variables}], not ${shown(arg)}`);
  const values = new Map<string, unknown>();
  for (const key of Object.keys(variables))
    values.set(key, inner(variables[key], child(child(child(path, "Fn::Sub"), 1), key)));
  let out = "";
  for (const part of parseSub(template)) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    let value: unknown;
    if (values.has(part.name)) value = values.get(part.name);
    else {
      const { logicalId, attribute } = splitSubName(part.name);
      value = attribute === undefined ? scope.ref(logicalId, path) : scope.getAtt(logicalId, attribute, path);
    }
    const text = asString(needed(value, path, scope));
    if (text === undefined)
      fail(
        scope.file,
        path,
        `Fn::Sub: \${${part.name}} is ${shown(value)}, not a string (join a list with Fn::Join)`,
      );
    out += text;
  }
  return out;
}

function branch(arg: unknown, path: string, scope: Scope, depth: number): unknown {
  if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string")
    fail(scope.file, path, `Fn::If takes [ConditionName, valueIfTrue, valueIfFalse], not ${shown(arg)}`);
  const chosen = scope.condition(arg[0], path) ? 1 : 2;
  return evaluate(arg[chosen], child(child(path, "Fn::If"), chosen), scope, depth + 2);
}
