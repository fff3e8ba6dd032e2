import assert from "node:assert/strict";
import { test } from "node:test";
import { firstHeader, headerValues, joinedHeader } from "../../src/http/raw-headers.ts";

const raw = [
  "Host",
  "a.example",
  "Cache-Control",
  "no-store",
  "X-Y",
  "1",
  "cache-control",
  "max-age=0",
  "HOST",
  "b",
];

test("firstHeader: case-insensitive, the first value wins, absent is undefined", () => {
  assert.equal(firstHeader(raw, "host"), "a.example");
  assert.equal(firstHeader(raw, "x-y"), "1");
  assert.equal(firstHeader(raw, "x-z"), undefined);
  assert.equal(firstHeader([], "host"), undefined);
});

test("joinedHeader: every value, joined as Node joins a repeated header", () => {
  assert.equal(joinedHeader(raw, "cache-control"), "no-store, max-age=0");
  assert.equal(joinedHeader(raw, "x-y"), "1");
  assert.equal(joinedHeader(raw, "x-z"), undefined);
});

test("headerValues: every value in order, none for an absent name", () => {
  assert.deepEqual(headerValues(raw, "host"), ["a.example", "b"]);
  assert.deepEqual(headerValues(raw, "x-z"), []);
});
