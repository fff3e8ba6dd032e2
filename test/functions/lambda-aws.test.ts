import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { invocationArn } from "../support/lambda-arn.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "functions");
const arn = (name: string) => invocationArn(name);

const API = `
openapi: 3.0.1
info: { title: NonProxy, version: "1" }
paths:
  /greet/{name}:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("validates")}"
        requestTemplates:
          application/json: '{"name": "$input.params(''name'')", "stage": "$context.stage"}'
        responses:
          ".*BadRequest.*":
            statusCode: "400"
            responseTemplates:
              application/json: '{"error": "$util.escapeJavaScript($input.path(''$.errorMessage''))"}'
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.X-Greeting: integration.response.body.greeting
              method.response.header.X-Static: "'yes'"
            responseTemplates:
              application/json: '{"message": "$input.path(''$.greeting'')"}'
  /empty:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("validates")}"
        requestTemplates: { application/json: '{}' }
        responses:
          ".*BadRequest.*": { statusCode: "400" }
          default: { statusCode: "200" }
  /unmatched:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("throws")}"
        responses:
          default: { statusCode: "200" }
  /image:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("image")}"
        responses:
          default:
            statusCode: "200"
            contentHandling: CONVERT_TO_BINARY
            responseParameters: { method.response.header.Content-Type: "'image/png'" }
            responseTemplates: { application/json: "$input.path('$')" }
  /raw:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: "${arn("raw")}"
        responses:
          default: { statusCode: "200" }
`;

describe("AWS (non-proxy) Lambda integrations", () => {
  let gw: TestGateway;
  let id: string;
  before(async () => {
    gw = await startTestGateway({
      functions: {
        validates: { handler: join(FIXTURES, "handlers.validates") },
        throws: { handler: join(FIXTURES, "handlers.throws") },
        raw: { handler: join(FIXTURES, "handlers.raw") },
        image: { handler: join(FIXTURES, "handlers.image") },
      },
    });
    id = await gw.deployRest(API, "prod");
  });
  after(() => gw.close());

  test("the request template builds the event; a success takes the default response and its template", async () => {
    const r = await gw.call(id, "/prod/greet/Ada");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { message: "Hello, Ada" });
    assert.equal(
      r.headers["x-greeting"],
      "Hello, Ada",
      "header mapped from integration.response.body.greeting",
    );
    assert.equal(r.headers["x-static"], "yes");
  });

  test("a function error is matched on errorMessage by selectionPattern", async () => {
    const r = await gw.call(id, "/prod/empty");
    assert.equal(r.status, 400);
    const body = JSON.parse(r.text);
    assert.equal(body.errorMessage, "[BadRequest] name is required");
    assert.equal(body.errorType, "Error");
  });

  test("an error no pattern matches falls to the default response, as AWS does (200 with the error)", async () => {
    const r = await gw.call(id, "/prod/unmatched", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).errorMessage, "something broke");
  });

  test("without a template the JSON body is the event (passthrough)", async () => {
    const r = await gw.call(id, "/prod/raw", {
      method: "POST",
      body: '{"a": [1, 2]}',
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(JSON.parse(r.text), { got: { a: [1, 2] }, at: "raw" });
  });

  test("a passthrough body that is not JSON is the event as text; an empty one is {}", async () => {
    const text = await gw.call(id, "/prod/raw", {
      method: "POST",
      body: "name=Ada&x=1",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(JSON.parse(text.text), { got: "name=Ada&x=1", at: "raw" });
    const empty = await gw.call(id, "/prod/raw", {
      method: "POST",
      body: "  ",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(JSON.parse(empty.text), { got: {}, at: "raw" });
  });

  test("CONVERT_TO_BINARY turns a base64 result into bytes", async () => {
    const r = await gw.call(id, "/prod/image");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "image/png");
    assert.deepEqual([...r.body], [137, 80, 78, 71, 0, 255]);
  });
});
