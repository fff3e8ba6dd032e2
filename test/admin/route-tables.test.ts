import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as v1 from "@aws-sdk/client-api-gateway";
import * as v2 from "@aws-sdk/client-apigatewayv2";
import type { AdminRoute } from "../../src/admin/admin-router.ts";
import {
  type AwsService,
  createAdminRouter,
  PORTICO_ROUTES,
  SERVICE_ROUTES,
} from "../../src/admin/create-admin-router.ts";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

const SDK: Record<AwsService, Record<string, unknown>> = { apigateway: v1, apigatewayv2: v2 };

/** `METHOD /path/{}?query` of a route, its parameter names left out. */
const shape = (method: string, path: string, query?: Readonly<Record<string, string>>) =>
  `${method} ${path.replace(/\{[^}]+\}/g, "{}")}${query === undefined ? "" : `?${new URLSearchParams(query)}`}`;

/** The request the SDK sends for an operation, from its schema's `http` trait (`["POST", "/restapis", 201]`). */
function sdkRequest(service: AwsService, operation: string): string {
  const schema = SDK[service][`${operation}$`] as [number, string, string, { http?: [string, string] }];
  const http = schema?.[3]?.http;
  assert.ok(http, `${service} ${operation}: no http trait in the SDK's schema`);
  return shape(http[0], http[1]);
}

/** Requests AWS's SDKs do not send that the router takes as well (tags by either service's method). */
const ALSO_ACCEPTED = new Set(["POST /tags/{}", "PUT /v2/tags/{}"]);

test("every route answers the method and path the SDK sends for the operation it names", () => {
  for (const service of ["apigateway", "apigatewayv2"] as const) {
    for (const r of SERVICE_ROUTES[service]) {
      const ours = shape(r.method, r.path, r.query);
      if (ALSO_ACCEPTED.has(ours)) continue;
      assert.equal(ours, sdkRequest(service, r.operation), `${service} ${r.operation}`);
    }
  }
});

/** Whether one request can match both paths: same segments, literal or parameter. */
function overlap(a: string, b: string): boolean {
  const x = a.split("/");
  const y = b.split("/");
  return x.length === y.length && x.every((s, i) => s === y[i] || s.startsWith("{") || y[i]!.startsWith("{"));
}

test("no two routes answer one request, but an operation picked by a query value, which is tried first", () => {
  const all: AdminRoute[] = [...PORTICO_ROUTES, ...SERVICE_ROUTES.apigateway, ...SERVICE_ROUTES.apigatewayv2];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      if (a.method !== b.method || !overlap(a.path, b.path)) continue;
      const what = `${shape(a.method, a.path, a.query)} and ${shape(b.method, b.path, b.query)}`;
      assert.ok(a.query !== undefined && b.query === undefined, what);
    }
  });
});

describe("the admin router built from the tables", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  async function call(method: string, path: string) {
    const url = `http://127.0.0.1:${gw.adminPort}${path}`;
    const headers = signRequest({
      method,
      url,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      region: "us-east-1",
      service: "apigateway",
    });
    const r = await fetch(url, { method, headers });
    return { status: r.status, type: r.headers.get("x-amzn-errortype"), json: await r.json() };
  }

  test("finds an operation by method, path and discriminating query", () => {
    const router = createAdminRouter(gw.portico.control);
    const find = (method: string, path: string, query = "") => {
      const found = router.find(method, path, new URLSearchParams(query));
      return typeof found === "object" ? [found.route.operation, found.params] : found;
    };
    assert.deepEqual(find("POST", "/restapis", "mode=import"), ["ImportRestApi", {}]);
    assert.deepEqual(find("POST", "/restapis", "mode=merge"), ["CreateRestApi", {}]);
    assert.deepEqual(find("POST", "/restapis/"), ["CreateRestApi", {}]);
    assert.deepEqual(find("GET", "/v2/apis/a%20b/routes/r1"), ["GetRoute", { apiId: "a b", routeId: "r1" }]);
    assert.equal(find("PUT", "/restapis"), "method-not-allowed");
    assert.equal(find("GET", "/restapis/x/nothing"), undefined);
  });

  test("an unknown path, or a known one with another method, is NotFoundException: unknown operation", async () => {
    for (const [method, path] of [
      ["GET", "/restapis/x/nothing"],
      ["PUT", "/restapis"],
      ["PATCH", "/v2/apis"],
    ] as const) {
      const r = await call(method, path);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.type, "NotFoundException");
      assert.deepEqual(r.json, { message: `Unknown operation: ${method} ${path}` });
    }
  });
});
