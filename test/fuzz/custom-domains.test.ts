import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CompiledDomain, DomainTable, matchMapping } from "../../src/gateway/custom-domains.ts";
import { fuzzParameters } from "../support/fuzz.ts";

/**
 * The custom domain table against random mappings, paths and Host headers: matching never throws,
 * chooses what a plain reading of AWS's rule chooses (the longest base path that is the path or a
 * whole-segment prefix of it, else the root mapping), and leaves a rest that starts with `/`.
 */

const segment = fc.constantFrom("v1", "v10", "orders", "a", "b.c", "x$y");
const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/"));
const keys = fc.uniqueArray(fc.oneof(key, fc.constant("")), { maxLength: 6 });
const path = fc
  .array(fc.oneof(segment, fc.constantFrom("", "items", "%2F")), { maxLength: 5 })
  .map((s) => `/${s.join("/")}`);

function domainOf(list: readonly string[]): CompiledDomain {
  const mappings = list
    .map((k) => ({ key: k, apiId: `api-${k}` }))
    .sort((a, b) => b.key.length - a.key.length);
  return { domainName: "api.example.com", mappings };
}

/** The rule, read plainly: every key that matches, the longest chosen. */
function expected(list: readonly string[], p: string): string | undefined {
  const trimmed = p.replace(/^\/+/, "/");
  const matching = list.filter((k) => k === "" || trimmed === `/${k}` || trimmed.startsWith(`/${k}/`));
  return matching.sort((a, b) => b.length - a.length)[0];
}

test("the longest whole-segment base path wins, else the root; the rest starts with /", () => {
  fc.assert(
    fc.property(keys, path, (list, p) => {
      const match = matchMapping(domainOf(list), p);
      assert.equal(match?.mapping.key, expected(list, p));
      if (match !== undefined) assert.ok(match.rest.startsWith("/"), match.rest);
    }),
    fuzzParameters(),
  );
});

test("any Host header is looked up without throwing, case and port ignored", () => {
  const table = new DomainTable(
    new Map([
      ["api.example.com", domainOf(["v1"])],
      ["*.tenants.example.com", domainOf([""])],
    ]),
  );
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 70000 }),
      (junk, upper, port) => {
        table.lookup(junk);
        const host = `${upper ? "API.EXAMPLE.com" : "api.example.com"}:${port}`;
        assert.equal(table.lookup(host)?.domainName, "api.example.com");
        assert.equal(
          table.lookup(`${junk.replace(/[.:\]]/g, "") || "t"}.tenants.example.com`)?.mappings[0]?.key,
          "",
        );
      },
    ),
    fuzzParameters(),
  );
});
