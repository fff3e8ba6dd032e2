import assert from "node:assert/strict";
import { test } from "node:test";
import { OpenApiImportError } from "../../src/openapi/errors.ts";
import { importRestApi } from "../../src/openapi/import-rest-api.ts";
import { parseDocument } from "../../src/openapi/parse-document.ts";

// Shapes from AWS's x-amazon-apigateway-authorizer, -request-validators and -gateway-responses docs.
const DOC = `
openapi: 3.0.1
info: { title: Secured, version: "1" }
x-amazon-apigateway-request-validators:
  all: { validateRequestBody: true, validateRequestParameters: true }
  params-only: { validateRequestBody: false, validateRequestParameters: true }
x-amazon-apigateway-request-validator: params-only
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    statusCode: "400"
    responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "'*'" }
    responseTemplates: { application/json: '{"message":$context.error.messageString}' }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }
    tokenAuth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations
        authorizerResultTtlInSeconds: 60
        identityValidationExpression: "^Bearer .+"
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: [arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc]
paths:
  /keyed:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-request-validator: all
      x-amazon-apigateway-integration: { type: mock }
  /iam:
    get:
      security: [{ sigv4: [] }]
      x-amazon-apigateway-integration: { type: mock }
  /token:
    get:
      security: [{ tokenAuth: [], api_key: [] }]
      x-amazon-apigateway-integration: { type: mock }
  /cognito:
    get:
      security: [{ pool: [email, openid] }]
      x-amazon-apigateway-integration: { type: mock }
`;

const method = (def: ReturnType<typeof importRestApi>["definition"], path: string) =>
  Object.values(def.resources).find((r) => r.path === path)!.resourceMethods!.GET!;

test("security schemes become authorizers, IAM and API-key requirements; validators and gateway responses are read", () => {
  const { definition } = importRestApi(parseDocument(DOC));
  const authorizers = Object.values(definition.authorizers ?? {});
  const token = authorizers.find((a) => a.name === "tokenAuth")!;
  assert.equal(token.type, "TOKEN");
  assert.equal(token.identitySource, "method.request.header.Authorization");
  assert.equal(token.authorizerResultTtlInSeconds, 60);
  assert.equal(token.identityValidationExpression, "^Bearer .+");
  const pool = authorizers.find((a) => a.name === "pool")!;
  assert.deepEqual(pool.providerARNs, ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"]);

  assert.equal(method(definition, "/keyed").apiKeyRequired, true);
  assert.equal(method(definition, "/keyed").authorizationType, "NONE");
  assert.equal(method(definition, "/iam").authorizationType, "AWS_IAM");
  const tokenMethod = method(definition, "/token");
  assert.equal(tokenMethod.authorizationType, "CUSTOM");
  assert.equal(tokenMethod.authorizerId, token.id);
  assert.equal(tokenMethod.apiKeyRequired, true);
  const cognito = method(definition, "/cognito");
  assert.equal(cognito.authorizationType, "COGNITO_USER_POOLS");
  assert.deepEqual(cognito.authorizationScopes, ["email", "openid"]);

  const validators = Object.values(definition.requestValidators ?? {});
  const all = validators.find((v) => v.name === "all")!;
  const paramsOnly = validators.find((v) => v.name === "params-only")!;
  assert.equal(method(definition, "/keyed").requestValidatorId, all.id);
  assert.equal(method(definition, "/iam").requestValidatorId, paramsOnly.id, "the API-wide default applies");
  assert.equal(definition.gatewayResponses?.DEFAULT_4XX?.statusCode, "400");
});

test("an operation naming an undefined scheme or validator is refused", () => {
  const undefinedScheme = DOC.replace("security: [{ sigv4: [] }]", "security: [{ ghost: [] }]");
  assert.throws(() => importRestApi(parseDocument(undefinedScheme)), OpenApiImportError);
  const undefinedValidator = DOC.replace(
    "x-amazon-apigateway-request-validator: all",
    "x-amazon-apigateway-request-validator: ghost",
  );
  assert.throws(() => importRestApi(parseDocument(undefinedValidator)), OpenApiImportError);
});
