import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dotSegment, withoutDotSegments } from "../../src/gateway/dot-segments.ts";
import { canonicalPath } from "../../src/gateway/method-arn.ts";
import { RouteConflictError, RouteTree } from "../../src/gateway/route-tree.ts";
import { hasDotSegment } from "../../src/integrations/uri-template.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/**
 * The router against random resource trees and request paths: matching never throws, and a path
 * spelled with extra slashes resolves to the route its canonical spelling does (or to none, both),
 * which is what makes the canonical path the one to authorize; only a greedy value differs, keeping
 * the inner empty segments as AWS does. Dot-segment removal and the backend
 * path check are fuzzed alongside, as they decide what the router and the backend see.
 */

const literal = fc.constantFrom("a", "b", "pets", "x.y");
const resourceSegment = fc.oneof(literal, fc.constantFrom("{id}", "{name}"));
const resourcePath = fc
  .tuple(fc.array(resourceSegment, { maxLength: 4 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ["{proxy+}"] : [])].join("/")}`);
const method = fc.constantFrom("GET", "POST", "ANY");
const tree = fc.array(fc.tuple(method, resourcePath), { maxLength: 12 });
const requestSegments = fc.array(fc.constantFrom("a", "b", "pets", "x.y", "7", "%2F", "q"), { maxLength: 6 });
/** The same segments with one to three slashes before each, and maybe some after the last. */
const spelled = (segments: string[]) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: segments.length, maxLength: segments.length }),
      fc.integer({ min: 0, max: 2 }),
    )
    .map(
      ([before, after]) => segments.map((s, i) => "/".repeat(before[i]!) + s).join("") + "/".repeat(after),
    );

function build(routes: [string, string][]): RouteTree<string> {
  const t = new RouteTree<string>();
  for (const [m, path] of routes) {
    try {
      t.add(m, path, `${m} ${path}`);
    } catch (err) {
      // Random trees hold duplicates and clashing variable names: refused at deploy time, as on AWS.
      assert.ok(err instanceof RouteConflictError, String(err));
    }
  }
  return t;
}

test("matching never throws; extra slashes resolve as the canonical path does", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(
      tree,
      fc.constantFrom("GET", "POST", "DELETE"),
      requestSegments.chain((s) => fc.tuple(fc.constant(s), spelled(s))),
      (routes, verb, [segments, spelling]) => {
        const t = build(routes);
        const canonical = t.matchPath(verb, `/${segments.join("/")}`);
        const other = t.matchPath(verb, spelling);
        assert.equal(other?.value, canonical?.value, `${spelling} vs /${segments.join("/")}`);
        const collapsed =
          other === undefined
            ? undefined
            : Object.fromEntries(Object.entries(other.params).map(([k, v]) => [k, v.replace(/\/+/g, "/")]));
        assert.deepEqual(collapsed, canonical?.params);
        for (const v of Object.values(other?.params ?? {})) assert.doesNotMatch(v, /^\/|\/$/, spelling);
        assert.equal(canonicalPath(spelling), segments.join("/"));
      },
    ),
    fuzzParameters(),
  );
});

const rawPath = fc
  .array(fc.constantFrom("a", ".", "..", "%2e", "%2E%2e", ".%2e", "", "b.c", "...", "%2F", "%2e%2e%2f"), {
    maxLength: 8,
  })
  .map((s) => `/${s.join("/")}`);

test("dot-segment removal never throws, leaves no dot segment and is idempotent", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(rawPath, (path) => {
      const resolved = withoutDotSegments(path);
      assert.ok(resolved.startsWith("/"), resolved);
      for (const s of resolved.split("/")) assert.equal(dotSegment(s), 0, `${path} → ${resolved}`);
      assert.equal(withoutDotSegments(resolved), resolved);
    }),
    fuzzParameters(),
  );
});

test("after dot-segment removal only an encoded separator can make a backend path value walk", {
  timeout: 60_000,
}, () => {
  fc.assert(
    fc.property(rawPath, (path) => {
      const resolved = withoutDotSegments(path);
      const value = resolved.slice(1);
      const hidden = /%2f|%5c/i.test(value);
      if (!hidden) assert.equal(hasDotSegment(value), false, value);
    }),
    fuzzParameters(),
  );
});
