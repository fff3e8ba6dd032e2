import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";

/** A MOCK method whose body names the resource that answered. */
const mock = (name: string) => `
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseTemplates: { application/json: '{"route":"${name}"}' }`;

const ROUTING_API = `
openapi: "3.0.1"
info: { title: Routing, version: "1" }
paths:
  /:
    get:${mock("root")}
  /pets:
    get:${mock("pets-get")}
    x-amazon-apigateway-any-method:${mock("pets-any")}
  /pets/mine:
    get:${mock("pets-mine")}
  /pets/{id}:
    get:${mock("pet-param")}
  /test:
    post:${mock("test-post")}
  /{proxy+}:
    x-amazon-apigateway-any-method:${mock("greedy")}
`;

const NO_GREEDY_API = `
openapi: "3.0.1"
info: { title: NoGreedy, version: "1" }
paths:
  /pets:
    get:${mock("pets-get")}
`;

const HTTP_API = `
openapi: "3.0.1"
info: { title: HttpRouting, version: "1" }
paths:
  /pets/{id}:
    get:
      responses: { "200": { description: ok } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/x", payloadFormatVersion: "1.0" }
`;

describe("routing", () => {
  let gw: TestGateway;
  let api: string;
  let plain: string;
  let http: string;

  before(async () => {
    gw = await startTestGateway();
    api = await gw.deployRest(ROUTING_API, "test");
    plain = await gw.deployRest(NO_GREEDY_API, "test");
    http = await gw.deployHttp(HTTP_API);
  });
  after(() => gw.close());

  const routeOf = async (method: string, path: string) => {
    const r = await gw.call(api, path, { method });
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
    return (JSON.parse(r.text) as { route: string }).route;
  };

  test("a literal segment beats {param}, which beats {proxy+}", async () => {
    assert.equal(await routeOf("GET", "/test/pets/mine"), "pets-mine");
    assert.equal(await routeOf("GET", "/test/pets/42"), "pet-param");
    assert.equal(await routeOf("GET", "/test/pets/42/toys"), "greedy");
    assert.equal(await routeOf("GET", "/test/anything/at/all"), "greedy");
  });

  test("an exact method beats ANY on the same resource", async () => {
    assert.equal(await routeOf("GET", "/test/pets"), "pets-get");
    assert.equal(await routeOf("DELETE", "/test/pets"), "pets-any");
    assert.equal(await routeOf("PATCH", "/test/pets"), "pets-any");
  });

  test("a greedy sibling catches a method the literal resource lacks", async () => {
    assert.equal(await routeOf("POST", "/test/test"), "test-post");
    assert.equal(await routeOf("OPTIONS", "/test/test"), "greedy");
  });

  test("the root resource and trailing slashes", async () => {
    assert.equal(await routeOf("GET", "/test"), "root");
    assert.equal(await routeOf("GET", "/test/"), "root");
    assert.equal(await routeOf("GET", "/test/pets/"), "pets-get");
    assert.equal(await routeOf("GET", "//test/pets"), "pets-get");
  });

  test("path style addressing reaches the same resources", async () => {
    const r = await gw.call("nothost", `/restapis/${api}/test/_user_request_/pets/mine`);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).route, "pets-mine");
  });

  test("unknown path, unknown method and unknown stage answer 403 Missing Authentication Token", async () => {
    for (const [method, path] of [
      ["GET", "/test/nothing"],
      ["POST", "/test/pets"],
      ["GET", "/prod/pets"],
      ["GET", "/"],
    ] as const) {
      const r = await gw.call(plain, path, { method });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.text, '{"message":"Missing Authentication Token"}');
      assert.equal(r.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
      assert.match(String(r.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
      assert.match(String(r.headers["x-amz-apigw-id"]), /^[A-Za-z0-9+/]{15}=$/);
    }
  });

  test("HTTP APIs answer an unknown route with 404 Not Found", async () => {
    const r = await gw.call(http, "/nothing/here");
    assert.equal(r.status, 404);
    assert.equal(r.text, '{"message":"Not Found"}');
    assert.equal(r.headers["x-amzn-errortype"], "NotFoundException");
    assert.ok(r.headers["x-amzn-requestid"]);
    assert.ok(r.headers["apigw-requestid"]);
  });

  test("a host naming no API answers 404 and still carries a request id", async () => {
    const r = await gw.call("zzzzzzzzzz", "/test/pets");
    assert.equal(r.status, 404);
    assert.ok(r.headers["x-amzn-requestid"]);
  });

  test("MOCK responses carry AWS's identity headers", async () => {
    const r = await gw.call(api, "/test/pets");
    assert.equal(r.headers["content-type"], "application/json");
    assert.ok(r.headers["x-amzn-requestid"]);
    assert.ok(r.headers["x-amz-apigw-id"]);
  });
});
