import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { OpenApiImportError } from "../../src/openapi/errors.ts";
import { importHttpApi } from "../../src/openapi/import-http-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

const text = readFileSync(join(import.meta.dirname, "..", "fixtures", "openapi", "http-api.yaml"), "utf8");

test("routes, $default, ANY and shared integrations by $ref", () => {
  const { definition } = importHttpApi(parseDocument(text), { region: "eu-west-1" });
  const { api, routes, integrations } = definition;
  assert.equal(api.name, "Gateway");
  assert.equal(api.protocolType, "HTTP");
  assert.equal(api.apiEndpoint, `https://${api.apiId}.execute-api.eu-west-1.amazonaws.com`);
  assert.deepEqual(api.corsConfiguration, { allowOrigins: ["https://example.com"] });
  const keys = Object.values(routes)
    .map((r) => r.routeKey)
    .sort();
  assert.deepEqual(keys, ["$default", "ANY /{proxy+}", "GET /items/{id}"]);
  for (const route of Object.values(routes)) {
    assert.match(route.routeId, /^[a-z0-9]{7}$/);
    const id = route.target!.replace("integrations/", "");
    assert.ok(integrations[id], route.routeKey);
  }
  const item = Object.values(routes).find((r) => r.routeKey === "GET /items/{id}")!;
  const integration = integrations[item.target!.replace("integrations/", "")]!;
  assert.equal(integration.integrationType, "HTTP_PROXY");
  assert.equal(integration.integrationUri, "https://items.example.com/items/{id}");
  assert.equal(integration.payloadFormatVersion, "1.0");
  assert.equal(integration.timeoutInMillis, 30000);
});

test("reimport keeps the api id and route ids", () => {
  const first = importHttpApi(parseDocument(text)).definition;
  const second = importHttpApi(parseDocument(text), { existing: first }).definition;
  assert.equal(second.api.apiId, first.api.apiId);
  assert.deepEqual(Object.keys(second.routes).sort(), Object.keys(first.routes).sort());
});

test("bad HTTP API documents are refused", () => {
  const bad = [
    "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /{proxy+}/more:\n    get: {}\n",
    "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://x', payloadFormatVersion: '3.0' }\n",
    "openapi: 3.0.1\ninfo: { title: x }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://x', timeoutInMillis: 30001 }\n",
  ];
  for (const doc of bad) assert.throws(() => importHttpApi(parseDocument(doc)), OpenApiImportError, doc);
});

const guarded = (extra = "") => `
openapi: 3.0.1
info: { title: Guarded, version: "1" }
components:
  securitySchemes:
    jwt: { type: oauth2, flows: {}, x-amazon-apigateway-authorizer: { type: JWT, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: "https://issuer.example", audience: [a] } } }
    other: { type: oauth2, flows: {}, x-amazon-apigateway-authorizer: { type: jwt, identitySource: $request.header.X, jwtConfiguration: { issuer: "https://other.example", audience: [a] } } }
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
paths:
  /a:
    get:
      security: [{ jwt: [read] }]
      ${extra}
`;

test("security schemes with x-amazon-apigateway-authorizer become authorizers named after them; a route names one", () => {
  const { definition } = importHttpApi(parseDocument(guarded()));
  const authorizers = Object.values(definition.authorizers ?? {});
  assert.deepEqual(authorizers.map((a) => a.name).sort(), ["jwt", "other"]);
  const jwt = authorizers.find((a) => a.name === "jwt")!;
  assert.match(jwt.authorizerId, /^[a-z0-9]{7}$/);
  assert.equal(jwt.authorizerType, "JWT", "the type is read in any case");
  const [route] = Object.values(definition.routes);
  assert.deepEqual(
    { type: route!.authorizationType, id: route!.authorizerId, scopes: route!.authorizationScopes },
    { type: "JWT", id: jwt.authorizerId, scopes: ["read"] },
  );
});

test("reimport keeps authorizer ids by scheme name, so an unchanged document gives an unchanged definition", () => {
  const first = importHttpApi(parseDocument(guarded())).definition;
  const second = importHttpApi(parseDocument(guarded()), { existing: first }).definition;
  assert.deepEqual(second, first);
});

test("a route has one authorization type: two gates in one requirement, or IAM beside an authorizer, are refused", () => {
  const both = guarded().replace("security: [{ jwt: [read] }]", "security: [{ jwt: [], other: [] }]");
  assert.throws(() => importHttpApi(parseDocument(both)), /security requires both jwt and other/);
  const iam = guarded("x-amazon-apigateway-auth: { type: AWS_IAM }");
  assert.throws(
    () => importHttpApi(parseDocument(iam)),
    /x-amazon-apigateway-auth AWS_IAM conflicts with its security authorizer/,
  );
  const alternatives = guarded().replace(
    "security: [{ jwt: [read] }]",
    "security: [{ jwt: [] }, { sigv4: [] }]",
  );
  const [route] = Object.values(importHttpApi(parseDocument(alternatives)).definition.routes);
  assert.equal(route!.authorizationType, "AWS_IAM", "of alternatives the last stands, none left open");
  assert.equal(route!.authorizerId, undefined);
});
