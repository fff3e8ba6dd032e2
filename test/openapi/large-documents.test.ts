import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { OpenApiImportError } from "../../src/openapi/errors.ts";
import { exportRestApi } from "../../src/openapi/export-rest.ts";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

/**
 * Real public OpenAPI documents of 100+ operations, shipped by npm packages:
 * - STAPI (the Star Trek API), from @readme/oas-examples (OpenAPI 3.0, 120 operations);
 * - GitHub's REST API, from @octokit/openapi (OpenAPI 3.0, 13 MB: over AWS's 6 MB import limit, so
 *   imported whole it is refused, and its /repos part is imported on its own).
 */
const require = createRequire(import.meta.url);
const read = (specifier: string) => readFileSync(require.resolve(specifier), "utf8");
const VERBS = new Set(["get", "put", "post", "delete", "patch", "options", "head"]);

function operationCount(doc: { paths: Record<string, Record<string, unknown>> }): number {
  return Object.values(doc.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => VERBS.has(k)).length,
    0,
  );
}

function methodCount(def: ReturnType<typeof importRestApi>["definition"]): number {
  return Object.values(def.resources).reduce((n, r) => n + Object.keys(r.resourceMethods ?? {}).length, 0);
}

test("STAPI (Star Trek API, 120 operations) imports every operation", () => {
  const text = read("@readme/oas-examples/3.0/json/star-trek.json");
  const expected = operationCount(JSON.parse(text));
  assert.ok(expected >= 100, `${expected} operations`);
  const { definition, warnings } = importRestApi(parseDocument(text));
  assert.equal(methodCount(definition), expected);
  assert.ok(warnings.some((w) => w.includes("no x-amazon-apigateway-integration")));
});

test("GitHub's REST API: over AWS's size limit whole; /repos breaks AWS's one-variable rule; Actions+Issues+Pulls import", () => {
  const text = read("@octokit/openapi/generated/api.github.com.json");
  assert.throws(
    () => parseDocument(text),
    (err) => err instanceof OpenApiImportError && /larger than 6 MB/.test(err.message),
  );
  const whole = JSON.parse(text) as { paths: Record<string, Record<string, unknown>>; components: unknown };
  const part = (...prefixes: string[]) => ({
    ...whole,
    paths: Object.fromEntries(
      Object.entries(whole.paths).filter(([path]) => prefixes.some((p) => path.startsWith(p))),
    ),
  });
  // /repos/{owner}/{repo}/commits/{commit_sha} beside …/commits/{ref}: AWS refuses two variable siblings.
  assert.throws(
    () => importRestApi(parseDocument(JSON.stringify(part("/repos/")))),
    (err) => err instanceof OpenApiImportError && /only one is allowed/.test(err.message),
  );
  const subset = part(
    "/repos/{owner}/{repo}/actions",
    "/repos/{owner}/{repo}/issues",
    "/repos/{owner}/{repo}/pulls",
  );
  const expected = operationCount(subset);
  assert.ok(expected >= 100, `${expected} operations`);
  const { definition } = importRestApi(parseDocument(JSON.stringify(subset)));
  assert.equal(methodCount(definition), expected);
  const issue = Object.values(definition.resources).find(
    (r) => r.path === "/repos/{owner}/{repo}/issues/{issue_number}",
  );
  assert.ok(issue?.resourceMethods?.GET && issue.resourceMethods.PATCH);
});

function roundTrips(def: ReturnType<typeof importRestApi>["definition"]): void {
  for (const format of ["oas30", "swagger"] as const) {
    const exported = exportRestApi(def, {
      format,
      extensions: new Set(["apigateway"]),
      stageName: "prod",
      region: "us-east-1",
    });
    const again = importRestApi(parseDocument(JSON.stringify(exported)), { existing: def }).definition;
    assert.deepEqual(again, def, format);
  }
}

test("STAPI and the GitHub subset survive import → export → import unchanged", () => {
  const stapi = importRestApi(parseDocument(read("@readme/oas-examples/3.0/json/star-trek.json"))).definition;
  roundTrips(stapi);
  const whole = JSON.parse(read("@octokit/openapi/generated/api.github.com.json")) as {
    paths: Record<string, unknown>;
  };
  const subset = {
    ...whole,
    paths: Object.fromEntries(
      Object.entries(whole.paths).filter(([p]) => p.startsWith("/repos/{owner}/{repo}/issues")),
    ),
  };
  roundTrips(importRestApi(parseDocument(JSON.stringify(subset))).definition);
});
