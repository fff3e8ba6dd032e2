import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Echo, type EchoBackend, startEchoBackend } from "../../support/echo-backend.ts";
import { startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { invocationArn } from "../../support/lambda-arn.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "functions");
const arn = (name: string) => invocationArn(name);

let backend: EchoBackend;
let gw: TestGateway;
let id: string;
before(async () => {
  backend = await startEchoBackend();
  gw = await startTestGateway({
    functions: { injecting: { handler: join(FIXTURES, "handlers.injectingAuthorizer") } },
  });
  id = await gw.deployRest(
    `openapi: 3.0.1
info: { title: Injection, version: "1" }
components:
  securitySchemes:
    auth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: "${arn("injecting")}", authorizerResultTtlInSeconds: 0 }
paths:
  /plain:
    get:
      security: [{ auth: [] }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/echo"
        requestParameters: { integration.request.header.x-note: context.authorizer.plain, integration.request.header.x-who: context.authorizer.principalId }
  /injected:
    get:
      security: [{ auth: [] }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "${backend.url}/echo"
        requestParameters: { integration.request.header.x-note: context.authorizer.note }
`,
    "prod",
  );
});
after(async () => {
  await gw.close();
  await backend.close();
});

test("authorizer context maps into integration headers", async () => {
  const r = await gw.call(id, "/prod/plain", { headers: { authorization: "t" } });
  assert.equal(r.status, 200, r.text);
  const echo = JSON.parse(r.text) as Echo;
  assert.equal(echo.headers["x-note"], "ok");
  assert.equal(echo.headers["x-who"], "evil");
});

test("a CR/LF in authorizer context never becomes an extra header; the gateway stays healthy", async () => {
  const r = await gw.call(id, "/prod/injected", { headers: { authorization: "t" } });
  assert.ok(r.status >= 500, `refused, got ${r.status}`);
  assert.doesNotMatch(r.text, /X-Injected/i);
  const again = await gw.call(id, "/prod/plain", { headers: { authorization: "t" } });
  assert.equal(again.status, 200);
  assert.equal((JSON.parse(again.text) as Echo).headers["x-injected"], undefined);
});
