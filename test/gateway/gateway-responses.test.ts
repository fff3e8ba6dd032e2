import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// Shape from AWS's x-amazon-apigateway-gateway-responses documentation (CORS headers on every 4XX).
const API = `
openapi: 3.0.1
info: { title: Responses, version: "1" }
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
      gatewayresponse.header.X-Env: stageVariables.env
    responseTemplates:
      application/json: '{"error": $context.error.messageString, "type": "$context.error.responseType"}'
  UNSUPPORTED_MEDIA_TYPE:
    statusCode: "400"
    responseTemplates:
      application/json: '{"message": "send JSON"}'
paths:
  /strict:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://127.0.0.1:9/never
        passthroughBehavior: never
        requestTemplates: { application/json: "{}" }
`;

let gw: TestGateway;
let id: string;
before(async () => {
  gw = await startTestGateway();
  id = await gw.deployRest(API, "prod", { env: "staging" });
});
after(() => gw.close());

test("DEFAULT_4XX customises every 4XX without its own setting: headers and template", async () => {
  const r = await gw.call(id, "/prod/nothing-here");
  assert.equal(r.status, 403);
  assert.equal(r.headers["access-control-allow-origin"], "*");
  assert.equal(r.headers["x-env"], "staging");
  assert.equal(r.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  assert.deepEqual(JSON.parse(r.text), {
    error: "Missing Authentication Token",
    type: "MISSING_AUTHENTICATION_TOKEN",
  });
});

test("a type's own setting wins over DEFAULT_4XX, status code included", async () => {
  const r = await gw.call(id, "/prod/strict", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "x",
  });
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.text), { message: "send JSON" });
  assert.equal(r.headers["access-control-allow-origin"], undefined);
});
