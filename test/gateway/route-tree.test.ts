import assert from "node:assert/strict";
import { test } from "node:test";
import { pathSegments, RouteConflictError, RouteTree } from "../../src/gateway/route-tree.ts";

test("{proxy+} needs at least one segment and captures the rest raw", () => {
  const tree = new RouteTree<string>();
  tree.add("ANY", "/files/{proxy+}", "greedy");
  assert.equal(tree.match("GET", ["files"]), undefined);
  assert.deepEqual(tree.match("GET", ["files", "a%20b", "c"]), {
    value: "greedy",
    params: { proxy: "a%20b/c" },
  });
});

test("a param branch that fails deeper backtracks to the greedy sibling", () => {
  const tree = new RouteTree<string>();
  tree.add("GET", "/{id}/details", "details");
  tree.add("ANY", "/{proxy+}", "greedy");
  assert.equal(tree.match("GET", ["7", "details"])?.value, "details");
  assert.equal(tree.match("POST", ["7", "details"])?.value, "greedy");
  assert.deepEqual(tree.match("POST", ["7", "details"])?.params, { proxy: "7/details" });
});

test("params set by a failed branch do not leak into the match", () => {
  const tree = new RouteTree<string>();
  tree.add("GET", "/{a}/x", "ax");
  tree.add("GET", "/{a}/{b}/y", "aby");
  assert.deepEqual(tree.match("GET", ["1", "2", "y"]), { value: "aby", params: { a: "1", b: "2" } });
});

test("duplicate routes and conflicting variable names are refused", () => {
  const tree = new RouteTree<string>();
  tree.add("GET", "/pets/{id}", "a");
  assert.throws(() => tree.add("GET", "/pets/{id}", "b"), RouteConflictError);
  assert.throws(() => tree.add("GET", "/pets/{petId}/x", "c"), RouteConflictError);
  assert.throws(() => tree.add("GET", "/{proxy+}/x", "d"), RouteConflictError);
});

test("matchPath: literal paths are found directly and agree with the walk, whatever the slashes", () => {
  const tree = new RouteTree<string>();
  tree.add("GET", "/", "root");
  tree.add("GET", "/pets/dogs", "dogs");
  tree.add("GET", "/pets/{id}", "pet");
  tree.add("ANY", "/{proxy+}", "greedy");
  assert.deepEqual(tree.matchPath("GET", "/"), { value: "root", params: {} });
  assert.deepEqual(tree.matchPath("GET", "/pets/dogs"), { value: "dogs", params: {} });
  // Not the canonical form: the walk still ignores empty segments.
  assert.deepEqual(tree.matchPath("GET", "//pets//dogs/"), { value: "dogs", params: {} });
  assert.deepEqual(tree.matchPath("GET", "/pets/7"), { value: "pet", params: { id: "7" } });
  // The literal node has no POST: as in the walk, the greedy sibling answers.
  assert.deepEqual(tree.matchPath("POST", "/pets/dogs"), { value: "greedy", params: { proxy: "pets/dogs" } });
  assert.equal(tree.matchPath("GET", "/pets/dogs/x")?.value, "greedy");
});

test("pathSegments keeps raw non-empty segments", () => {
  assert.deepEqual(pathSegments(""), []);
  assert.deepEqual(pathSegments("/"), []);
  assert.deepEqual(pathSegments("//a//b%2F/c/"), ["a", "b%2F", "c"]);
  assert.deepEqual(pathSegments("a/b"), ["a", "b"]);
});

test("matchPath: a greedy variable keeps inner empty segments and drops a trailing slash (recorded)", () => {
  const tree = new RouteTree<string>();
  tree.add("ANY", "/files/{proxy+}", "greedy");
  assert.deepEqual(tree.matchPath("GET", "/files/a//b")?.params, { proxy: "a//b" });
  assert.deepEqual(tree.matchPath("GET", "//files//a//b%2F/c//")?.params, { proxy: "a//b%2F/c" });
  assert.deepEqual(tree.matchPath("GET", "/files/a/")?.params, { proxy: "a" });
  // Segments alone carry no empty ones.
  assert.deepEqual(tree.match("GET", ["files", "a", "b"])?.params, { proxy: "a/b" });
});
