import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  FlushStageAuthorizersCacheCommand,
  FlushStageCacheCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import { LocalResponseCache } from "../../src/traffic/local-response-cache.ts";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { scrape } from "../support/prometheus.ts";

/** A real backend that counts the requests reaching it, so a test can tell hits from misses. */
async function countingBackend(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/fail") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"failed":true}');
      return;
    }
    const body =
      path === "/big" ? "x".repeat(1_100_000) : JSON.stringify({ url: req.url, n: hits, method: req.method });
    res.writeHead(200, { "content-type": "application/json", "x-backend": "counting" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const api = (backend: string) => `
openapi: 3.0.1
info: { title: Cached, version: "1" }
x-amazon-apigateway-policy:
  Version: "2012-10-17"
  Statement:
    - { Effect: Allow, Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }
    - { Effect: Allow, Principal: "*", Action: "execute-api:InvalidateCache", Resource: "execute-api:/*/GET/open/*" }
paths:
  /items/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }, { name: type, in: query, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/items/{id}"
        requestParameters:
          integration.request.path.id: method.request.path.id
          integration.request.querystring.type: method.request.querystring.type
        cacheKeyParameters: [method.request.path.id, method.request.querystring.type]
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: "${backend}/items/post" }
  /open/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend}/open/{id}"
        requestParameters: { integration.request.path.id: method.request.path.id }
        cacheKeyParameters: [integration.request.path.id]
  /fail:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/fail" }
  /big:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/big" }
  /ttl:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "${backend}/ttl" }
`;

describe("response caching (embedded)", () => {
  let gw: TestGateway;
  let backend: Awaited<ReturnType<typeof countingBackend>>;
  let client: APIGatewayClient;
  let id: string;
  const patch = (...ops: { op: "replace"; path: string; value: string }[]) =>
    client.send(new UpdateStageCommand({ restApiId: id, stageName: "prod", patchOperations: ops }));
  const get = (path: string, headers: Record<string, string> = {}) => gw.call(id, path, { headers });

  before(async () => {
    backend = await countingBackend();
    gw = await startTestGateway();
    client = new APIGatewayClient(adminClientConfig(gw));
    id = await gw.deployRest(api(backend.url), "prod");
  });
  after(async () => {
    client.destroy();
    await gw.close();
    await backend.close();
  });

  test("nothing is cached until the stage's cache cluster is enabled", async () => {
    const before = backend.hits();
    await get("/prod/items/1");
    await get("/prod/items/1");
    assert.equal(backend.hits() - before, 2);
  });

  test("GET is cached by default: a hit never reaches the backend and gets fresh request ids", async () => {
    await patch(
      { op: "replace", path: "/cacheClusterEnabled", value: "true" },
      { op: "replace", path: "/cacheClusterSize", value: "0.5" },
    );
    const before = backend.hits();
    const miss = await get("/prod/items/7");
    const hit = await get("/prod/items/7");
    assert.equal(backend.hits() - before, 1);
    assert.equal(miss.headers["x-portico-cache"], "miss");
    assert.equal(hit.headers["x-portico-cache"], "hit");
    assert.equal(hit.status, 200);
    assert.equal(hit.text, miss.text);
    assert.equal(hit.headers["x-backend"], "counting", "backend headers are replayed");
    assert.notEqual(hit.headers["x-amzn-requestid"], miss.headers["x-amzn-requestid"]);
  });

  test("the key is method + resource path + cacheKeyParameters; other parameters do not split it", async () => {
    const before = backend.hits();
    await get("/prod/items/8?type=a");
    await get("/prod/items/8?type=b");
    await get("/prod/items/8?type=a&other=1");
    await get("/prod/items/9?type=a");
    assert.equal(backend.hits() - before, 3, "type=a&other=1 was a hit");
  });

  test("POST is not cached by default; only 2xx responses and bodies up to 1 MB are", async () => {
    const before = backend.hits();
    for (let i = 0; i < 2; i++) await gw.call(id, "/prod/items/1", { method: "POST", body: "{}" });
    assert.equal((await get("/prod/fail")).status, 500);
    assert.equal((await get("/prod/fail")).status, 500);
    assert.equal((await get("/prod/big")).body.length, 1_100_000);
    assert.equal((await get("/prod/big")).body.length, 1_100_000);
    assert.equal(backend.hits() - before, 6);
  });

  test("per-method TTL: entries expire; 3600 s is the most allowed", async () => {
    await patch({ op: "replace", path: "/~1ttl/GET/caching/ttlInSeconds", value: "1" });
    await patch({ op: "replace", path: "/~1ttl/GET/caching/enabled", value: "true" });
    const before = backend.hits();
    await get("/prod/ttl");
    await get("/prod/ttl");
    assert.equal(backend.hits() - before, 1);
    await new Promise((r) => setTimeout(r, 1100));
    await get("/prod/ttl");
    assert.equal(backend.hits() - before, 2, "expired after a second");
    await patch({ op: "replace", path: "/~1ttl/GET/caching/ttlInSeconds", value: "3600" });
    await assert.rejects(
      patch({ op: "replace", path: "/~1ttl/GET/caching/ttlInSeconds", value: "3601" }),
      (e: Error) => e.name === "BadRequestException" && /between 0 and 3600/.test(e.message),
    );
    await patch({ op: "replace", path: "/~1ttl/GET/caching/ttlInSeconds", value: "0" });
    const off = backend.hits();
    await get("/prod/ttl");
    await get("/prod/ttl");
    assert.equal(backend.hits() - off, 2, "a TTL of 0 disables caching");
  });

  test("Cache-Control: max-age=0 — unauthorised callers get the strategy, authorised ones a fresh answer", async () => {
    await get("/prod/items/20");
    let before = backend.hits();
    const ignored = await get("/prod/items/20", { "cache-control": "max-age=0" });
    assert.equal(
      backend.hits(),
      before,
      "SUCCEED_WITH_RESPONSE_HEADER (the default) serves the cached entry",
    );
    assert.equal(ignored.headers["x-portico-cache"], "hit");
    assert.match(String(ignored.headers.warning), /not authorized to invalidate/);
    await patch({
      op: "replace",
      path: "/~1items~1{id}/GET/caching/unauthorizedCacheControlHeaderStrategy",
      value: "FAIL_WITH_403",
    });
    await patch({ op: "replace", path: "/~1items~1{id}/GET/caching/enabled", value: "true" });
    const refused = await get("/prod/items/20", { "cache-control": "max-age=0" });
    assert.equal(refused.status, 403);
    assert.match(JSON.parse(refused.text).Message, /execute-api:InvalidateCache/);
    // The resource policy grants InvalidateCache on /open/*: those callers refresh the entry.
    await get("/prod/open/1");
    before = backend.hits();
    const fresh = await get("/prod/open/1", { "cache-control": "max-age=0" });
    assert.equal(backend.hits() - before, 1);
    assert.equal(fresh.headers["x-portico-cache"], "refresh");
    assert.equal(
      (await get("/prod/open/1")).headers["x-portico-cache"],
      "hit",
      "the refreshed entry is stored",
    );
  });

  test("FlushStageCache empties the stage's cache", async () => {
    await get("/prod/items/30");
    const before = backend.hits();
    await get("/prod/items/30");
    assert.equal(backend.hits(), before);
    await client.send(new FlushStageCacheCommand({ restApiId: id, stageName: "prod" }));
    await get("/prod/items/30");
    assert.equal(backend.hits() - before, 1);
  });

  test("GET /metrics (admin, no SigV4) counts hits and misses per stage (AWS CacheHitCount, CacheMissCount)", async () => {
    const metrics = () => scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);
    const stage = { ApiName: "Cached", Stage: "prod" };
    const before = await metrics();
    await get("/prod/items/50");
    await get("/prod/items/50");
    await get("/prod/items/50");
    const after = await metrics();
    const delta = (name: string) => after.value(name, stage) - before.value(name, stage);
    assert.equal(delta("portico_rest_cache_miss_count_total"), 1);
    assert.equal(delta("portico_rest_cache_hit_count_total"), 2);
    assert.equal(after.family("portico_rest_cache_hit_count_total").type, "COUNTER");
  });

  test("stage-wide */* caching applies to GET only; */* caching off stops GET caching", async () => {
    await patch({ op: "replace", path: "/*/*/caching/enabled", value: "true" });
    let before = backend.hits();
    for (let i = 0; i < 2; i++) await gw.call(id, "/prod/items/60", { method: "POST", body: "{}" });
    assert.equal(backend.hits() - before, 2, "POST needs a method override");
    await get("/prod/items/60");
    await get("/prod/items/60");
    assert.equal(backend.hits() - before, 3, "GET is cached");
    await patch({ op: "replace", path: "/*/*/caching/enabled", value: "false" });
    before = backend.hits();
    // /open/{id} has no settings of its own (/items/{id} got an override in an earlier test).
    await get("/prod/open/61");
    await get("/prod/open/61");
    assert.equal(backend.hits() - before, 2);
    await patch({ op: "replace", path: "/*/*/caching/enabled", value: "true" });
  });

  test("flushing an unknown stage's caches is NotFoundException; the authorizer cache flush is accepted", async () => {
    await client.send(new FlushStageAuthorizersCacheCommand({ restApiId: id, stageName: "prod" }));
    for (const command of [
      new FlushStageCacheCommand({ restApiId: id, stageName: "nope" }),
      new FlushStageAuthorizersCacheCommand({ restApiId: id, stageName: "nope" }),
      new FlushStageCacheCommand({ restApiId: "nosuchapi1", stageName: "prod" }),
    ]) {
      await assert.rejects(
        client.send(command as FlushStageCacheCommand),
        (e: Error) => e.name === "NotFoundException",
      );
    }
    assert.equal((await get("/prod/items/1")).status, 200, "the stage still serves");
  });

  test("disabling the cache cluster stops caching at once", async () => {
    await patch({ op: "replace", path: "/cacheClusterEnabled", value: "false" });
    const before = backend.hits();
    await get("/prod/items/40");
    const r = await get("/prod/items/40");
    assert.equal(backend.hits() - before, 2);
    assert.equal(r.headers["x-portico-cache"], undefined);
  });
});

describe("the in-process cache's memory bound", () => {
  test("least-recently-used entries are evicted to stay within the stage's bytes", () => {
    const cache = new LocalResponseCache();
    const entry = (n: number) => ({ statusCode: 200, headers: ["a", "b"], body: Buffer.alloc(1000, n) });
    const capacity = 10 * 1100;
    for (let i = 0; i < 10; i++) cache.set("api/prod", `k${i}`, entry(i), 60_000, capacity);
    assert.ok(cache.get("api/prod", "k0"), "k0 is now the most recently used");
    for (let i = 10; i < 15; i++) cache.set("api/prod", `k${i}`, entry(i), 60_000, capacity);
    assert.ok(cache.get("api/prod", "k0"));
    assert.equal(cache.get("api/prod", "k1"), undefined, "the least recently used went first");
    assert.ok(cache.get("api/prod", "k14"));
    let kept = 0;
    for (let i = 0; i < 15; i++) if (cache.get("api/prod", `k${i}`)) kept++;
    assert.ok(kept <= 10, `kept ${kept}`);
    cache.set(
      "api/prod",
      "huge",
      { statusCode: 200, headers: [], body: Buffer.alloc(capacity + 1) },
      1000,
      capacity,
    );
    assert.equal(cache.get("api/prod", "huge"), undefined, "an entry larger than the bound is not stored");
    cache.set("api/prod", "k14", entry(1), 60_000, capacity * 2);
    assert.equal(cache.get("api/prod", "k0"), undefined, "resizing drops the stage's entries");
  });
});
