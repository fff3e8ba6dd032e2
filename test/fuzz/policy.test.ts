import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compilePolicy } from "../../src/auth/policy/compile-policy.ts";
import { PolicyError } from "../../src/auth/policy/policy-error.ts";
import { wildcardMatcher } from "../../src/auth/policy/wildcard.ts";
import { compileAccessCheck } from "../../src/gateway/access-check.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import { REST_RESPONSES } from "../../src/gateway/responses/catalogue.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/**
 * The policy engine against random policies, ARNs and request contexts: compiling refuses with a
 * PolicyError or succeeds, evaluating never throws and gives one of its three decisions, wildcards
 * agree with a reference matcher, and a Deny is never escaped by spelling the path differently.
 */

const SCOPE = { region: "us-east-1", accountId: "000000000000", apiId: "a1b2c3d4e5" };
const ARN_PREFIX = `arn:aws:execute-api:${SCOPE.region}:${SCOPE.accountId}:${SCOPE.apiId}/`;

/** Text over a small alphabet, so patterns and values meet often. */
const text = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split("")), { maxLength }).map((a) => a.join(""));
const pattern = text("ab/*?", 12);
const value = text("ab/", 16);
/** A chunk longer than one 32-bit word, mostly `?`, between stars. */
const longChunk = fc
  .array(fc.constantFrom("?", "?", "?", "a", "b"), { minLength: 33, maxLength: 70 })
  .map((c) => `*${c.join("")}*`);

/** Reference matcher: the textbook dynamic program over (pattern, value) prefixes. */
function reference(p: string, v: string): boolean {
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const c of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    next[0] = c === "*" && row[0]!;
    for (let j = 1; j <= v.length; j++) {
      if (c === "*") next[j] = row[j]! || next[j - 1]!;
      else next[j] = row[j - 1]! && (c === "?" || c === v[j - 1]);
    }
    row = next;
  }
  return row[v.length]!;
}

test("wildcards agree with the reference matcher", { timeout: 60_000 }, () => {
  fc.assert(
    // Long runs of `?` take the multi-word path of the matcher's bit-parallel search.
    fc.property(fc.oneof(pattern, longChunk), fc.oneof(value, text("ab", 120)), (p, v) => {
      assert.equal(wildcardMatcher(p)(v), reference(p, v), `${JSON.stringify(p)} vs ${JSON.stringify(v)}`);
    }),
    fuzzParameters(),
  );
});

const conditionKey = fc.constantFrom("aws:SourceIp", "aws:UserAgent", "aws:SecureTransport", "aws:EpochTime");
const conditionValue = fc.oneof(
  value,
  pattern,
  fc.constantFrom("127.0.0.1/32", "10.0.0.0/8", "::1", "not-an-ip/99", "true", "1700000000", ""),
);
const operator = fc.constantFrom(
  "StringEquals",
  "StringLike",
  "StringNotLike",
  "StringEqualsIgnoreCase",
  "IpAddress",
  "NotIpAddress",
  "Bool",
  "NumericLessThan",
  "DateGreaterThan",
  "Null",
  "ForAnyValue:StringLike",
  "StringLikeIfExists",
  "NoSuchOperator",
);
const condition = fc.dictionary(
  operator,
  fc.dictionary(conditionKey, fc.oneof(conditionValue, fc.array(conditionValue, { maxLength: 3 })), {
    maxKeys: 2,
  }),
  { maxKeys: 2 },
);
const statement = fc.record(
  {
    Effect: fc.constantFrom("Allow", "Deny", "Maybe"),
    Principal: fc.constantFrom("*", { AWS: "*" }, { AWS: "000000000000" }, { Service: "x" }),
    Action: fc.constantFrom("execute-api:Invoke", "execute-api:*", "*", "execute-api:In?oke"),
    Resource: fc.oneof(
      pattern.map((p) => `execute-api:/${p}`),
      pattern.map((p) => `${ARN_PREFIX}${p}`),
      fc.array(
        pattern.map((p) => `execute-api:/${p}`),
        { maxLength: 3 },
      ),
    ),
    Condition: condition,
  },
  { requiredKeys: ["Effect", "Principal", "Action", "Resource"] },
);
const context = fc.record(
  {
    "aws:SourceIp": fc.constantFrom("127.0.0.1", "10.1.2.3", "::1", "::ffff:10.0.0.1", "garbage"),
    "aws:UserAgent": value,
    "aws:SecureTransport": fc.constantFrom("true", "false"),
    "aws:EpochTime": fc.constantFrom("1700000000", "x"),
  },
  { requiredKeys: [] },
);

test("evaluation never throws and always gives one of its decisions", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(
      fc.array(statement, { minLength: 1, maxLength: 4 }),
      value,
      context,
      (statements, path, ctx) => {
        let policy: ReturnType<typeof compilePolicy>;
        try {
          policy = compilePolicy({ Version: "2012-10-17", Statement: statements }, SCOPE, {
            resourcePolicy: true,
          });
        } catch (err) {
          assert.ok(err instanceof PolicyError, `only PolicyError escapes compilation: ${String(err)}`);
          return;
        }
        const decision = policy.evaluate({
          principal: { kind: "anonymous" },
          action: "execute-api:Invoke",
          resource: `${ARN_PREFIX}${path}`,
          context: ctx,
        });
        assert.ok(["Allow", "Deny", "ImplicitDeny"].includes(decision.effect));
      },
    ),
    fuzzParameters(),
  );
});

/** The parts of a request the access check reads; the rest of a context plays no part in it. */
function requestContext(path: string): RequestContext {
  return {
    req: { method: "GET", headers: {} },
    path,
    clientIp: "127.0.0.1",
    startMs: 1_700_000_000_000,
    listener: { protocol: "http", port: 0 },
    stage: { responses: REST_RESPONSES },
  } as unknown as RequestContext;
}

const segment = fc.constantFrom("a", "b", "admin", "secret", "x.y");
/** A path with empty segments sprinkled in: leading, doubled, trailing. */
const respelled = (segments: string[]) =>
  fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: segments.length + 1, maxLength: segments.length + 1 })
    .map((slashes) => {
      let out = "/".repeat(slashes[0]!);
      segments.forEach((s, i) => {
        out +=
          s + (i === segments.length - 1 ? "/".repeat(slashes[i + 1]! - 1) : "/".repeat(slashes[i + 1]!));
      });
      return out;
    });

const denyCase = fc.array(segment, { minLength: 1, maxLength: 4 }).chain((denied) =>
  fc.tuple(
    fc.constant(denied),
    fc.array(fc.constantFrom("", "", "*", "?"), { maxLength: 4 }),
    fc
      .oneof(fc.constant(denied), fc.array(segment, { minLength: 1, maxLength: 4 }))
      .chain((requested) => fc.tuple(fc.constant(requested), respelled(requested))),
  ),
);

test("a Deny on a resource is never bypassed by inserting empty segments", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(denyCase, ([denied, wild, [requested, spelling]]) => {
      // The denied resource's segments, some turned into wildcards that still match them.
      const resource = denied
        .map((s, i) => (wild[i] === "*" ? "*" : wild[i] === "?" ? `${s.slice(0, -1)}?` : s))
        .join("/");
      const access = compileAccessCheck({
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: `execute-api:/dev/GET/${resource}`,
            },
          ],
        }),
        ...SCOPE,
        stageName: "dev",
        networks: undefined,
      });
      const canonical = access(requestContext(`/${requested.join("/")}`), undefined);
      if (requested.join("/") === denied.join("/"))
        assert.equal(canonical?.statusCode, 403, "the Deny applies");
      const other = access(requestContext(spelling), undefined);
      assert.equal(other?.statusCode, canonical?.statusCode, `${spelling} vs /${requested.join("/")}`);
      assert.equal(other?.body, canonical?.body);
    }),
    fuzzParameters(),
  );
});
