import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiGatewayV2Client,
  GetAuthorizersCommand,
  GetRoutesCommand,
  ImportApiCommand,
  ReimportApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import { adminClientConfig, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

// What ImportApi and ReimportApi refuse in an HTTP API's x-amazon-apigateway-authorizer: the
// document's structure, and every rule CreateAuthorizer applies, in its words, naming the scheme;
// a refused reimport leaves the API as it was.

const MOCK = `x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "https://backend.example/x", payloadFormatVersion: "1.0" }`;
const LAMBDA = invocationArn("auth");

function document(scheme: string, scopes = "[]"): string {
  return `
openapi: 3.0.1
info: { title: Refusals, version: "1" }
components:
  securitySchemes:
    bad: ${scheme}
paths:
  /guarded:
    get:
      security: [{ bad: ${scopes} }]
      ${MOCK}
`;
}

const JWT = (x: string) => `{ type: oauth2, flows: {}, x-amazon-apigateway-authorizer: ${x} }`;
const REQUEST = (x: string) =>
  `{ type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authorizer: ${x} }`;

const cases: [string, string, RegExp, string?][] = [
  [
    "a jwt authorizer without an issuer",
    JWT("{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { audience: [a] } }"),
    /securitySchemes\.bad: JWT authorizers require jwtConfiguration\.issuer/,
  ],
  [
    "a jwt authorizer without jwtConfiguration",
    JWT("{ type: jwt, identitySource: $request.header.Authorization }"),
    /securitySchemes\.bad: JWT authorizers require jwtConfiguration\.issuer/,
  ],
  [
    "a jwt authorizer without an audience",
    JWT(
      "{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: 'https://i.example' } }",
    ),
    /securitySchemes\.bad: JWT authorizers require at least one audience/,
  ],
  [
    "a jwt authorizer whose audience is not a list",
    JWT(
      "{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: 'https://i.example', audience: a } }",
    ),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer\.jwtConfiguration\.audience must be a list of strings/,
  ],
  [
    "a jwt authorizer with two identity sources",
    JWT(
      "{ type: jwt, identitySource: '$request.header.A,$request.header.B', jwtConfiguration: { issuer: 'https://i.example', audience: [a] } }",
    ),
    /securitySchemes\.bad: JWT authorizers take exactly one identity source/,
  ],
  [
    "a request authorizer without an authorizerUri",
    REQUEST(
      "{ type: request, authorizerPayloadFormatVersion: '2.0', identitySource: $request.header.Authorization }",
    ),
    /securitySchemes\.bad: REQUEST authorizers require an authorizerUri/,
  ],
  [
    "a request authorizer without a payload format version",
    REQUEST(`{ type: request, authorizerUri: "${LAMBDA}", identitySource: $request.header.Authorization }`),
    /securitySchemes\.bad: REQUEST authorizers require authorizerPayloadFormatVersion/,
  ],
  [
    "a payload format version that does not exist",
    REQUEST(`{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '3.0' }`),
    /securitySchemes\.bad: Invalid authorizerPayloadFormatVersion\. Valid values are 1\.0 and 2\.0/,
  ],
  [
    "simple responses with payload format 1.0",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '1.0', enableSimpleResponses: true }`,
    ),
    /securitySchemes\.bad: Simple responses are only supported with payload format version 2\.0/,
  ],
  [
    "a TTL over 3600",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', identitySource: $request.header.A, authorizerResultTtlInSeconds: 5000 }`,
    ),
    /securitySchemes\.bad: AuthorizerResultTtlInSeconds must be between 0 and 3600/,
  ],
  [
    "caching without an identity source",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: 300 }`,
    ),
    /securitySchemes\.bad: Caching requires at least one identity source/,
  ],
  [
    "an identity source that is not a selection expression",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', identitySource: header.Authorization }`,
    ),
    /securitySchemes\.bad: Invalid identity source header\.Authorization/,
  ],
  [
    "an empty entry in a comma-separated identity source",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', identitySource: '$request.header.A,,$request.querystring.b' }`,
    ),
    /securitySchemes\.bad: Invalid identity source $/m,
  ],
  [
    "an identity source that is a number",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', identitySource: 5 }`,
    ),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer\.identitySource must be a comma-separated string/,
  ],
  [
    "an authorizer type HTTP APIs do not have",
    REQUEST(`{ type: token, authorizerUri: "${LAMBDA}" }`),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer: unsupported authorizer type token\. HTTP APIs support jwt and request authorizers/,
  ],
  [
    "an authorizer without a type",
    REQUEST(`{ authorizerUri: "${LAMBDA}" }`),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer: unsupported authorizer type undefined/,
  ],
  [
    "an authorizer that is not an object",
    REQUEST("request"),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer must be an object/,
  ],
  [
    "enableSimpleResponses that is not a boolean",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: 'yes' }`,
    ),
    /securitySchemes\.bad\.x-amazon-apigateway-authorizer\.enableSimpleResponses must be a boolean/,
  ],
  [
    "scopes on a request (Lambda) authorizer",
    REQUEST(
      `{ type: request, authorizerUri: "${LAMBDA}", authorizerPayloadFormatVersion: '2.0', identitySource: $request.header.A }`,
    ),
    /paths\.\/guarded\.get\.security\.bad: authorization scopes are supported only for JWT authorizers, and bad is a request \(Lambda\) authorizer/,
    "[read]",
  ],
  [
    "scopes that are not a list",
    JWT(
      "{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: 'https://i.example', audience: [a] } }",
    ),
    /paths\.\/guarded\.get\.security\.bad must be a list of scopes/,
    "read",
  ],
];

describe("HTTP API authorizers an import refuses", () => {
  let gw: TestGateway;
  let v2: ApiGatewayV2Client;
  let apiId: string;
  const state = async () => ({
    authorizers: (await v2.send(new GetAuthorizersCommand({ ApiId: apiId }))).Items,
    routes: (await v2.send(new GetRoutesCommand({ ApiId: apiId }))).Items,
  });

  before(async () => {
    gw = await startTestGateway();
    v2 = new ApiGatewayV2Client(adminClientConfig(gw));
    const good = document(
      JWT(
        "{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: 'https://i.example', audience: [a] } }",
      ),
      "[read]",
    );
    apiId = (await v2.send(new ImportApiCommand({ Body: good }))).ApiId!;
  });
  after(async () => {
    v2.destroy();
    await gw.close();
  });

  for (const [what, scheme, message, scopes] of cases) {
    test(`${what}: BadRequestException naming the scheme, on import and reimport; the API is left as it was`, async () => {
      const body = document(scheme, scopes);
      const before = await state();
      for (const command of [
        new ImportApiCommand({ Body: body }),
        new ReimportApiCommand({ ApiId: apiId, Body: body }),
      ]) {
        await assert.rejects(
          v2.send(command as ImportApiCommand),
          (e: Error) => e.name === "BadRequestException" && message.test(e.message),
        );
      }
      assert.deepEqual(await state(), before);
      assert.equal(before.routes?.[0]?.AuthorizationType, "JWT");
    });
  }

  test("more than 10 authorizers: LimitExceededException, as CreateAuthorizer answers the eleventh", async () => {
    const schemes = Array.from(
      { length: 11 },
      (_, i) =>
        `    a${i}: ${JWT("{ type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: { issuer: 'https://i.example', audience: [a] } }")}`,
    ).join("\n");
    const body = `openapi: 3.0.1\ninfo: { title: Many, version: "1" }\ncomponents:\n  securitySchemes:\n${schemes}\npaths: {}\n`;
    await assert.rejects(
      v2.send(new ImportApiCommand({ Body: body })),
      (e: Error) => e.name === "LimitExceededException" && /Maximum number of Authorizers/.test(e.message),
    );
    const ten = body.replace(/\n {4}a10: .*/, "");
    const ok = await v2.send(new ImportApiCommand({ Body: ten }));
    assert.equal((await v2.send(new GetAuthorizersCommand({ ApiId: ok.ApiId }))).Items?.length, 10);
  });

  test("a scheme with neither awsSigv4 nor an authorizer (http bearer): a warning, and the route is not created", async () => {
    const body = document("{ type: http, scheme: bearer }");
    const imported = await v2.send(new ImportApiCommand({ Body: body }));
    assert.ok(
      imported.Warnings?.some((w) =>
        /paths\.\/guarded\.get requires security scheme bad, which API Gateway cannot enforce; the route was not created/.test(
          w,
        ),
      ),
      JSON.stringify(imported.Warnings),
    );
    assert.deepEqual((await v2.send(new GetRoutesCommand({ ApiId: imported.ApiId }))).Items, []);
    await assert.rejects(
      v2.send(new ImportApiCommand({ Body: body, FailOnWarnings: true })),
      (e: Error) => e.name === "BadRequestException",
    );
  });
});
