import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "../../src/state/store.ts";

/** The Store contract, run against every implementation (memory, SQLite, Redis). */
export function storeSpec(
  name: string,
  open: () => Promise<{ store: Store; cleanup: () => void }> | { store: Store; cleanup: () => void },
): void {
  describe(`${name} store: the Store contract`, () => {
    const withStore = async (body: (store: Store) => Promise<void>) => {
      const { store, cleanup } = await open();
      try {
        await body(store);
      } finally {
        await store.close();
        cleanup();
      }
    };

    test("put, get, delete", () =>
      withStore(async (store) => {
        assert.equal(await store.get("restapis", "a"), undefined);
        await store.commit([
          { op: "put", collection: "restapis", key: "a", value: { n: 1, nested: { x: [1, 2] } } },
        ]);
        assert.deepEqual(await store.get("restapis", "a"), { n: 1, nested: { x: [1, 2] } });
        assert.equal(await store.get("stages", "a"), undefined, "collections are separate");
        await store.commit([{ op: "delete", collection: "restapis", key: "a" }]);
        assert.equal(await store.get("restapis", "a"), undefined);
      }));

    test("list filters by prefix and sorts by key", () =>
      withStore(async (store) => {
        await store.commit(
          ["api2/b", "api1/z", "api1/a", "api10/x", "__proto__", "constructor"].map((key) => ({
            op: "put" as const,
            collection: "stages" as const,
            key,
            value: key,
          })),
        );
        assert.deepEqual(
          (await store.list("stages", "api1/")).map((d) => d.key),
          ["api1/a", "api1/z"],
        );
        assert.deepEqual(
          (await store.list("stages")).map((d) => d.value),
          ["__proto__", "api1/a", "api1/z", "api10/x", "api2/b", "constructor"],
        );
        assert.deepEqual(await store.list("restapis"), []);
      }));

    test("a batch with one bad value writes nothing and keeps the version", () =>
      withStore(async (store) => {
        await store.commit([{ op: "put", collection: "restapis", key: "keep", value: 1 }]);
        const before = await store.version();
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        for (const bad of [circular, { n: 10n }, () => 1]) {
          await assert.rejects(
            store.commit([
              { op: "put", collection: "restapis", key: "new", value: { ok: true } },
              { op: "delete", collection: "restapis", key: "keep" },
              { op: "put", collection: "restapis", key: "bad", value: bad },
            ]),
          );
        }
        assert.equal(await store.version(), before);
        assert.equal(await store.get("restapis", "new"), undefined);
        assert.equal(await store.get("restapis", "keep"), 1);
      }));

    test("versions grow by one per commit and listeners hear each one until unsubscribed", () =>
      withStore(async (store) => {
        const heard: number[] = [];
        const off = store.onChange((v) => heard.push(v));
        const v1 = await store.commit([{ op: "put", collection: "stages", key: "k", value: 1 }]);
        const v2 = await store.commit([{ op: "put", collection: "stages", key: "k", value: 2 }]);
        off();
        await store.commit([{ op: "put", collection: "stages", key: "k", value: 3 }]);
        assert.equal(v2, v1 + 1);
        assert.deepEqual(heard, [v1, v2]);
        assert.equal(await store.version(), v2 + 1);
        await sleep(100);
        assert.deepEqual(heard, [v1, v2], "the echo through pub/sub is not heard twice");
      }));

    test("values are copies: mutating what was stored or read changes nothing", () =>
      withStore(async (store) => {
        const value = { list: [1] };
        await store.commit([{ op: "put", collection: "restapis", key: "c", value }]);
        value.list.push(2);
        const read = (await store.get("restapis", "c")) as { list: number[] };
        read.list.push(3);
        assert.deepEqual(await store.get("restapis", "c"), { list: [1] });
      }));
  });
}
