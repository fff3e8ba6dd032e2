import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  operationStatuses,
  renderOperationsTable,
  SDK_PACKAGES,
  sdkOperations,
} from "../../scripts/admin-operations.ts";
import { route } from "../../src/admin/admin-router.ts";

test("docs/admin-operations.md lists every SDK operation and is current (node scripts/admin-operations.ts)", () => {
  const onDisk = readFileSync(join(import.meta.dirname, "..", "..", "docs", "admin-operations.md"), "utf8");
  assert.equal(onDisk, renderOperationsTable());
});

const handle = async () => ({ status: 200 });
const operations = sdkOperations(SDK_PACKAGES.apigateway);

test("an operation is available because a route serves it; a partial note qualifies it", () => {
  const routes = [
    route("GetRestApis", "GET", "/restapis", handle),
    route("GetExport", "GET", "/restapis/{apiId}/stages/{stageName}/exports/{exportType}", handle),
  ];
  const statuses = operationStatuses("apigateway", routes, { GetExport: "no postman" }, operations);
  assert.deepEqual(
    [...statuses],
    [
      ["GetRestApis", "supported"],
      ["GetExport", "partial: no postman"],
    ],
  );
});

test("a route naming an operation the SDK does not have fails the docs", () => {
  const routes = [route("GetRestApiz", "GET", "/restapis", handle)];
  assert.throws(
    () => operationStatuses("apigateway", routes, {}, operations),
    /a route of apigateway names GetRestApiz, which the SDK does not have/,
  );
});

test("a partial note on an operation no route serves fails the docs", () => {
  const routes = [route("GetRestApis", "GET", "/restapis", handle)];
  assert.throws(
    () => operationStatuses("apigateway", routes, { GetExport: "no postman" }, operations),
    /the partial note on apigateway GetExport names an operation no route serves/,
  );
});
