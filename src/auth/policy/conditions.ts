import { BlockList, isIP } from "node:net";
import { PolicyError } from "./policy-error.ts";
import { wildcardMatcher } from "./wildcard.ts";

/**
 * IAM condition operators, compiled once: String*, Numeric*, Date*, Bool, IpAddress/NotIpAddress
 * (IPv4 and IPv6 CIDRs, via node:net's BlockList), Arn*, Null, the `…IfExists` suffix and the
 * `ForAnyValue:`/`ForAllValues:` set prefixes. Semantics from AWS's IAM reference: keys in one
 * operator are ANDed, values of one key ORed; a missing key fails the test unless the operator is
 * negated, `…IfExists` or `Null`.
 */

export type RequestContextValues = Readonly<Record<string, string | readonly string[] | undefined>>;
type Test = (ctx: RequestContextValues) => boolean;

type ValueTest = (actual: string, expected: readonly string[]) => boolean;

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

function compare(parse: (s: string) => number, ok: (a: number, b: number) => boolean): ValueTest {
  return (actual, expected) => {
    const a = parse(actual);
    return !Number.isNaN(a) && expected.some((e) => ok(a, parse(e)));
  };
}

function ipTest(expected: readonly string[]): ValueTest {
  const list = new BlockList();
  for (const cidr of expected) {
    const [addr, bits] = cidr.split("/");
    const family = isIP(addr ?? "");
    if (family === 0) throw new PolicyError(`Invalid CIDR ${cidr} in IpAddress condition`);
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new PolicyError(`Invalid CIDR ${cidr} in IpAddress condition`);
    }
    list.addSubnet(addr!, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return (actual) => {
    const ip = actual.startsWith("::ffff:") && isIP(actual.slice(7)) === 4 ? actual.slice(7) : actual;
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? "ipv4" : "ipv6");
  };
}

interface OperatorSpec {
  negated: boolean;
  build(expected: readonly string[]): ValueTest;
}

const like =
  (ignoreCase: boolean): OperatorSpec["build"] =>
  (expected) => {
    const matchers = expected.map((e) => wildcardMatcher(e, ignoreCase));
    return (actual) => matchers.some((m) => m(actual));
  };

const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: { negated: false, build: () => (a, e) => e.includes(a) },
  StringNotEquals: { negated: true, build: () => (a, e) => e.includes(a) },
  StringEqualsIgnoreCase: {
    negated: false,
    build: () => (a, e) => e.some((x) => x.toLowerCase() === a.toLowerCase()),
  },
  StringNotEqualsIgnoreCase: {
    negated: true,
    build: () => (a, e) => e.some((x) => x.toLowerCase() === a.toLowerCase()),
  },
  StringLike: { negated: false, build: like(false) },
  StringNotLike: { negated: true, build: like(false) },
  NumericEquals: { negated: false, build: () => compare(num, (a, b) => a === b) },
  NumericNotEquals: { negated: true, build: () => compare(num, (a, b) => a === b) },
  NumericLessThan: { negated: false, build: () => compare(num, (a, b) => a < b) },
  NumericLessThanEquals: { negated: false, build: () => compare(num, (a, b) => a <= b) },
  NumericGreaterThan: { negated: false, build: () => compare(num, (a, b) => a > b) },
  NumericGreaterThanEquals: { negated: false, build: () => compare(num, (a, b) => a >= b) },
  DateEquals: { negated: false, build: () => compare(date, (a, b) => a === b) },
  DateNotEquals: { negated: true, build: () => compare(date, (a, b) => a === b) },
  DateLessThan: { negated: false, build: () => compare(date, (a, b) => a < b) },
  DateLessThanEquals: { negated: false, build: () => compare(date, (a, b) => a <= b) },
  DateGreaterThan: { negated: false, build: () => compare(date, (a, b) => a > b) },
  DateGreaterThanEquals: { negated: false, build: () => compare(date, (a, b) => a >= b) },
  Bool: { negated: false, build: () => (a, e) => e.some((x) => x.toLowerCase() === a.toLowerCase()) },
  IpAddress: { negated: false, build: ipTest },
  NotIpAddress: { negated: true, build: ipTest },
  ArnEquals: { negated: false, build: like(false) },
  ArnLike: { negated: false, build: like(false) },
  ArnNotEquals: { negated: true, build: like(false) },
  ArnNotLike: { negated: true, build: like(false) },
};

const valuesOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

function lookup(ctx: RequestContextValues, key: string): readonly string[] | undefined {
  // Condition keys are case-insensitive; tag keys keep their case after the prefix.
  const direct = ctx[key];
  const value =
    direct !== undefined
      ? direct
      : Object.entries(ctx).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  if (value === undefined) return undefined;
  return typeof value === "string" ? [value] : value;
}

/** Compiles a statement's `Condition` block into one test (all operators must hold). */
export function compileConditions(block: unknown): Test {
  if (block === undefined) return () => true;
  if (typeof block !== "object" || block === null || Array.isArray(block))
    throw new PolicyError("Condition must be an object");
  const tests: Test[] = [];
  for (const [rawOperator, keys] of Object.entries(block)) {
    let operator = rawOperator;
    let set: "any" | "all" | undefined;
    if (operator.startsWith("ForAnyValue:")) [set, operator] = ["any", operator.slice(12)];
    else if (operator.startsWith("ForAllValues:")) [set, operator] = ["all", operator.slice(13)];
    const ifExists = operator.endsWith("IfExists") && operator !== "IfExists";
    if (ifExists) operator = operator.slice(0, -"IfExists".length);
    if (typeof keys !== "object" || keys === null || Array.isArray(keys))
      throw new PolicyError(`Condition ${rawOperator} must map keys to values`);
    for (const [key, expectedRaw] of Object.entries(keys)) {
      const expected = valuesOf(expectedRaw);
      if (operator === "Null") {
        const wantsMissing = expected[0]?.toLowerCase() === "true";
        tests.push((ctx) => (lookup(ctx, key) === undefined) === wantsMissing);
        continue;
      }
      const spec = OPERATORS[operator];
      if (spec === undefined) throw new PolicyError(`Unsupported condition operator ${rawOperator}`);
      const matches = spec.build(expected);
      tests.push((ctx) => {
        const actual = lookup(ctx, key);
        if (actual === undefined || actual.length === 0) {
          if (set === "all") return true;
          if (set === "any") return false;
          return ifExists || spec.negated;
        }
        const one = (a: string) => (spec.negated ? !matches(a, expected) : matches(a, expected));
        if (set === "all") return actual.every(one);
        if (set === "any") return actual.some(one);
        return spec.negated ? actual.every(one) : actual.some(one);
      });
    }
  }
  return (ctx) => tests.every((t) => t(ctx));
}
