import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jsonCopy, NOT_PLAIN } from "../../src/functions/json-copy.ts";

const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? "null");

describe("jsonCopy: JSON.parse(JSON.stringify(v)) without serialising, or NOT_PLAIN", () => {
  const plain: unknown[] = [
    null,
    "text",
    "\ud800 lone surrogate",
    0,
    1.5,
    -7,
    true,
    [],
    {},
    { statusCode: 200, headers: { "content-type": "text/html" }, body: "x".repeat(100_000) },
    { multiValueHeaders: { "set-cookie": ["a=1", "b=2"] }, nested: [{ a: [1, [2, [3]]] }] },
    Object.assign(Object.create(null), { a: 1 }),
    JSON.parse('{"__proto__": {"polluted": true}}'),
  ];
  for (const v of plain) {
    test(`copies ${JSON.stringify(v)?.slice(0, 60)}`, () => {
      const copied = jsonCopy(v);
      assert.notEqual(copied, NOT_PLAIN);
      assert.deepEqual(copied, roundTrip(v));
      if (typeof v === "object" && v !== null) assert.notEqual(copied, v, "a copy, not the same object");
    });
  }

  test("a __proto__ key stays an own property and pollutes nothing", () => {
    const copied = jsonCopy(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.ok(Object.hasOwn(copied, "__proto__"));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(copied), Object.prototype);
  });

  const unusual: Array<[string, unknown]> = [
    ["undefined", undefined],
    ["an undefined value", { a: undefined }],
    ["a function", { f: () => 1 }],
    ["a symbol", Symbol("s")],
    ["a BigInt", { n: 1n }],
    ["NaN", { n: Number.NaN }],
    ["Infinity", [Number.POSITIVE_INFINITY]],
    ["-0", -0],
    ["a Date", { when: new Date(0) }],
    ["a class instance", new (class Box {})()],
    ["toJSON", { toJSON: () => "x" }],
    ["a sparse array", new Array(3)],
    ["a Map", new Map([["a", 1]])],
    ["a typed array", new Uint8Array([1])],
    ["a deep structure", JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`)],
    ["a large structure", Array.from({ length: 2000 }, (_, i) => i)],
  ];
  for (const [name, v] of unusual) {
    test(`leaves ${name} to the real round trip`, () => assert.equal(jsonCopy(v), NOT_PLAIN));
  }

  test("a circular structure is left to the real round trip (which throws)", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    assert.equal(jsonCopy(a), NOT_PLAIN);
  });
});
