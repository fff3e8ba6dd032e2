import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

// AWS: mapping Content-Length or Transfer-Encoding fails every call of the method with 500, for
// every integration type; Lambda integrations also refuse Authorization, Connection, Expect,
// Proxy-Authenticate and TE. Any other mapped header never fails an HTTP integration.

const arn = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations`;
const mapped = (header: string) =>
  `{ integration.request.header.${header}: "'mapped-${header.toLowerCase()}'" }`;
const httpMethod = (path: string, type: string, backend: string, headers: string[]) => `
  /${path}:
    get:
      x-amazon-apigateway-integration:
        type: ${type}
        httpMethod: GET
        uri: "${backend}/${path}"
        requestParameters: { ${headers.map((h) => `integration.request.header.${h}: "'mapped-${h.toLowerCase()}'"`).join(", ")} }
        responses: { default: { statusCode: "200" } }`;
const lambdaMethod = (path: string, header: string) => `
  /${path}:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: "${arn}"
        requestParameters: ${mapped(header)}`;

describe("mapping restricted request headers", () => {
  let gw: TestGateway;
  let backend: EchoBackend;
  let id: string;
  before(async () => {
    backend = await startEchoBackend();
    gw = await startTestGateway({
      functions: {
        echo: {
          handler: join(import.meta.dirname, "..", "fixtures", "functions", "handlers.echo"),
          timeout: 3,
        },
      },
    });
    const b = backend.url;
    id = await gw.deployRest(
      `
openapi: 3.0.1
info: { title: Restricted, version: "1" }
paths:${httpMethod("proxy-cl", "http_proxy", b, ["Content-Length"])}${httpMethod("plain-te", "http", b, ["Transfer-Encoding"])}${httpMethod("proxy-others", "http_proxy", b, ["Expect", "Connection", "Upgrade", "Keep-Alive", "Authorization", "X-Custom"])}${httpMethod("plain-others", "http", b, ["Expect", "Connection", "TE", "Authorization"])}${lambdaMethod("lambda-auth", "Authorization")}${lambdaMethod("lambda-expect", "Expect")}${lambdaMethod("lambda-cl", "Content-Length")}${lambdaMethod("lambda-custom", "X-Custom")}
`,
      "prod",
    );
  });
  after(async () => {
    await gw.close();
    await backend.close();
  });

  test("Content-Length or Transfer-Encoding fails every integration type with AWS's 500", async () => {
    for (const path of ["/prod/proxy-cl", "/prod/plain-te", "/prod/lambda-cl"]) {
      const r = await gw.call(id, path);
      assert.equal(r.status, 500, path);
      assert.equal(r.text, '{"message": "Internal server error"}', path);
      assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException", path);
    }
  });

  test("Lambda integrations also refuse Authorization and Expect; other headers reach the event", async () => {
    for (const path of ["/prod/lambda-auth", "/prod/lambda-expect"])
      assert.equal((await gw.call(id, path)).status, 500, path);
    assert.equal((await gw.call(id, "/prod/lambda-custom")).status, 200);
  });

  test("on HTTP integrations any other mapped header is sent or left out, never failing the call", async () => {
    for (const path of ["/prod/proxy-others", "/prod/plain-others"]) {
      const r = await gw.call(id, path);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
    }
    const echo = JSON.parse((await gw.call(id, "/prod/proxy-others")).text) as Echo;
    assert.equal(echo.headers.authorization, "mapped-authorization");
    assert.equal(echo.headers["x-custom"], "mapped-x-custom");
    assert.equal(echo.headers.expect, undefined);
    assert.notEqual(echo.headers.connection, "mapped-connection");
  });
});
