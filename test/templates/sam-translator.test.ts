import assert from "node:assert/strict";
import { test } from "node:test";
import { gatewayParts, type Resource, runFixture } from "./sam-fixture.ts";

/**
 * For each of SAM's own translator tests: every API Gateway resource SAM makes (RestApi with its
 * Body, Deployment, Stage, usage plans, keys, V2 Api and Stage, Lambda permissions) is made the
 * same, with the same logical id; deployment ids differ only in their hash.
 */
const SAME = [
  "api_with_auth_all_minimum",
  "api_with_cors",
  "api_with_default_aws_iam_auth",
  "api_with_gateway_responses",
  "api_with_request_parameters_openapi",
  "api_with_usageplans",
  "explicit_http_api_minimum",
  "globals_for_api",
  "http_api_lambda_auth",
  "http_api_lambda_auth_with_permissions_resource",
  "http_api_multiple_authorizers",
  "http_api_with_cors",
  "implicit_http_api",
];

for (const name of SAME)
  test(`SAM translator fixture ${name}: the API Gateway resources are SAM's`, () => {
    const { actual, expected } = runFixture(name);
    assert.deepEqual(gatewayParts(actual), gatewayParts(expected));
  });

/** `{NONE: []}` names no security scheme: Portico leaves it out (the route has no authorizer). */
function withoutNone(parts: Record<string, Resource>): Record<string, Resource> {
  return JSON.parse(
    JSON.stringify(parts, (_k, v) =>
      Array.isArray(v)
        ? v.filter((s) => !(s && typeof s === "object" && Object.keys(s).join() === "NONE"))
        : v,
    ),
  );
}

test("SAM translator fixture implicit_http_api_auth_and_simple_case: SAM's, but for the NONE marker", () => {
  const { actual, expected } = runFixture("implicit_http_api_auth_and_simple_case");
  assert.deepEqual(gatewayParts(actual), withoutNone(gatewayParts(expected)));
  const body = actual.ServerlessHttpApi!.Properties.Body as {
    paths: Record<string, Record<string, { security: unknown[] }>>;
  };
  assert.deepEqual(body.paths["/noneauth"]!.post!.security, []);
});

test("SAM translator fixture http_api_explicit_stage: stage, FailOnWarnings' /$default, permissions", () => {
  const { actual, expected } = runFixture("http_api_explicit_stage");
  const a = gatewayParts(actual);
  const e = gatewayParts(expected);
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort());
  for (const id of Object.keys(e)) if (id !== "MyApi") assert.deepEqual(a[id], e[id], id);
  const body = a.MyApi!.Properties.Body as Record<string, unknown>;
  const expectedBody = e.MyApi!.Properties.Body as Record<string, unknown>;
  assert.deepEqual(body.paths, expectedBody.paths);
  // SAM fills the parameter's default in; here the Ref stays for the resolver.
  assert.deepEqual(body["x-amazon-apigateway-cors"], { Ref: "CorsParam" });
});
