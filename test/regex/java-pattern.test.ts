import assert from "node:assert/strict";
import { test } from "node:test";
import {
  findsIn,
  javaPattern,
  matchesWhole,
  PatternSyntaxError,
  patternProblem,
} from "../../src/regex/java-pattern.ts";

test("Java syntax: whole-input matches, find, inline flags, classes", () => {
  assert.equal(matchesWhole("4\\d{2}", "404"), true);
  assert.equal(matchesWhole("4\\d{2}", "4040"), false);
  assert.equal(findsIn("Not Found", "Error: Not Found here"), true);
  assert.equal(matchesWhole("(?i)bearer [a-z]+", "BEARER abc"), true);
  assert.equal(matchesWhole("^[A-Za-z0-9-_]+\\.[A-Za-z0-9-_]+$", "ab.cd"), true);
  assert.equal(matchesWhole(".*", "line one\nline two"), false, "dot stops at a newline, as in Java");
  assert.equal(matchesWhole("(?s).*", "line one\nline two"), true);
});

test("a pattern that makes a backtracking engine take exponential time is matched in linear time", () => {
  // (a+)+$ against a run of a's and one b takes a backtracking engine 2^n steps; n = 5000 is 'never'.
  assert.equal(matchesWhole("(a+)+$", `${"a".repeat(5000)}b`), false);
  assert.equal(findsIn("(x+x+)+y", "x".repeat(20_000)), false);
});

test("patterns RE2 cannot run are refused with a reason", () => {
  assert.throws(() => javaPattern("(a)\\1"), PatternSyntaxError);
  assert.match(patternProblem("(?<=a)b") ?? "", /.+/);
  assert.match(patternProblem("[unclosed") ?? "", /missing/);
  assert.equal(patternProblem("a|b"), undefined);
});
